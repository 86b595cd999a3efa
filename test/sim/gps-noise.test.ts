import { describe, expect, it } from 'vitest';
import { simulateFleet } from '../../src/sim/fleet.js';
import { GpsNoise, type NoiseSample, RAYLEIGH_95 } from '../../src/sim/gps-noise.js';
import { Rng } from '../../src/sim/prng.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/sim/sim-options.js';

describe('GPS noise', () => {
  it('given independent fixes without outliers, then ~95% of true errors fall within the reported accuracy', () => {
    const rng = new Rng(42);
    const noise = new GpsNoise(rng);
    const s: NoiseSample = { dx: 0, dy: 0, accuracyM: 0, outlier: false };
    let within = 0;
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      // 1 h apart: the error process has forgotten the previous fix.
      noise.sample(rng, i * 3_600_000, i % 2 ? 'indoor' : 'moving', 0, s);
      if (Math.hypot(s.dx, s.dy) <= s.accuracyM) within++;
    }
    // Binomial sd at p = 0.95, n = 40k is 0.0011; 0.006 leaves room for the 0.1 m rounding.
    expect(within / n).toBeGreaterThan(0.944);
    expect(within / n).toBeLessThan(0.956);
    expect(RAYLEIGH_95).toBeCloseTo(2.4477, 4);
  });

  it('given a simulated fleet, then the share of fixes within accuracyM of the truth is 95% +- 2%, and indoor fixes report worse accuracy', () => {
    let fixes = 0;
    let within = 0;
    let outliers = 0;
    const acc: number[] = [];
    for (const ev of simulateFleet({ ...DEFAULT_SIM_OPTIONS, subjects: 300, durationH: 12, seed: 3 })) {
      if (ev.kind !== 'pings') continue;
      for (const p of ev.pings) {
        if (p.errorM === undefined) continue;
        fixes++;
        if (p.errorM <= p.ping.accuracyM!) within++;
        if (p.outlier) outliers++;
        acc.push(p.ping.accuracyM!);
      }
    }
    expect(fixes).toBeGreaterThan(100_000);
    expect(Math.abs(within / fixes - 0.95)).toBeLessThan(0.02);
    // Multipath outliers exist but are rare (0.3% by default).
    expect(outliers / fixes).toBeGreaterThan(0.001);
    expect(outliers / fixes).toBeLessThan(0.006);
    acc.sort((a, b) => a - b);
    const median = acc[acc.length >> 1]!;
    expect(median).toBeGreaterThan(8);
    expect(median).toBeLessThan(40);
  });
});
