import { describe, expect, it } from 'vitest';
import { isKnownTimeZone, ZoneSchema } from '../../src/contract/index.js';

describe('isKnownTimeZone (remembers its answers)', () => {
  it('gives the same answer the first time and every time after', () => {
    for (let i = 0; i < 3; i++) {
      expect(isKnownTimeZone('Europe/London')).toBe(true);
      expect(isKnownTimeZone('America/New_York')).toBe(true);
      expect(isKnownTimeZone('Europe/Atlantis')).toBe(false);
      expect(isKnownTimeZone('')).toBe(false);
    }
  });

  it('still judges names it has never seen once thousands of unknown ones were asked', () => {
    for (let i = 0; i < 3_000; i++) expect(isKnownTimeZone(`Nowhere/Place${i}`)).toBe(false);
    expect(isKnownTimeZone('Europe/Madrid')).toBe(true);
    expect(isKnownTimeZone('Nowhere/Place2999')).toBe(false);
  });

  it('keeps refusing a zone whose schedule names an unknown time zone, naming the field', () => {
    const zone = {
      zoneId: 'z-1',
      subjectId: 's-1',
      kind: 'inclusion',
      geometry: { type: 'Point', coordinates: [-0.1, 51.5] },
      radiusM: 100,
      schedule: { tz: 'Mars/Olympus_Mons', windows: [{ days: ['mon'], start: '20:00', end: '23:00' }] },
    };
    for (let i = 0; i < 2; i++) {
      const r = ZoneSchema.safeParse(zone);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['schedule', 'tz']);
    }
    expect(
      ZoneSchema.safeParse({ ...zone, schedule: { ...zone.schedule, tz: 'Europe/Paris' } }).success,
    ).toBe(true);
  });
});
