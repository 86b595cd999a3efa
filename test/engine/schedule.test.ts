/**
 * Zones and enrolments are judged at the fix's own ts: validity windows and schedules in local
 * time (daylight saving included). Curfew: inclusion zone, 19:00-07:00 every day, Europe/London.
 * 2026 transitions: Sun 29 March 01:00 UTC (01:00 GMT -> 02:00 BST; local 01:00-02:00 never
 * happens) and Sun 25 October 01:00 UTC (02:00 BST -> 01:00 GMT; local 01:00-02:00 happens twice).
 */
import { describe, expect, it } from 'vitest';
import type { Zone } from '../../src/contract/index.js';
import { zoneActiveAt } from '../../src/engine/index.js';
import { compileZone } from '../../src/geo/index.js';
import { circle, Harness, SINGLE_FIX, SUBJECT, sec, T0, TAG } from './engine-fixtures.js';

const ALL_DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const utc = (iso: string) => Date.parse(`${iso}Z`);

const curfew: Zone = circle('curfew', 100, {
  kind: 'inclusion',
  schedule: { tz: 'Europe/London', windows: [{ days: [...ALL_DAYS], start: '19:00', end: '07:00' }] },
});

/** Given a fresh tag confirmed outside the curfew address at `ts`: is a LEFT raised? */
function leftRaisedAt(zone: Zone, ts: number): boolean {
  const h = new Harness([zone], SINGLE_FIX);
  h.fix((ts - T0) / 1000, 500, { acc: 10 });
  return h.types().includes('INCLUSION_LEFT');
}

describe('curfew 19:00-07:00 Europe/London across the 2026 DST nights', () => {
  it.each([
    // spring forward, Sat 28 -> Sun 29 March
    { utc: '2026-03-28T18:59:00', local: 'Sat 18:59 GMT', active: false },
    { utc: '2026-03-28T19:00:00', local: 'Sat 19:00 GMT', active: true },
    { utc: '2026-03-29T00:59:00', local: 'Sun 00:59 GMT, just before the jump', active: true },
    { utc: '2026-03-29T01:00:00', local: 'Sun 02:00 BST, just after the jump', active: true },
    { utc: '2026-03-29T05:59:00', local: 'Sun 06:59 BST', active: true },
    { utc: '2026-03-29T06:00:00', local: 'Sun 07:00 BST', active: false },
    { utc: '2026-03-29T06:30:00', local: 'Sun 07:30 BST (06:30 if DST were ignored)', active: false },
    { utc: '2026-03-29T17:59:00', local: 'Sun 18:59 BST', active: false },
    { utc: '2026-03-29T18:00:00', local: 'Sun 19:00 BST', active: true },
    // fall back, Sat 24 -> Sun 25 October
    { utc: '2026-10-24T17:59:00', local: 'Sat 18:59 BST', active: false },
    { utc: '2026-10-24T18:00:00', local: 'Sat 19:00 BST', active: true },
    { utc: '2026-10-25T00:30:00', local: 'Sun 01:30 BST, first pass', active: true },
    { utc: '2026-10-25T01:30:00', local: 'Sun 01:30 GMT, second pass', active: true },
    { utc: '2026-10-25T06:00:00', local: 'Sun 06:00 GMT (07:00 if DST were kept)', active: true },
    { utc: '2026-10-25T06:59:00', local: 'Sun 06:59 GMT', active: true },
    { utc: '2026-10-25T07:00:00', local: 'Sun 07:00 GMT', active: false },
    { utc: '2026-10-25T18:59:00', local: 'Sun 18:59 GMT', active: false },
    { utc: '2026-10-25T19:00:00', local: 'Sun 19:00 GMT', active: true },
  ])('at $utc UTC ($local) the curfew is active: $active', ({ utc: iso, active }) => {
    const ts = utc(iso);
    expect(zoneActiveAt(compileZone(curfew), ts)).toBe(active);
    expect(leftRaisedAt(curfew, ts)).toBe(active);
  });
});

describe('a window starting inside the missing hour', () => {
  const zone = (start: string, end: string) =>
    compileZone(
      circle('w', 100, {
        kind: 'inclusion',
        schedule: { tz: 'Europe/London', windows: [{ days: ['sun'], start, end }] },
      }),
    );

  it.each([
    { utc: '2026-03-29T00:59:00', active: false }, // 00:59 GMT
    { utc: '2026-03-29T01:00:00', active: true }, // 02:00 BST: first wall time after 01:30
    { utc: '2026-03-29T01:59:00', active: true }, // 02:59 BST
    { utc: '2026-03-29T02:00:00', active: false }, // 03:00 BST
  ])('01:30-03:00 on Sundays, at $utc UTC: $active', ({ utc: iso, active }) => {
    expect(zoneActiveAt(zone('01:30', '03:00'), utc(iso))).toBe(active);
  });

  it('01:15-01:45 on Sundays never happens on 29 March, but does a week earlier and on 25 October (twice)', () => {
    const z = zone('01:15', '01:45');
    for (let m = 0; m < 180; m++)
      expect(zoneActiveAt(z, utc('2026-03-29T00:00:00') + m * 60_000)).toBe(false);
    expect(zoneActiveAt(z, utc('2026-03-22T01:15:00'))).toBe(true); // GMT
    expect(zoneActiveAt(z, utc('2026-10-25T00:20:00'))).toBe(true); // 01:20 BST
    expect(zoneActiveAt(z, utc('2026-10-25T01:20:00'))).toBe(true); // 01:20 GMT
    expect(zoneActiveAt(z, utc('2026-10-25T01:00:00'))).toBe(false); // 01:00 GMT
  });
});

describe('schedule shapes', () => {
  it.each([
    {
      window: { days: ['fri' as const], start: '22:00', end: '02:00' },
      utc: '2026-01-10T01:59:00',
      active: true,
    }, // Sat 01:59, named by Friday
    {
      window: { days: ['fri' as const], start: '22:00', end: '02:00' },
      utc: '2026-01-10T02:00:00',
      active: false,
    },
    {
      window: { days: ['fri' as const], start: '22:00', end: '02:00' },
      utc: '2026-01-09T01:00:00',
      active: false,
    }, // Fri 01:00
    {
      window: { days: ['sun' as const], start: '23:00', end: '01:00' },
      utc: '2026-01-12T00:30:00',
      active: true,
    }, // Sun night into Mon
    {
      window: { days: ['mon' as const], start: '09:00', end: '09:00' },
      utc: '2026-01-13T08:59:00',
      active: true,
    }, // 24 h
    {
      window: { days: ['mon' as const], start: '09:00', end: '09:00' },
      utc: '2026-01-13T09:00:00',
      active: false,
    },
  ])('$window.days $window.start-$window.end at $utc UTC: $active', ({ window, utc: iso, active }) => {
    const z = compileZone(circle('s', 100, { schedule: { tz: 'Europe/London', windows: [window] } }));
    expect(zoneActiveAt(z, utc(iso))).toBe(active);
  });

  it('a zone in another time zone (Asia/Kolkata, +05:30) is judged on its own local clock', () => {
    const z = compileZone(
      circle('k', 100, {
        schedule: { tz: 'Asia/Kolkata', windows: [{ days: ['mon'], start: '09:00', end: '10:00' }] },
      }),
    );
    expect(zoneActiveAt(z, utc('2026-01-05T03:29:00'))).toBe(false); // 08:59 IST
    expect(zoneActiveAt(z, utc('2026-01-05T03:30:00'))).toBe(true); // 09:00 IST
    expect(zoneActiveAt(z, utc('2026-01-05T04:29:00'))).toBe(true);
    expect(zoneActiveAt(z, utc('2026-01-05T04:30:00'))).toBe(false);
  });
});

describe('validity windows at the fix ts', () => {
  it('given a zone valid from one hour after the fix, then nothing; a fix at validFrom raises', () => {
    const h = new Harness([circle('z', 100, { validFrom: sec(3600) })], SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(3599, 0, { acc: 10 });
    expect(h.alerts).toEqual([]);
    h.fix(3600, 0, { acc: 10 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED']);
  });

  it('given a violation, when the zone validity ends, then it closes silently and a later fix raises nothing', () => {
    const h = new Harness([circle('z', 100, { validTo: sec(600) })], SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(300, 0, { acc: 10 });
    h.fix(600, 0, { acc: 10 });
    h.fix(900, 500, { acc: 10 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED']);
    expect(h.state.zones[0]).toMatchObject({ phase: 'clear', episodes: [[sec(0), sec(600)]] });
  });

  it('given a curfew LEFT, when the window closes while outside, then no RETURNED; the next night raises a new LEFT', () => {
    const h = new Harness([curfew], SINGLE_FIX);
    const night = utc('2026-01-05T22:00:00');
    h.fix((night - T0) / 1000, 500, { acc: 10 });
    h.fix((night + 10 * 3600_000 - T0) / 1000, 500, { acc: 10 }); // 08:00: window closed
    h.fix((night + 22 * 3600_000 - T0) / 1000, 500, { acc: 10 }); // 20:00 next day
    expect(h.types()).toEqual(['INCLUSION_LEFT', 'INCLUSION_LEFT']);
    expect(h.alerts[0]!.breachId).not.toBe(h.alerts[1]!.breachId);
  });

  it('the enrolment is evaluated at the fix ts', () => {
    const h = new Harness([circle('z', 100)], SINGLE_FIX, {
      tagId: TAG,
      subjectId: SUBJECT,
      validFrom: sec(60),
      validTo: sec(180),
    });
    expect(h.fix(0, 0, { acc: 10 })).toBe('unenrolled');
    expect(h.fix(60, 0, { acc: 10 })).toBe('applied');
    expect(h.fix(120, 0, { acc: 10 })).toBe('applied');
    expect(h.fix(180, 0, { acc: 10 })).toBe('unenrolled');
    expect(h.alerts.map((a) => a.ts)).toEqual([sec(60)]);
  });
});
