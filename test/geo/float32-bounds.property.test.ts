import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { float32Above, float32Below } from '../../src/geo/float32-bounds.js';

const isFloat32 = (x: number) => Math.fround(x) === x;

/** The next float32 above `f` (a float32 below +Infinity), through a DataView: no shared code. */
function nextFloat32Up(f: number): number {
  if (f === 0) return 2 ** -149;
  const v = new DataView(new ArrayBuffer(4));
  v.setFloat32(0, f);
  v.setUint32(0, f > 0 ? v.getUint32(0) + 1 : v.getUint32(0) - 1);
  return v.getFloat32(0);
}

describe('float32Below / float32Above (property)', () => {
  it('give the nearest float32 on the asked side of any double, and the double itself when it is one', () => {
    const anyDouble = fc.oneof(
      fc.double({ noNaN: true, min: -181, max: 181 }),
      fc.double({ noNaN: true }),
      fc.float({ noNaN: true }), // exact float32 values
      fc.constantFrom(0, -0, 1e-46, -1e-46, 3.5e38, -3.5e38),
    );
    fc.assert(
      fc.property(anyDouble, (x) => {
        const lo = float32Below(x);
        const hi = float32Above(x);
        expect(isFloat32(lo) && isFloat32(hi)).toBe(true);
        expect(lo <= x && x <= hi).toBe(true);
        if (isFloat32(x)) {
          expect(lo).toBe(x === 0 ? lo : x);
          expect(hi).toBe(x === 0 ? hi : x);
        } else {
          // Nearest: hi is the float32 right after lo, so no float32 lies strictly between.
          expect(hi).toBe(nextFloat32Up(lo));
        }
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });

  it('step across zero and stay within one unit in the last place at lon/lat magnitudes', () => {
    expect(float32Below(-1e-46)).toBeLessThan(0);
    expect(float32Above(1e-46)).toBeGreaterThan(0);
    for (const x of [179.99999999, -179.99999999, 51.5072123456, -0.1275987654, 89.9999999999]) {
      const lo = float32Below(x);
      const hi = float32Above(x);
      expect(lo).toBeLessThan(x);
      expect(hi).toBeGreaterThan(x);
      expect(hi - lo).toBeLessThanOrEqual(2 ** -16); // 1.7 m at 180°
    }
  });
});
