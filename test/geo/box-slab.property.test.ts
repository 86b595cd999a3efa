import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoxSlab, EMPTY_CHUNK } from '../../src/geo/box-slab.js';

interface Region {
  boxes: Float32Array;
  refs: (object | undefined)[];
  at: number;
  zones: number;
  mark: number;
  ref: object;
}

describe('BoxSlab (property)', () => {
  it('live regions never overlap: each keeps its boxes and references through any allocs and frees', () => {
    const op = fc.oneof(
      { weight: 3, arbitrary: fc.record({ alloc: fc.integer({ min: 1, max: 70 }) }) },
      { weight: 2, arbitrary: fc.record({ free: fc.nat() }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2000, size: 'max' }), (ops) => {
        const slab = new BoxSlab<object>();
        const live: Region[] = [];
        let mark = 0;
        // Counted, not asserted one by one: an expect() per slot is most of the run time.
        let wrong = 0;
        for (const o of ops) {
          if ('alloc' in o) {
            const at = slab.alloc(o.alloc);
            const boxes = slab.chunk;
            const refs = slab.refs;
            if (at + o.alloc > refs.length || refs.length * 4 !== boxes.length) wrong++;
            // A region handed out holds no reference (a fresh one, or one given back).
            for (let k = at; k < at + o.alloc; k++) if (refs[k] !== undefined) wrong++;
            mark++;
            const ref = { mark };
            boxes.fill(mark, 4 * at, 4 * (at + o.alloc));
            refs.fill(ref, at, at + o.alloc);
            live.push({ boxes, refs, at, zones: o.alloc, mark, ref });
          } else if (live.length > 0) {
            const [r] = live.splice(o.free % live.length, 1);
            slab.free(r!.boxes, r!.at);
            // Given back: its references are dropped at once, so they keep no zone alive.
            for (let k = r!.at; k < r!.at + r!.zones; k++) if (r!.refs[k] !== undefined) wrong++;
          }
        }
        for (const r of live) {
          for (let j = 4 * r.at; j < 4 * (r.at + r.zones); j++) if (r.boxes[j] !== r.mark) wrong++;
          for (let k = r.at; k < r.at + r.zones; k++) if (r.refs[k] !== r.ref) wrong++;
        }
        expect(wrong).toBe(0);
      }),
      { numRuns: 100, seed: 12 },
    );
  });
});

describe('BoxSlab', () => {
  it('reuses a region given back for the next subject of its size, and refuses a foreign one', () => {
    const slab = new BoxSlab<object>();
    const a = slab.alloc(2);
    const chunkA = slab.chunk;
    const refsA = slab.refs;
    const b = slab.alloc(2);
    expect(slab.chunk).toBe(chunkA);
    expect(slab.refs).toBe(refsA);
    expect(b).toBe(a + 2);
    slab.alloc(3);
    expect(slab.chunk).not.toBe(chunkA); // each size has chunks of its own
    slab.free(chunkA, a);
    expect(slab.alloc(2)).toBe(a);
    expect(slab.chunk).toBe(chunkA);
    expect(slab.refs).toBe(refsA);
    expect(() => slab.free(new Float32Array(8), 0)).toThrow(/not from this slab/);
    expect(() => slab.free(EMPTY_CHUNK, 0)).toThrow(/not from this slab/);
  });
});
