/**
 * Rounding a bound outward to single precision: the float32 at or below `x` (for a minimum) or at
 * or above it (for a maximum), so a box stored as float32 still contains every point the double
 * box contained. A prefilter built on such boxes may pass a few more points (at most one float32
 * step, under 2 m at the antimeridian, under 0.2 m in Europe), never fewer.
 *
 * Math.fround rounds to nearest, which is half the time on the wrong side; the step back is one
 * unit in the last place, taken on the bits (positive floats order as their bit patterns, and
 * negative floats in reverse).
 */

const F32 = new Float32Array(1);
const BITS = new Int32Array(F32.buffer);
/** The smallest positive float32 (a subnormal). */
const TINY = 1.401298464324817e-45;

/** `f` (a float32, not NaN, not zero) one step toward -Infinity (down) or +Infinity (up). */
function step(f: number, down: boolean): number {
  F32[0] = f;
  BITS[0] = BITS[0]! + (f > 0 === down ? -1 : 1);
  return F32[0]!;
}

/** The largest float32 <= x (x not NaN). */
export function float32Below(x: number): number {
  const f = Math.fround(x);
  if (f <= x) return f;
  return f === 0 ? -TINY : step(f, true);
}

/** The smallest float32 >= x (x not NaN). */
export function float32Above(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  return f === 0 ? TINY : step(f, false);
}
