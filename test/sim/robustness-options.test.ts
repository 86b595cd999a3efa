/** Simulator options for the confirmation-rule robustness runs: off by default, and doing what they say. */
import { describe, expect, it } from 'vitest';
import { boundaryAlong } from '../../src/sim/approach-trip.js';
import { simulateFleet } from '../../src/sim/fleet.js';
import { toX, toY } from '../../src/sim/geodesy.js';
import { GpsNoise, type NoiseSample } from '../../src/sim/gps-noise.js';
import { Rng } from '../../src/sim/prng.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/sim/sim-options.js';
import { insideSimZone } from '../../src/sim/sim-zone.js';
import { buildSubject, type SubjectSpec } from '../../src/sim/subject-spec.js';

const sample = (): NoiseSample => ({ dx: 0, dy: 0, accuracyM: 0, outlier: false });

function errors(correlation?: number, trueError?: number): NoiseSample[] {
  const rng = new Rng(7);
  const noise = correlation === undefined ? new GpsNoise(rng) : new GpsNoise(rng, correlation, trueError);
  const out: NoiseSample[] = [];
  for (let i = 0; i < 200; i++) out.push({ ...noise.sample(rng, i * 15_000, 'indoor', 0.01, sample()) });
  return out;
}

describe('robustness options', () => {
  it('given scales of 1, then the noise is exactly the default', () => {
    expect(errors(1, 1)).toEqual(errors());
  });

  it('given trueErrorScale 1.3, then the same draws give 1.3× the error and the same reported accuracy', () => {
    const base = errors(1, 1);
    const worse = errors(1, 1.3);
    for (let i = 0; i < base.length; i++) {
      expect(worse[i]!.accuracyM).toBe(base[i]!.accuracyM);
      if (!base[i]!.outlier) expect(worse[i]!.dx).toBeCloseTo(base[i]!.dx * 1.3, 9);
    }
  });

  it('given errorCorrelationScale 2, then consecutive errors 15 s apart are more alike', () => {
    const step = (s: NoiseSample[]) => {
      let sum = 0;
      for (let i = 1; i < s.length; i++) sum += Math.hypot(s[i]!.dx - s[i - 1]!.dx, s[i]!.dy - s[i - 1]!.dy);
      return sum / (s.length - 1);
    };
    expect(step(errors(2, 1))).toBeLessThan(step(errors(1, 1)));
  });

  it('given shallowIndoorEntries, then approachers enter every day and stay within ~30 m of the edge', () => {
    const opts = {
      ...DEFAULT_SIM_OPTIONS,
      subjects: 30,
      durationH: 24,
      approachShare: 1,
      shallowIndoorEntries: true,
    };
    const specs = new Map<string, SubjectSpec>();
    for (let i = 1; i <= opts.subjects; i++) {
      const spec = buildSubject(opts, i);
      specs.set(spec.tagId, spec);
    }
    let entries = 0;
    const depths: number[] = [];
    for (const ev of simulateFleet(opts)) {
      if (ev.kind === 'truth' && ev.record.type === 'exclusion') entries++;
      if (ev.kind !== 'pings') continue;
      for (const p of ev.pings) {
        if (p.trueLat === undefined || p.trueLon === undefined) continue;
        for (const z of specs.get(ev.key)!.exclusions) {
          if (!insideSimZone(z, p.trueLat, p.trueLon)) continue;
          const x = toX(z.frame, p.trueLon);
          const y = toY(z.frame, p.trueLat);
          depths.push(boundaryAlong(z, Math.atan2(y, x)) - Math.hypot(x, y));
        }
      }
    }
    expect(entries).toBeGreaterThanOrEqual(25);
    depths.sort((a, b) => a - b);
    expect(depths.length).toBeGreaterThan(100);
    expect(depths[Math.floor(depths.length * 0.95)]!).toBeLessThanOrEqual(31);
  });
});
