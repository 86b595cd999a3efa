/**
 * GPS error for one tag. Real error is not independent from fix to fix: it wanders (multipath,
 * satellite geometry), so each axis is a unit Gauss-Markov (AR(1)) process scaled by the current
 * sigma. Sigma itself drifts around a base set by the environment (indoors much worse).
 *
 * The reported accuracyM is the radius of the 95% circle for the current sigma: for a circular
 * 2-D Gaussian the radial error is Rayleigh(sigma), so P(r <= k*sigma) = 0.95 at
 * k = sqrt(-2 ln 0.05) = 2.4477. A small share of fixes are multipath outliers whose error the
 * reported accuracy does not cover, as real receivers do.
 */
import type { Rng } from './prng.js';

export const RAYLEIGH_95 = Math.sqrt(-2 * Math.log(0.05));

export type GpsEnvironment = 'indoor' | 'outdoor-static' | 'moving';

/** Median per-axis sigma (metres) by environment: ~22 m, ~10 m and ~7 m 95% circles. */
const BASE_SIGMA: Record<GpsEnvironment, number> = { indoor: 9, 'outdoor-static': 4, moving: 3 };
/** Correlation time of the error (seconds): a parked receiver's error drifts slowly. */
const TAU_S: Record<GpsEnvironment, number> = { indoor: 120, 'outdoor-static': 120, moving: 30 };
/** Correlation time of the log-sigma drift. */
const SIGMA_TAU_S = 300;

export interface NoiseSample {
  /** Error east and north, metres. */
  dx: number;
  dy: number;
  /** Reported 95% radius, metres (0.1 m resolution). */
  accuracyM: number;
  outlier: boolean;
}

export class GpsNoise {
  private zx: number;
  private zy: number;
  private w: number;
  private lastT = Number.NaN;

  /**
   * `correlationScale` multiplies every correlation time; `trueErrorScale` multiplies the actual
   * error (not the reported accuracy). Both 1 by default: the draws are the same either way.
   */
  constructor(
    rng: Rng,
    private readonly correlationScale = 1,
    private readonly trueErrorScale = 1,
  ) {
    this.zx = rng.normal();
    this.zy = rng.normal();
    this.w = rng.normal();
  }

  /** Error of the fix taken at `t` (ms, non-decreasing) in `env`. Writes into `out`. */
  sample(rng: Rng, t: number, env: GpsEnvironment, outlierRate: number, out: NoiseSample): NoiseSample {
    const dtS = Number.isNaN(this.lastT) ? 1e9 : (t - this.lastT) / 1000;
    this.lastT = t;
    const rho = Math.exp(-dtS / (TAU_S[env] * this.correlationScale));
    const keep = Math.sqrt(1 - rho * rho);
    this.zx = rho * this.zx + keep * rng.normal();
    this.zy = rho * this.zy + keep * rng.normal();
    const rhoW = Math.exp(-dtS / (SIGMA_TAU_S * this.correlationScale));
    this.w = rhoW * this.w + Math.sqrt(1 - rhoW * rhoW) * rng.normal();
    const sigma = Math.min(40, Math.max(1.2, BASE_SIGMA[env] * Math.exp(0.35 * this.w)));
    out.accuracyM = Math.round(RAYLEIGH_95 * sigma * 10) / 10;
    out.dx = sigma * this.trueErrorScale * this.zx;
    out.dy = sigma * this.trueErrorScale * this.zy;
    out.outlier = rng.next() < outlierRate;
    if (out.outlier) {
      const r = rng.uniform(30, 150);
      const a = rng.uniform(0, 2 * Math.PI);
      out.dx += r * Math.cos(a);
      out.dy += r * Math.sin(a);
    }
    return out;
  }
}
