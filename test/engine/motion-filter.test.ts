/**
 * Speed outliers (default 70 m/s): a fix implying an impossible move from the last accepted fix
 * is set aside; a relocation is accepted when a later fix agrees with it, or on its own when the
 * time since the last fix makes it possible. Zone: exclusion circle of 100 m at the centre.
 */
import { describe, expect, it } from 'vitest';
import { circle, Harness, SINGLE_FIX, sec } from './engine-fixtures.js';

const zones = [circle('home', 100)];
const FAR = 50_000; // 50 km north: the tag's usual whereabouts

describe('speed filter', () => {
  it('given a tag 50 km away, when one fix teleports into the zone and the next is back, then it is ignored', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, FAR, { acc: 10 });
    expect(h.fix(60, 0, { acc: 10 })).toBe('outlier');
    expect(h.state.suspect).toMatchObject({ ts: sec(60) });
    expect(h.fix(120, FAR + 100, { acc: 10 })).toBe('applied');
    expect(h.alerts).toEqual([]);
    expect(h.state.suspect).toBeNull();
    expect(h.state.lastTs).toBe(sec(120));
  });

  it('given a two-hour gap, when the tag reappears 50 km away inside the zone, then it is accepted at once', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, FAR, { acc: 10 });
    expect(h.fix(7200, 0, { acc: 10 })).toBe('applied');
    expect(h.types()).toEqual(['EXCLUSION_ENTERED']);
  });

  it('given an outlier in the zone, when the next fix agrees with it, then both are applied and together confirm the entry', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, FAR, { acc: 10 });
    expect(h.fix(60, 95, { acc: 25 })).toBe('outlier');
    expect(h.alerts).toEqual([]);
    expect(h.fix(120, 90, { acc: 25 })).toBe('applied');
    expect(h.alerts.map((a) => [a.type, a.certainty, a.evidence!.map((e) => e.ts)])).toEqual([
      ['EXCLUSION_ENTERED', 'possible', [sec(60), sec(120)]],
    ]);
    expect(h.state.lastTs).toBe(sec(120));
  });

  it('a second outlier that agrees with neither replaces the suspect', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, FAR, { acc: 10 });
    expect(h.fix(60, 0, { acc: 10 })).toBe('outlier');
    expect(h.fix(120, -FAR, { acc: 10 })).toBe('outlier');
    expect(h.state.suspect).toMatchObject({ ts: sec(120) });
    expect(h.alerts).toEqual([]);
  });

  it('accuracy circles are subtracted: a sloppy fix of a standing tag is not an outlier', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, FAR, { acc: 10 });
    expect(h.fix(1, FAR + 2000, { acc: 2000 })).toBe('applied');
  });
});
