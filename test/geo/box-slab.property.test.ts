import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoxSlab, EMPTY_CHUNK } from '../../src/geo/box-slab.js';

describe('BoxSlab (property)', () => {
  it('live regions never overlap: each keeps what was written to it through any allocs and frees', () => {
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ alloc: fc.integer({ min: 1, max: 70 }) }) },
      { weight: 2, arbitrary: fc.record({ free: fc.nat() }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2000, size: 'max' }), (ops) => {
        const slab = new BoxSlab();
        const live: { chunk: Float32Array; at: number; zones: number; mark: number }[] = [];
        let mark = 0;
        for (const o of ops) {
          if ('alloc' in o) {
            const at = slab.alloc(o.alloc);
            const chunk = slab.chunk;
            expect(at % 4).toBe(0);
            expect(at + 4 * o.alloc).toBeLessThanOrEqual(chunk.length);
            mark++;
            chunk.fill(mark, at, at + 4 * o.alloc);
            live.push({ chunk, at, zones: o.alloc, mark });
          } else if (live.length > 0) {
            const [r] = live.splice(o.free % live.length, 1);
            slab.free(r!.chunk, r!.at);
          }
        }
        for (const r of live) {
          for (let j = r.at; j < r.at + 4 * r.zones; j++) expect(r.chunk[j]).toBe(r.mark);
        }
      }),
      { numRuns: 100, seed: 12 },
    );
  });
});

describe('BoxSlab', () => {
  it('reuses a region given back for the next subject of its size, and refuses a foreign one', () => {
    const slab = new BoxSlab();
    const a = slab.alloc(2);
    const chunkA = slab.chunk;
    const b = slab.alloc(2);
    expect(slab.chunk).toBe(chunkA);
    expect(b).toBe(a + 8);
    slab.alloc(3);
    expect(slab.chunk).not.toBe(chunkA); // each size has chunks of its own
    slab.free(chunkA, a);
    expect(slab.alloc(2)).toBe(a);
    expect(slab.chunk).toBe(chunkA);
    expect(() => slab.free(new Float32Array(8), 0)).toThrow(/not from this slab/);
    expect(() => slab.free(EMPTY_CHUNK, 0)).toThrow(/not from this slab/);
  });
});
