/**
 * A table of values that carry their own string key, with a Map's semantics for what the zone
 * index needs: get, set (a value replacing its key's keeps that key's position), delete, size,
 * and iteration in insertion order.
 *
 * Why not a Map: loading 1M zones spent 0.65-1.1 s in Map.set alone (V8 rehashes as a Map grows
 * and cannot be given a size up front), more than half the index build. Here the build reserves
 * room once, and an insert is a hash of the key, a probe of one Int32Array and two pushes: the
 * same 1M keys went in ~5x faster (bench/core-index.bench.ts). The value is asked for its key
 * (`keyOf`), so no key is stored twice.
 *
 * Layout: `values` and `hashes` hold the entries densely, in insertion order, up to `used`; a
 * deleted entry leaves `undefined` until the next rehash closes the gaps. `slots` is an
 * open-addressing (linear probing) table of positions in them plus one (so a fresh, zeroed
 * Int32Array is all EMPTY), kept at most half full. reserve() sizes all three at once: growing
 * them entry by entry copied and page-faulted its way to a sixth of the build. Not a security boundary:
 * the hash is FNV-1a with a final mix, unkeyed, so keys chosen to collide would slow it down.
 */

const EMPTY = 0;
const DELETED = -1;
const MIN_CAPACITY = 16;

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser; 30 bits, so a small integer. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x3fffffff;
}

/** The smallest power of two, at least MIN_CAPACITY, that holds `n` entries at most half full. */
function capacityFor(n: number): number {
  let c = MIN_CAPACITY;
  while (c < 2 * n) c *= 2;
  return c;
}

export class KeyedTable<V extends object> {
  /** Position in `values` plus one; EMPTY or DELETED. */
  private slots: Int32Array;
  private mask: number;
  /** Entries [0, used): a value, or undefined where one was deleted. Holey past `used`. */
  private values: (V | undefined)[] = [];
  private hashes = new Int32Array(MIN_CAPACITY);
  private used = 0;
  /** Live entries. */
  private live = 0;
  /** Slots marked DELETED: they lengthen probes until the next rehash. */
  private deletedSlots = 0;

  constructor(private readonly keyOf: (value: V) => string) {
    this.slots = new Int32Array(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
  }

  get size(): number {
    return this.live;
  }

  /** Make room for `n` entries in all, so loading them rehashes at most once (here). */
  reserve(n: number): void {
    if (capacityFor(n) > this.slots.length) this.rehash(capacityFor(n), n);
  }

  get(key: string): V | undefined {
    const at = this.find(key, keyHash(key));
    return at < 0 ? undefined : this.values[this.slots[at]! - 1];
  }

  /**
   * Where `key`'s value is in insertion order, or -1: for valueAt. A position holds while no
   * entry is deleted (a rehash after deletes closes the gaps, and moves later entries down).
   */
  positionOf(key: string): number {
    const at = this.find(key, keyHash(key));
    return at < 0 ? -1 : this.slots[at]! - 1;
  }

  /** The value at `position` (from positionOf or set), or undefined where it was deleted. */
  valueAt(position: number): V | undefined {
    return this.values[position];
  }

  has(key: string): boolean {
    return this.find(key, keyHash(key)) >= 0;
  }

  /**
   * Insert `value` under its key, or replace the value there (which keeps its position).
   * Returns its position (see positionOf).
   */
  set(value: V): number {
    const key = this.keyOf(value);
    const h = keyHash(key);
    const slots = this.slots;
    const mask = this.mask;
    let free = -1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === EMPTY || s === DELETED) {
        if (free < 0) free = i;
        if (s === EMPTY) break;
        continue;
      }
      if (this.hashes[s - 1] === h && this.keyOf(this.values[s - 1]!) === key) {
        this.values[s - 1] = value;
        return s - 1;
      }
    }
    if (slots[free] === DELETED) this.deletedSlots--;
    const j = this.used++;
    if (j === this.hashes.length) {
      const grown = new Int32Array(2 * j);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    slots[free] = j + 1;
    this.values[j] = value;
    this.hashes[j] = h;
    this.live++;
    if (2 * (this.live + this.deletedSlots) <= slots.length) return j;
    this.rehash(capacityFor(this.live + 1), this.live + 1);
    return this.positionOf(key); // the rehash closed any gaps before j
  }

  /** Remove `key`'s value; false when there was none. */
  delete(key: string): boolean {
    const at = this.find(key, keyHash(key));
    if (at < 0) return false;
    this.values[this.slots[at]! - 1] = undefined;
    this.slots[at] = DELETED;
    this.deletedSlots++;
    this.live--;
    // Close the gaps once they are most of the dense arrays (amortised: each rehash follows at
    // least as many deletes as it keeps entries).
    if (this.used > MIN_CAPACITY && 2 * this.live < this.used) this.rehash(capacityFor(this.live), this.live);
    return true;
  }

  /** Every value, in insertion order, as a new array. */
  valuesArray(): V[] {
    const values = this.values;
    if (this.live === this.used) return values.slice(0, this.used) as V[]; // no gaps: one copy
    const out: V[] = [];
    for (let j = 0; j < this.used; j++) {
      const v = values[j];
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  /** Visit every value in insertion order. `visit` must not change the table. */
  forEach(visit: (value: V) => void): void {
    const values = this.values;
    const used = this.used;
    for (let j = 0; j < used; j++) {
      const v = values[j];
      if (v !== undefined) visit(v);
    }
  }

  /** The slot holding `key`, or -1. */
  private find(key: string, h: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === EMPTY) return -1;
      if (s !== DELETED && this.hashes[s - 1] === h && this.keyOf(this.values[s - 1]!) === key) return i;
    }
  }

  /**
   * A fresh slot table of `capacity`, and dense arrays with room for `room` entries, gaps closed
   * (order kept).
   */
  private rehash(capacity: number, room: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    const size = Math.max(MIN_CAPACITY, room, this.live);
    const values = new Array<V | undefined>(size);
    const hashes = new Int32Array(size);
    let used = 0;
    for (let j = 0; j < this.used; j++) {
      const v = this.values[j];
      if (v === undefined) continue;
      const h = this.hashes[j]!;
      let i = h & mask;
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = used + 1;
      values[used] = v;
      hashes[used++] = h;
    }
    this.slots = slots;
    this.mask = mask;
    this.values = values;
    this.hashes = hashes;
    this.used = used;
    this.deletedSlots = 0;
  }
}
