/**
 * Ordering: fixes apply in ts order. A repeated ts changes nothing; an older fix does not rewind
 * state and raises (late: true) only a confirmed violation that no raised alert covers.
 * Zone: exclusion circle of 100 m.
 */
import { describe, expect, it } from 'vitest';
import { encodeTagState } from '../../src/engine/index.js';
import { circle, Harness, SINGLE_FIX, sec } from './engine-fixtures.js';

const zones = [circle('home', 100)];

describe('duplicates', () => {
  it.each([
    { name: 'the last fix again', repeat: 120 },
    { name: 'an earlier applied fix again', repeat: 0 },
    { name: 'an earlier late-applied fix again', repeat: 30 },
  ])('given $name, then outcome duplicate and the state is untouched', ({ repeat }) => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 500, { acc: 10 });
    h.fix(60, 450, { acc: 10 });
    h.fix(120, 400, { acc: 10 });
    h.fix(30, 480, { acc: 10 }); // late
    const before = encodeTagState(h.state);
    expect(h.fix(repeat, 0, { acc: 10, battery: 0.01, strap: 'tampered' })).toBe('duplicate');
    expect(encodeTagState(h.state)).toBe(before);
    expect(h.alerts).toEqual([]);
  });

  it('the ring remembers the last 16 applied ts: older repeats are judged as late fixes (outside: nothing)', () => {
    const h = new Harness(zones, SINGLE_FIX);
    for (let i = 0; i < 20; i++) h.fix(i * 60, 500 + i, { acc: 10 });
    expect(h.fix(4 * 60, 504, { acc: 10 })).toBe('duplicate'); // 16th most recent
    expect(h.fix(3 * 60, 503, { acc: 10 })).toBe('late'); // fell out of the ring
    expect(h.fix(3 * 60, 503, { acc: 10 })).toBe('duplicate'); // and is remembered again
    expect(h.alerts).toEqual([]);
  });

  it('a repeated confirmed entry raises once', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(0, 0, { acc: 10 });
    expect(h.outcomes).toEqual(['applied', 'duplicate']);
    expect(h.types()).toEqual(['EXCLUSION_ENTERED']);
  });
});

describe('late fixes', () => {
  it('given fixes outside, when a late fix confirmed inside arrives, then a late ENTERED with that fix as evidence', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 500, { acc: 10 });
    h.fix(120, 500, { acc: 10 });
    expect(h.fix(60, 20, { acc: 10 })).toBe('late');
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toMatchObject({
      alertId: `EXCLUSION_ENTERED|t1|home|${sec(60)}|late`,
      type: 'EXCLUSION_ENTERED',
      ts: sec(60),
      late: true,
      certainty: 'confirmed',
      distanceM: -80,
      evidence: [{ ts: sec(60), accuracyM: 10 }],
    });
    expect(h.state.lastTs).toBe(sec(120)); // not rewound
  });

  it('given a late ENTERED, when more late fixes of the same upload show the same violation, then nothing more', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 500, { acc: 10 });
    h.fix(600, 500, { acc: 10 });
    for (let s = 60; s < 600; s += 60) h.fix(s, 10, { acc: 10 });
    expect(h.alerts.map((a) => [a.type, a.ts, a.late])).toEqual([['EXCLUSION_ENTERED', sec(60), true]]);
  });

  it('given an ongoing ENTERED, when a late fix inside arrives, then it is covered (nothing)', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 500, { acc: 10 });
    h.fix(120, 0, { acc: 10 });
    h.fix(180, 0, { acc: 10 });
    expect(h.fix(150, 0, { acc: 10 })).toBe('late');
    // Between the last clear fix (0) and the entry (120) nothing contradicted the violation either.
    expect(h.fix(60, 0, { acc: 10 })).toBe('late');
    expect(h.types()).toEqual(['EXCLUSION_ENTERED']);
  });

  it('given an ENTERED and EXITED, when a late fix inside that episode arrives, then it is covered; one after it is not', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(300, 500, { acc: 10 });
    h.fix(600, 500, { acc: 10 });
    h.fix(200, 0, { acc: 10 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'EXCLUSION_EXITED']);
    h.fix(450, 0, { acc: 10 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'EXCLUSION_EXITED', 'EXCLUSION_ENTERED']);
    expect(h.alerts[2]!.late).toBe(true);
  });

  it('a late fix that is only possibly inside raises nothing and changes no streak', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 500, { acc: 10 });
    h.fix(120, 95, { acc: 25 }); // possible, streak 1
    h.fix(60, 95, { acc: 25 }); // late, possible
    expect(h.alerts).toEqual([]);
    h.fix(180, 500, { acc: 10 }); // clear: streak reset, so no ENTERED from the late one
    expect(h.alerts).toEqual([]);
  });

  it('a late fix does not advance or reset the in-order streak', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 500, { acc: 10 });
    h.fix(120, 95, { acc: 25 });
    h.fix(60, 500, { acc: 10 }); // late and outside: must not reset the streak
    h.fix(180, 95, { acc: 25 });
    expect(h.alerts.map((a) => [a.type, a.late, a.evidence!.map((e) => e.ts)])).toEqual([
      ['EXCLUSION_ENTERED', false, [sec(120), sec(180)]],
    ]);
  });

  it('episodes are kept 24 h past their end for late fixes, then the zone is forgotten', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(60, 500, { acc: 10 });
    h.fix(3600, 20_000, { acc: 10 });
    expect(h.state.zones.map((z) => [z.zoneId, z.phase, z.episodes])).toEqual([
      ['home', 'clear', [[sec(0), sec(60)]]],
    ]);
    h.fix(60 + 24 * 3600, 20_000, { acc: 10 });
    expect(h.state.zones).toHaveLength(1);
    h.fix(61 + 24 * 3600, 20_000, { acc: 10 });
    expect(h.state.zones).toEqual([]);
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'EXCLUSION_EXITED']);
  });

  it('a remembered (dormant) zone is judged like any other when the tag comes back', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(60, 500, { acc: 10 });
    h.fix(120, 95, { acc: 25 });
    h.fix(180, 95, { acc: 25 });
    h.fix(240, 500, { acc: 10 });
    h.fix(30, 0, { acc: 10 }); // late, covered by the first episode
    h.fix(150, 0, { acc: 10 }); // late, covered by the second (from the last clear fix at 60)
    expect(h.alerts.map((a) => [a.type, a.certainty, a.ts])).toEqual([
      ['EXCLUSION_ENTERED', 'confirmed', sec(0)],
      ['EXCLUSION_EXITED', 'confirmed', sec(60)],
      ['EXCLUSION_ENTERED', 'possible', sec(180)],
      ['EXCLUSION_EXITED', 'confirmed', sec(240)],
    ]);
  });

  it('a late inclusion breach raises a late LEFT', () => {
    const h = new Harness([circle('home', 100, { kind: 'inclusion' })], SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(120, 0, { acc: 10 });
    h.fix(60, 400, { acc: 10 });
    expect(h.alerts.map((a) => [a.type, a.late])).toEqual([['INCLUSION_LEFT', true]]);
  });
});
