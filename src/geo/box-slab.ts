/**
 * Where the zone index keeps each scanned subject's exclusion boxes: a region of n x 4 floats
 * [minLon, minLat, maxLon, maxLat, ...] in a chunk shared with other subjects of the same n.
 *
 * Why not an array per subject: without pointer compression (Node's build) an array costs a
 * 32 B object and a 16 B elements header before its numbers, 48 B a subject (24 B a zone at two
 * zones a subject), plus an object for the collector to trace. A region costs its numbers and
 * one more field on the subject's record (where it starts).
 *
 * Why float32: the boxes are only a prefilter (a zone whose box holds the fix is then measured
 * exactly), so each bound is rounded outward (float32-bounds.ts) and a box can only grow, by at
 * most a float32 step (under 2 m). That halves the region, to 16 B a zone, and a subject's boxes
 * more often share one cache line.
 *
 * Regions of each size have chunks of their own (at least CHUNK_DOUBLES long) and a free list,
 * so a region given back is reused by the next subject of that size. Chunks are never returned
 * while the slab lives; the index replaces the whole slab when it compacts, which frees chunks
 * left mostly empty by subjects that changed size or went.
 */

const CHUNK_FLOATS = 4096;

/** The region of a subject with no scanned boxes. */
export const EMPTY_CHUNK = new Float32Array(0);

/** One region size: its current chunk, how far it is filled, and the regions given back. */
interface SizeClass {
  chunk: Float32Array;
  used: number;
  freeChunks: Float32Array[];
  freeStarts: number[];
}

export class BoxSlab {
  private readonly classes: (SizeClass | undefined)[] = [];
  /** The region size (in zones) of every chunk handed out, to take a region back. */
  private readonly zonesOf = new WeakMap<Float32Array, number>();
  /** The chunk of the last region alloc() handed out. */
  chunk: Float32Array = EMPTY_CHUNK;

  /** A region for `zones` boxes: returns its first index, in `this.chunk`. */
  alloc(zones: number): number {
    const floats = zones * 4;
    let c = this.classes[zones];
    if (c === undefined) {
      c = { chunk: EMPTY_CHUNK, used: 0, freeChunks: [], freeStarts: [] };
      this.classes[zones] = c;
    }
    if (c.freeChunks.length > 0) {
      this.chunk = c.freeChunks.pop()!;
      return c.freeStarts.pop()!;
    }
    if (c.used + floats > c.chunk.length) {
      c.chunk = new Float32Array(Math.max(CHUNK_FLOATS - (CHUNK_FLOATS % floats), floats));
      this.zonesOf.set(c.chunk, zones);
      c.used = 0;
    }
    const at = c.used;
    c.used += floats;
    this.chunk = c.chunk;
    return at;
  }

  /** Give back the region at `at` in `chunk` (from alloc; not the empty region). */
  free(chunk: Float32Array, at: number): void {
    const zones = this.zonesOf.get(chunk);
    if (zones === undefined) throw new Error('box region not from this slab');
    const c = this.classes[zones]!;
    c.freeChunks.push(chunk);
    c.freeStarts.push(at);
  }
}
