/**
 * Confirmation rule 1.1 (corroborated entries), the default. Zone: exclusion circle of 100 m at
 * the centre, so a fix `n` metres north has d = n - 100.
 *  - fast path: ENTERED at the first fix where the run of consecutive violating fixes holds two,
 *    at least one confirmed (d + acc <= 0);
 *  - slow path: an evidence score, kept while clear, raises a possible ENTERED at 6.9;
 *  - ending unchanged; late fixes follow the same rule over the late chain.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ENGINE_CONFIG,
  decodeTagState,
  type EngineConfig,
  encodeTagState,
} from '../../src/engine/index.js';
import { at, circle, Harness, SINGLE_FIX, sec } from './engine-fixtures.js';

const zones = [circle('home', 100)];
const FAR = 3_000; // well outside the zone, no warning ring: no track

const track = (h: Harness) => h.state.zones.find((z) => z.zoneId === 'home');
const scoreOf = (h: Harness) => track(h)?.score ?? 0;

describe('rule 1.1 is the default', () => {
  it('DEFAULT_ENGINE_CONFIG uses the corroborated rule with τ = 60 s, threshold 6.9 and 1% outliers', () => {
    expect(DEFAULT_ENGINE_CONFIG).toMatchObject({
      confirmRule: 'corroborated',
      evidenceTauS: 60,
      evidenceThreshold: 6.9,
      evidenceOutlierShare: 0.01,
    });
  });
});

describe('fast path: two violating fixes, one confirmed', () => {
  it('given an outlier with a small accuracy deep inside, when the next fix is back outside, then nothing is raised', () => {
    const h = new Harness(zones);
    h.fix(0, 300, { acc: 10 });
    h.fix(60, 0, { acc: 5 }); // confirmed inside: would raise at once under "single fix confirms"
    h.fix(120, 300, { acc: 10 });
    expect(h.alerts).toEqual([]);
    expect(scoreOf(h)).toBe(0);

    const old = new Harness(zones, SINGLE_FIX);
    old.fix(0, 300, { acc: 10 });
    old.fix(60, 0, { acc: 5 });
    expect(old.types()).toEqual(['EXCLUSION_ENTERED']);
  });

  it('given a confirmed fix inside, when a possible one follows, then a confirmed ENTERED at the second with both as evidence', () => {
    const h = new Harness(zones);
    h.fix(0, 300, { acc: 10 });
    h.fix(60, 40, { acc: 10 });
    expect(h.alerts).toEqual([]);
    h.fix(75, 95, { acc: 25 });
    expect(h.alerts).toHaveLength(1);
    const a = h.alerts[0]!;
    const [lat1, lon1] = at(40);
    const [lat2, lon2] = at(95);
    expect(a).toMatchObject({
      type: 'EXCLUSION_ENTERED',
      ts: sec(75),
      certainty: 'confirmed',
      distanceM: -5,
    });
    expect(a.evidence).toEqual([
      { ts: sec(60), lat: lat1, lon: lon1, accuracyM: 10 },
      { ts: sec(75), lat: lat2, lon: lon2, accuracyM: 25 },
    ]);
    expect(a.score).toBeGreaterThan(0);
    expect(a.breachId).toBe(`t1|home|${sec(75)}`);
  });

  it('given a possible fix inside, when a confirmed one follows, then ENTERED at the second', () => {
    const h = new Harness(zones);
    h.fix(0, 95, { acc: 25 });
    h.fix(15, 40, { acc: 10 });
    expect(h.alerts.map((a) => [a.type, a.ts, a.certainty])).toEqual([
      ['EXCLUSION_ENTERED', sec(15), 'confirmed'],
    ]);
  });

  it('given two possible fixes, when the third violating fix is confirmed, then ENTERED at the third', () => {
    const h = new Harness(zones);
    h.fix(0, 98, { acc: 30 });
    h.fix(5, 97, { acc: 30 });
    expect(h.alerts).toEqual([]);
    h.fix(10, 20, { acc: 10 });
    expect(h.alerts.map((a) => [a.ts, a.certainty, a.evidence!.length])).toEqual([[sec(10), 'confirmed', 3]]);
  });

  it('a clear walk-in still raises within two fixes inside, after its APPROACH', () => {
    const h = new Harness([circle('home', 100, { warningM: 200 })]);
    for (const [s, n] of [
      [0, 600],
      [15, 250],
      [30, 120],
      [45, 60],
      [60, 20],
    ] as const)
      h.fix(s, n, { acc: 8 });
    expect(h.alerts.map((a) => [a.type, a.ts])).toEqual([
      ['EXCLUSION_APPROACH', sec(15)],
      ['EXCLUSION_ENTERED', sec(60)],
    ]);
  });

  it('a confirmed fix inside, one outside, one confirmed inside: the run restarts, nothing yet', () => {
    const h = new Harness(zones);
    h.fix(0, 0, { acc: 5 });
    h.fix(60, 130, { acc: 5 });
    h.fix(120, 0, { acc: 5 });
    expect(h.alerts).toEqual([]);
    h.fix(180, 10, { acc: 5 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED']);
  });

  it('ending is unchanged: one confirmed fix outside ends it, with the same breachId', () => {
    const h = new Harness(zones);
    h.fix(0, 0, { acc: 5 });
    h.fix(60, 0, { acc: 5 });
    h.fix(120, 300, { acc: 5 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'EXCLUSION_EXITED']);
    expect(h.alerts[1]!.breachId).toBe(h.alerts[0]!.breachId);
    expect(h.alerts[1]).not.toHaveProperty('score');
  });
});

describe('slow path: evidence over time', () => {
  // d = -20 with a 40 m accuracy: σ = 16.3, Φ(1.22) = 0.89, p = 0.886, ≈ 2.05 per full-weight fix.
  it('given possible fixes 20 m inside with a large accuracy 60 s apart, then a possible ENTERED only once the score passes 6.9', () => {
    const h = new Harness(zones);
    h.fix(0, FAR, { acc: 10 });
    for (let i = 1; i <= 3; i++) h.fix(i * 60, 80, { acc: 40 });
    expect(h.alerts).toEqual([]);
    expect(scoreOf(h)).toBeGreaterThan(5.5);
    expect(scoreOf(h)).toBeLessThan(6.9);
    h.fix(240, 80, { acc: 40 });
    expect(h.alerts).toHaveLength(1);
    const a = h.alerts[0]!;
    expect(a).toMatchObject({
      type: 'EXCLUSION_ENTERED',
      ts: sec(240),
      certainty: 'possible',
      distanceM: -20,
    });
    expect(a.score).toBeGreaterThanOrEqual(6.9);
    expect(a.score).toBeLessThan(9);
    expect(a.evidence!.map((e) => e.ts)).toEqual([sec(60), sec(120), sec(180), sec(240)]);
    expect(scoreOf(h)).toBe(0); // S resets when the alert is raised
  });

  it('correlated fixes 5 s apart count less than fixes 60 s apart', () => {
    const spaced = new Harness(zones);
    const close = new Harness(zones);
    spaced.fix(0, FAR, { acc: 10 });
    close.fix(0, FAR, { acc: 10 });
    for (let i = 1; i <= 3; i++) {
      spaced.fix(i * 60, 80, { acc: 40 });
      close.fix(i * 5, 80, { acc: 40 });
    }
    expect(scoreOf(close)).toBeGreaterThan(0);
    expect(scoreOf(close)).toBeLessThan(scoreOf(spaced) / 3);
    // Twelve fixes 5 s apart weigh what one fix 60 s after the previous does.
    for (let i = 4; i <= 12; i++) close.fix(i * 5, 80, { acc: 40 });
    expect(close.alerts).toEqual([]);
  });

  it('fixes on the clear side lower the score, floored at 0, and nothing is raised', () => {
    const h = new Harness(zones);
    h.fix(0, FAR, { acc: 10 });
    h.fix(60, 80, { acc: 40 });
    h.fix(120, 80, { acc: 40 });
    const s = scoreOf(h);
    h.fix(180, 110, { acc: 40 }); // 10 m outside: some evidence against
    expect(scoreOf(h)).toBeLessThan(s);
    expect(scoreOf(h)).toBeGreaterThan(0);
    h.fix(240, 400, { acc: 10 });
    expect(scoreOf(h)).toBe(0);
    expect(track(h)?.scoreFixes ?? []).toEqual([]);
    expect(h.alerts).toEqual([]);
  });

  it('someone 15 m outside on average with poor fixes every 15 s for an hour raises nothing (rule 1.0 does)', () => {
    // Two fixes 10 m inside, one 40 m outside, repeated; accuracy 30 m.
    const north = (i: number) => (i % 3 === 2 ? 140 : 90);
    const h = new Harness(zones);
    for (let i = 0; i < 240; i++) h.fix(i * 15, north(i), { acc: 30 });
    expect(h.alerts).toEqual([]);
    const old = new Harness(zones, SINGLE_FIX);
    for (let i = 0; i < 240; i++) old.fix(i * 15, north(i), { acc: 30 });
    expect(old.types()).toContain('EXCLUSION_ENTERED');
  });

  it('a long possible-only run keeps at most 8 fixes of evidence', () => {
    const cfg: EngineConfig = { ...DEFAULT_ENGINE_CONFIG, evidenceThreshold: 50 };
    const h = new Harness(zones, cfg);
    for (let i = 0; i < 30; i++) h.fix(i * 60, 95, { acc: 30 });
    expect(track(h)!.streak).toHaveLength(8);
    expect(track(h)!.scoreFixes).toHaveLength(8);
    expect(track(h)!.streak.at(-1)!.ts).toBe(sec(29 * 60));
  });

  it('a zone that becomes inactive resets the score', () => {
    const h = new Harness([circle('home', 100, { validTo: sec(150) })]);
    h.fix(0, 80, { acc: 40 });
    h.fix(60, 80, { acc: 40 });
    expect(scoreOf(h)).toBeGreaterThan(0);
    h.fix(180, 80, { acc: 40 });
    expect(scoreOf(h)).toBe(0);
  });

  it('the threshold and τ are configuration', () => {
    const h = new Harness(zones, { ...DEFAULT_ENGINE_CONFIG, evidenceThreshold: 4 });
    h.fix(0, FAR, { acc: 10 });
    h.fix(60, 80, { acc: 40 });
    h.fix(120, 80, { acc: 40 });
    expect(h.alerts.map((a) => a.certainty)).toEqual(['possible']);
    const slow = new Harness(zones, { ...DEFAULT_ENGINE_CONFIG, evidenceTauS: 240 });
    slow.fix(0, FAR, { acc: 10 });
    for (let i = 1; i <= 4; i++) slow.fix(i * 60, 80, { acc: 40 });
    expect(slow.alerts).toEqual([]); // each fix now weighs a quarter
  });
});

describe('changelog', () => {
  it('S and the run survive a changelog round trip: the restored worker raises at the same fix', () => {
    const steps: [number, number, number][] = [
      [0, FAR, 10],
      [60, 80, 40],
      [120, 80, 40],
      [180, 80, 40],
      [240, 80, 40],
    ];
    const straight = new Harness(zones);
    for (const [s, n, acc] of steps) straight.fix(s, n, { acc });

    const first = new Harness(zones);
    for (const [s, n, acc] of steps.slice(0, 3)) first.fix(s, n, { acc });
    const json = encodeTagState(first.state);
    expect(JSON.parse(json).zones[0].score).toBeGreaterThan(0);
    const second = new Harness(zones);
    second.state = decodeTagState(json);
    expect(encodeTagState(second.state)).toBe(json);
    for (const [s, n, acc] of steps.slice(3)) second.fix(s, n, { acc });
    expect(second.alerts).toEqual(straight.alerts);
    expect(second.alerts).toHaveLength(1);
  });

  it('a state written before rule 1.1 (no score, scoreFixes or late) decodes and carries on', () => {
    // Exactly what the previous version wrote for a tag one possible fix into a run.
    const [lat, lon] = at(95);
    const old = JSON.stringify({
      v: 1,
      tagId: 't1',
      lastTs: sec(0),
      recentTs: [sec(0)],
      recentNext: 0,
      lastFix: { ts: sec(0), lat, lon, accuracyM: 25 },
      suspect: null,
      zones: [
        {
          zoneId: 'home',
          kind: 'exclusion',
          phase: 'clear',
          streak: [{ ts: sec(0), lat, lon, accuracyM: 25 }],
          streakFrom: sec(0),
          breachId: null,
          approached: false,
          approachStreak: [],
          beyond: 0,
          episodes: [],
          episodesEnd: null,
        },
      ],
      strap: null,
      strapTs: null,
      batteryLow: false,
      batteryTs: null,
      lastFixArrivedAt: sec(0),
      noSignalTs: null,
    });
    const state = decodeTagState(old);
    expect(state.late).toBeNull();
    expect(state.zones[0]).toMatchObject({ score: 0, scoreFixes: [] });
    const h = new Harness(zones);
    h.state = state;
    h.fix(60, 40, { acc: 10 }); // confirmed: with the restored possible fix, a run of two
    expect(h.alerts.map((a) => [a.type, a.certainty, a.evidence!.length])).toEqual([
      ['EXCLUSION_ENTERED', 'confirmed', 2],
    ]);
  });
});

describe('changelog shape checks', () => {
  it('a malformed score or late chain is refused, naming the field', () => {
    const h = new Harness(zones);
    h.fix(0, 80, { acc: 40 });
    h.fix(60, 80, { acc: 40 });
    const good = JSON.parse(encodeTagState(h.state));
    expect(() =>
      decodeTagState(JSON.stringify({ ...good, zones: [{ ...good.zones[0], score: 'x' }] })),
    ).toThrow('tag state: zones.0.score must be a finite number');
    expect(() =>
      decodeTagState(JSON.stringify({ ...good, late: { ts: 1, zones: [{ zoneId: 'home' }] } })),
    ).toThrow('tag state: late.zones.0.run must be an array');
  });
});

describe('late fixes', () => {
  it('given fixes outside, when a single late outlier confirmed inside arrives, then nothing', () => {
    const h = new Harness(zones);
    h.fix(0, 400, { acc: 10 });
    h.fix(600, 400, { acc: 10 });
    expect(h.fix(300, 0, { acc: 5 })).toBe('late');
    expect(h.alerts).toEqual([]);
    expect(h.state.late).not.toBeNull(); // a chain is open...
    h.fix(660, 400, { acc: 10 });
    expect(h.state.late).toBeNull(); // ...until the next in-order fix
    expect(h.alerts).toEqual([]);
  });

  it('given fixes outside, when a buffered upload shows two late fixes inside, one confirmed, then one late ENTERED', () => {
    const h = new Harness(zones);
    h.fix(0, 400, { acc: 10 });
    h.fix(600, 400, { acc: 10 });
    h.fix(300, 95, { acc: 25 });
    h.fix(315, 30, { acc: 10 });
    h.fix(330, 30, { acc: 10 });
    expect(h.alerts.map((a) => [a.type, a.ts, a.late, a.certainty, a.evidence!.map((e) => e.ts)])).toEqual([
      ['EXCLUSION_ENTERED', sec(315), true, 'confirmed', [sec(300), sec(315)]],
    ]);
    expect(h.alerts[0]!.alertId).toBe(`EXCLUSION_ENTERED|t1|home|${sec(315)}|late`);
  });

  it('a late fix outside between two late confirmed fixes breaks the late run', () => {
    const h = new Harness(zones);
    h.fix(0, 400, { acc: 10 });
    h.fix(600, 400, { acc: 10 });
    h.fix(300, 0, { acc: 5 });
    h.fix(315, 400, { acc: 5 });
    h.fix(330, 0, { acc: 5 });
    expect(h.alerts).toEqual([]);
  });

  it('a late fix older than the chain starts a new chain', () => {
    const h = new Harness(zones);
    h.fix(0, 400, { acc: 10 });
    h.fix(600, 400, { acc: 10 });
    h.fix(300, 0, { acc: 5 });
    h.fix(200, 0, { acc: 5 }); // another upload, older: not the same run
    expect(h.alerts).toEqual([]);
  });

  it('under "single fix confirms" a late confirmed fix still raises alone', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 400, { acc: 10 });
    h.fix(600, 400, { acc: 10 });
    h.fix(300, 0, { acc: 5 });
    expect(h.alerts.map((a) => [a.type, a.late])).toEqual([['EXCLUSION_ENTERED', true]]);
    expect(h.alerts[0]).not.toHaveProperty('score');
  });
});

describe('curfew (INCLUSION_LEFT)', () => {
  const curfew = [circle('home', 100, { kind: 'inclusion' })];

  it('a single confirmed fix outside raises nothing; the second raises a confirmed LEFT', () => {
    const h = new Harness(curfew);
    h.fix(0, 0, { acc: 10 });
    h.fix(60, 400, { acc: 10 });
    expect(h.alerts).toEqual([]);
    h.fix(120, 400, { acc: 10 });
    expect(h.alerts.map((a) => [a.type, a.certainty])).toEqual([['INCLUSION_LEFT', 'confirmed']]);
  });

  it('with corroborateInclusion off, LEFT follows "single fix confirms"', () => {
    const h = new Harness(curfew, { ...DEFAULT_ENGINE_CONFIG, corroborateInclusion: false });
    h.fix(0, 0, { acc: 10 });
    h.fix(60, 400, { acc: 10 });
    expect(h.types()).toEqual(['INCLUSION_LEFT']);
    expect(h.alerts[0]).not.toHaveProperty('score');
  });
});
