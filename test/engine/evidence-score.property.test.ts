/**
 * Properties of the rule 1.1 evidence score (evidence-score.ts) and of the engine using it.
 * v = violation depth (-d for an exclusion zone), acc = 95% accuracy radius.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixLogOdds, nextScore, normalCdf } from '../../src/engine/evidence-score.js';
import { circle, Harness } from './engine-fixtures.js';

const acc = fc.double({ min: 1, max: 200, noNaN: true });
const depth = fc.double({ min: -1_000, max: 1_000, noNaN: true });
const score = fc.double({ min: 0, max: 50, noNaN: true });
const dt = fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: null });
const Q = 0.01;
const MAX_WEIGHT = Math.log(0.995 / 0.005);

describe('normal CDF (A&S 7.1.26)', () => {
  it('matches known values and is symmetric', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(normalCdf(3)).toBeCloseTo(0.99865, 5);
    fc.assert(
      fc.property(fc.double({ min: -10, max: 10, noNaN: true }), (z) => {
        expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 6);
      }),
    );
  });
});

describe('evidence score', () => {
  it('one fix weighs at most ln(0.995/0.005) ≈ 5.29 either way, below the 6.9 threshold', () => {
    fc.assert(
      fc.property(depth, acc, (v, a) => {
        expect(Math.abs(fixLogOdds(v, a, Q))).toBeLessThanOrEqual(MAX_WEIGHT + 1e-9);
      }),
    );
    expect(MAX_WEIGHT).toBeLessThan(6.9);
  });

  it('is monotone in d: a fix deeper inside never adds less', () => {
    fc.assert(
      fc.property(score, depth, depth, acc, dt, (s, v1, v2, a, t) => {
        const [shallow, deep] = v1 <= v2 ? [v1, v2] : [v2, v1];
        expect(nextScore(s, deep, a, t, 60, Q)).toBeGreaterThanOrEqual(nextScore(s, shallow, a, t, 60, Q));
        expect(fixLogOdds(deep, a, Q)).toBeGreaterThanOrEqual(fixLogOdds(shallow, a, Q));
      }),
      { numRuns: 2_000 },
    );
  });

  it('a fix whose whole accuracy circle is inside never lowers it', () => {
    fc.assert(
      fc.property(score, acc, fc.double({ min: 0, max: 500, noNaN: true }), dt, (s, a, extra, t) => {
        expect(nextScore(s, a + extra, a, t, 60, Q)).toBeGreaterThanOrEqual(s);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is never negative, and weighs a fix by min(1, Δt/τ)', () => {
    fc.assert(
      fc.property(score, depth, acc, dt, (s, v, a, t) => {
        expect(nextScore(s, v, a, t, 60, Q)).toBeGreaterThanOrEqual(0);
      }),
    );
    const full = fixLogOdds(20, 40, Q);
    expect(nextScore(0, 20, 40, 5_000, 60, Q)).toBeCloseTo(full / 12, 9);
    expect(nextScore(0, 20, 40, 600_000, 60, Q)).toBeCloseTo(full, 9);
    expect(nextScore(0, 20, 40, null, 60, Q)).toBeCloseTo(full, 9);
  });

  it('in the engine: whatever came before, a confirmed fix inside never lowers the zone score', () => {
    const fixes = fc.array(
      fc.record({
        dtS: fc.integer({ min: 1, max: 120 }),
        north: fc.integer({ min: -50, max: 250 }),
        acc: fc.integer({ min: 3, max: 60 }),
      }),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(
        fixes,
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 3, max: 40 }),
        (steps, lastDt, lastAcc) => {
          const h = new Harness([circle('home', 100)]);
          let t = 0;
          for (const s of steps) {
            t += s.dtS;
            h.fix(t, s.north, { acc: s.acc });
          }
          const before = h.state.zones.find((z) => z.zoneId === 'home');
          if (before !== undefined && before.phase === 'violating') return; // no score while violating
          const s0 = before?.score ?? 0;
          const alerts = h.alerts.length;
          h.fix(t + lastDt, 100 - lastAcc - 1, { acc: lastAcc }); // circle wholly inside
          if (h.alerts.length > alerts) return; // raised: S resets with the alert
          const after = h.state.zones.find((z) => z.zoneId === 'home');
          expect(after?.score ?? 0).toBeGreaterThanOrEqual(s0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
