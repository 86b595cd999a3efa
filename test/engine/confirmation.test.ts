/**
 * Confirmation and hysteresis: a violation is raised at the first confirmed fix or at the
 * confirmFixes-th consecutive fix on the violating side; ending it needs the same on the clear
 * side. Zone: exclusion circle of 100 m (d = distance from centre - 100).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_CONFIG } from '../../src/engine/index.js';
import { compileZone } from '../../src/geo/index.js';
import { at, circle, Harness, SINGLE_FIX, sec } from './engine-fixtures.js';

const zones = [circle('home', 100, { version: 3 })];

describe('entry', () => {
  it.each([
    // given fixes as [metres north, accuracy], then the alert types raised
    { name: 'one noisy fix just inside', fixes: [[95, 25]], expected: [] },
    {
      name: 'one noisy fix just inside, then one outside',
      fixes: [
        [95, 25],
        [300, 25],
      ],
      expected: [],
    },
    { name: 'one clear (confirmed) entry', fixes: [[50, 25]], expected: ['EXCLUSION_ENTERED'] },
    {
      name: 'two possible fixes in a row',
      fixes: [
        [95, 25],
        [90, 25],
      ],
      expected: ['EXCLUSION_ENTERED'],
    },
    {
      name: 'possible, outside, possible',
      fixes: [
        [95, 25],
        [110, 25],
        [95, 25],
      ],
      expected: [],
    },
  ])('given $name, then $expected', ({ fixes, expected }) => {
    const h = new Harness(zones, SINGLE_FIX);
    fixes.forEach(([north, acc], i) => {
      h.fix(i * 60, north!, { acc: acc! });
    });
    expect(h.types()).toEqual(expected);
  });

  it('a clear entry raises at once, confirmed, with that fix alone as evidence and every field set', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 500, { acc: 10 });
    h.fix(60, 40, { acc: 10 });
    const [lat, lon] = at(40);
    expect(h.alerts).toEqual([
      {
        alertId: `EXCLUSION_ENTERED|t1|home|${sec(60)}`,
        type: 'EXCLUSION_ENTERED',
        severity: 'P1',
        subjectId: 's1',
        tagId: 't1',
        zoneId: 'home',
        zoneVersion: 3,
        breachId: `t1|home|${sec(60)}`,
        ts: sec(60),
        emittedAt: sec(60),
        lat,
        lon,
        accuracyM: 10,
        distanceM: -60,
        certainty: 'confirmed',
        late: false,
        evidence: [{ ts: sec(60), lat, lon, accuracyM: 10 }],
      },
    ]);
  });

  it('two possible fixes in a row raise a possible ENTERED with both fixes as evidence, oldest first', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 95, { acc: 25 });
    h.fix(60, 90); // no accuracyM: the configured default (25) applies
    expect(h.alerts).toHaveLength(1);
    const a = h.alerts[0]!;
    expect(a.certainty).toBe('possible');
    expect(a.accuracyM).toBe(DEFAULT_ENGINE_CONFIG.defaultAccuracyM);
    expect(a.evidence!.map((e) => e.ts)).toEqual([sec(0), sec(60)]);
    expect(a.ts).toBe(sec(60));
  });

  it('with confirmFixes = 3, two possible fixes are not enough and the third raises', () => {
    const h = new Harness(zones, { ...SINGLE_FIX, confirmFixes: 3 });
    h.fix(0, 95);
    h.fix(60, 95);
    expect(h.alerts).toEqual([]);
    h.fix(120, 95);
    expect(h.alerts[0]!.evidence).toHaveLength(3);
  });
});

describe('exit and hysteresis', () => {
  it('a confirmed fix outside ends the violation at once, with the same breachId', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(60, 300, { acc: 10 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'EXCLUSION_EXITED']);
    expect(h.alerts[1]).toMatchObject({
      breachId: h.alerts[0]!.breachId,
      certainty: 'confirmed',
      distanceM: 200,
    });
  });

  it('two possible fixes outside in a row end it (possible)', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(60, 105, { acc: 25 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED']);
    h.fix(120, 110, { acc: 25 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'EXCLUSION_EXITED']);
    expect(h.alerts[1]!.certainty).toBe('possible');
    expect(h.alerts[1]!.evidence!.map((e) => e.ts)).toEqual([sec(60), sec(120)]);
  });

  it('given an ENTERED, when 20 jittery fixes alternate across the boundary, then nothing flaps (no EXITED, no second ENTERED)', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    for (let i = 1; i <= 20; i++) h.fix(i * 60, i % 2 === 1 ? 105 : 95, { acc: 25 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED']);
  });

  it('given no violation, when 20 jittery fixes alternate across the boundary one by one, then nothing is raised', () => {
    const h = new Harness(zones, SINGLE_FIX);
    for (let i = 0; i < 20; i++) h.fix(i * 60, i % 2 === 0 ? 105 : 95, { acc: 25 });
    expect(h.alerts).toEqual([]);
  });

  it('given no violation, when 20 jittery fixes go in, in, out, in, in, out..., then exactly one possible ENTERED at the 2nd fix and never an EXITED', () => {
    const h = new Harness(zones, SINGLE_FIX);
    for (let i = 0; i < 20; i++) h.fix(i * 60, i % 3 === 2 ? 105 : 95, { acc: 25 });
    expect(h.alerts.map((a) => [a.type, a.certainty, a.ts])).toEqual([
      ['EXCLUSION_ENTERED', 'possible', sec(60)],
    ]);
  });

  it('a fix far from a zone being violated still counts toward EXITED (the tracked zone is checked, not only R-tree candidates)', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(3600, 20_000, { acc: 10 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'EXCLUSION_EXITED']);
    expect(h.state.zones).toEqual([
      expect.objectContaining({ zoneId: 'home', phase: 'clear', episodes: [[sec(0), sec(3600)]] }),
    ]);
  });

  it('tracks nothing for a tag that never comes near a zone', () => {
    const h = new Harness(zones, SINGLE_FIX);
    for (let i = 0; i < 10; i++) h.fix(i * 60, 1000 + i);
    expect(h.state.zones).toEqual([]);
  });
});

describe('zone changes', () => {
  it('a new version of a zone keeps the phase; the EXITED reports the new version', () => {
    const h = new Harness([circle('home', 100, { version: 1 })], SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.world.zones.upsert(compileZone(circle('home', 120, { version: 2 })));
    h.fix(60, 50, { acc: 10 });
    h.fix(120, 400, { acc: 10 });
    expect(h.alerts.map((a) => [a.type, a.zoneVersion])).toEqual([
      ['EXCLUSION_ENTERED', 1],
      ['EXCLUSION_EXITED', 2],
    ]);
  });

  it('a zone re-sent with the other kind starts afresh (no EXITED for a phase that now means the opposite)', () => {
    const h = new Harness([circle('home', 100)], SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.world.zones.upsert(compileZone(circle('home', 100, { kind: 'inclusion' })));
    h.fix(60, 0, { acc: 10 });
    h.fix(120, 400, { acc: 10 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'INCLUSION_LEFT']);
  });

  it('a zone whose warning ring is removed drops the approach state', () => {
    const h = new Harness([circle('home', 100, { warningM: 200 })], SINGLE_FIX);
    h.fix(0, 250, { acc: 10 });
    expect(h.state.zones[0]!.approached).toBe(true);
    h.world.zones.upsert(compileZone(circle('home', 100)));
    h.fix(60, 250, { acc: 10 });
    expect(h.state.zones).toEqual([]);
  });

  it('a deleted zone loses its state silently', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.world.zones.remove('home');
    h.fix(60, 300, { acc: 10 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED']);
    expect(h.state.zones).toEqual([]);
  });
});

describe('inclusion zones', () => {
  const home = [circle('home', 100, { kind: 'inclusion' })];

  it('LEFT when confirmed outside, RETURNED when confirmed back inside, linked by breachId, severity P2 by default', () => {
    const h = new Harness(home, SINGLE_FIX);
    h.fix(0, 0, { acc: 10 });
    h.fix(60, 300, { acc: 10 });
    h.fix(120, 250, { acc: 10 });
    h.fix(180, 20, { acc: 10 });
    expect(h.alerts.map((a) => [a.type, a.severity, a.certainty, a.distanceM])).toEqual([
      ['INCLUSION_LEFT', 'P2', 'confirmed', 200],
      ['INCLUSION_RETURNED', 'P2', 'confirmed', -80],
    ]);
    expect(h.alerts[1]!.breachId).toBe(h.alerts[0]!.breachId);
  });

  it('a single noisy fix just outside raises nothing; two in a row raise a possible LEFT', () => {
    const h = new Harness(home, SINGLE_FIX);
    h.fix(0, 105, { acc: 25 });
    h.fix(60, 50, { acc: 25 });
    expect(h.alerts).toEqual([]);
    h.fix(120, 105, { acc: 25 });
    h.fix(180, 110, { acc: 25 });
    expect(h.alerts.map((a) => [a.type, a.certainty])).toEqual([['INCLUSION_LEFT', 'possible']]);
  });

  it('an inclusion zone is checked even when the fix is far outside its bbox', () => {
    const h = new Harness(home, SINGLE_FIX);
    h.fix(0, 50_000, { acc: 10 });
    expect(h.types()).toEqual(['INCLUSION_LEFT']);
  });
});
