/**
 * Evidence over time for a possible violation (confirmation rule 1.1, slow path).
 *
 * A fix's reported accuracyM is a 95% radius, so its per-axis error is σ = accuracyM / 2.4477
 * (Rayleigh: P(r ≤ 2.4477σ) = 0.95). The chance that the true position is on the violating side
 * of a boundary `v` metres behind the fix (v = violation depth: -d for an exclusion zone, d for an
 * inclusion zone) is Φ(v/σ). A small share q of fixes are outliers their accuracy does not
 * describe, so p = (1 - q)·Φ(v/σ) + q/2, and the fix adds w·ln(p / (1 - p)) to the score, with
 * w = min(1, Δt/τ): fixes in quick succession have correlated errors and count less. With
 * q = 1% one fix weighs at most ln(0.995/0.005) ≈ 5.29, so one fix alone never reaches 6.9.
 *
 * Pure arithmetic, no allocation: it runs for every stepped zone of every fix near a zone.
 */

/** k with P(r ≤ kσ) = 0.95 for a circular 2-D Gaussian: sqrt(-2 ln 0.05). */
export const RAYLEIGH_95 = Math.sqrt(-2 * Math.log(0.05));

const SQRT1_2 = Math.SQRT1_2;

/**
 * erfc(x) for x ≥ 0, Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7). Written as
 * poly(t)·e^(-x²) so the tail keeps its relative precision (it feeds a log-odds).
 */
export function erfcNonNeg(x: number): number {
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return poly * Math.exp(-x * x);
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return z >= 0 ? 1 - 0.5 * erfcNonNeg(z * SQRT1_2) : 0.5 * erfcNonNeg(-z * SQRT1_2);
}

/**
 * ln(p / (1 - p)) for one fix, v = violation depth (m, > 0 on the violating side), acc = its
 * 95% accuracy radius, q = outlier share. Odd in v: computed from the tail on |v| (where the
 * probability is small and precise) and the sign restored.
 */
export function fixLogOdds(v: number, acc: number, q: number): number {
  if (v === 0) return 0;
  const z = Math.abs(v) / (acc / RAYLEIGH_95);
  const tail = (1 - q) * 0.5 * erfcNonNeg(z * SQRT1_2) + q / 2; // P(wrong side)
  const llr = Math.log((1 - tail) / tail);
  return v > 0 ? llr : -llr;
}

/** Weight of a fix taken `dtMs` after the tag's previous applied fix (null: none known). */
export function evidenceWeight(dtMs: number | null, tauS: number): number {
  if (dtMs === null) return 1;
  const w = dtMs / (tauS * 1000);
  return w >= 1 ? 1 : w <= 0 ? 0 : w;
}

/** The score after one fix: floored at 0 (evidence against does not bank credit). */
export function nextScore(
  score: number,
  v: number,
  acc: number,
  dtMs: number | null,
  tauS: number,
  q: number,
): number {
  const s = score + evidenceWeight(dtMs, tauS) * fixLogOdds(v, acc, q);
  return s > 0 ? s : 0;
}
