/**
 * Where the zone index keeps each scanned subject's exclusion zones and their boxes: a region of
 * n zone references in a shared array chunk, and beside it n x 4 floats [minLon, minLat, maxLon,
 * maxLat, ...] at the same position in a shared Float32Array chunk, for other subjects of the
 * same n too.
 *
 * Why not an array per subject: without pointer compression (Node's build) an array costs a
 * 32 B object and a 16 B elements header before its contents, plus an object for the collector
 * to trace. A subject's own zone list and box array cost 112 B at two zones; its regions cost
 * their 48 B of contents and two fields of the subject's record (which chunk, where).
 *
 * Why float32: the boxes are only a prefilter (a zone whose box holds the fix is then measured
 * exactly), so each bound is rounded outward (float32-bounds.ts) and a box can only grow, by at
 * most a float32 step (under 2 m). That halves the boxes, to 16 B a zone, and a subject's boxes
 * more often share one cache line.
 *
 * Regions of each size have chunks of their own (about CHUNK_ZONES zones) and a free list, so a
 * region given back is reused by the next subject of that size. A region given back drops its
 * references at once, so a removed zone is not kept alive by a free region. Chunks are never
 * returned while the slab lives; the index replaces the whole slab when it compacts, which frees
 * chunks left mostly empty by subjects that changed size or went.
 */

const CHUNK_ZONES = 1024;

/** The boxes of a subject with no region. */
export const EMPTY_CHUNK = new Float32Array(0);

/** One region size: its current chunks, how far they are filled, and the regions given back. */
interface SizeClass<T> {
  boxes: Float32Array;
  refs: (T | undefined)[];
  used: number;
  /** Regions given back: box chunk and position (the reference chunk is chunkOf's). */
  freeBoxes: Float32Array[];
  freeAts: number[];
}

export class BoxSlab<T> {
  private readonly classes: (SizeClass<T> | undefined)[] = [];
  /** The region size (in zones) and the reference chunk of every box chunk handed out. */
  private readonly chunkOf = new WeakMap<Float32Array, { zones: number; refs: (T | undefined)[] }>();
  /** The box chunk of the last region alloc() handed out (its boxes start at 4 x at). */
  chunk: Float32Array = EMPTY_CHUNK;
  /** The reference chunk of the last region alloc() handed out (its zones start at at). */
  refs: (T | undefined)[] = [];

  /** A region for `zones` zones: returns its first zone position, in `this.refs` and `this.chunk`. */
  alloc(zones: number): number {
    let c = this.classes[zones];
    if (c === undefined) {
      c = { boxes: EMPTY_CHUNK, refs: [], used: 0, freeBoxes: [], freeAts: [] };
      this.classes[zones] = c;
    }
    if (c.freeBoxes.length > 0) {
      this.chunk = c.freeBoxes.pop()!;
      this.refs = this.chunkOf.get(this.chunk)!.refs;
      return c.freeAts.pop()!;
    }
    if (c.used + zones > c.refs.length) {
      const n = Math.max(CHUNK_ZONES - (CHUNK_ZONES % zones), zones);
      c.boxes = new Float32Array(4 * n);
      // Filled, so the array's elements are packed from the start (no holes to check per read).
      c.refs = new Array<T | undefined>(n).fill(undefined);
      this.chunkOf.set(c.boxes, { zones, refs: c.refs });
      c.used = 0;
    }
    const at = c.used;
    c.used += zones;
    this.chunk = c.boxes;
    this.refs = c.refs;
    return at;
  }

  /** Give back the region at `at` of box chunk `chunk` (from alloc; not the empty region). */
  free(chunk: Float32Array, at: number): void {
    const of = this.chunkOf.get(chunk);
    if (of === undefined) throw new Error('box region not from this slab');
    const c = this.classes[of.zones]!;
    of.refs.fill(undefined, at, at + of.zones);
    c.freeBoxes.push(chunk);
    c.freeAts.push(at);
  }
}
