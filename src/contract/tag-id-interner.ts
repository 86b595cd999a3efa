/**
 * One string per tag id read from ping bytes: the scanner hands out the string it made the first
 * time it saw those bytes, instead of building a new one for every ping.
 *
 * Why: a worker looks each ping's tag id up three or four times (its state, the batch's undo copy,
 * the set of tags to write to the changelog, the engine's own check that state and ping agree).
 * A new string must be hashed before each map lookup, and is then compared character by character
 * with the key the map holds, which is a cache miss in a map of every tag. The same string object
 * carries its hash, and compares equal by identity. Building a short string char by char also
 * made a new string per character.
 *
 * Strings are immutable values, so a shared one is indistinguishable from a new one with the
 * same characters: the scanner's output is unchanged (test/contract/ping-scan.property.test.ts).
 *
 * Bounded by design. A tag id is found by a hash of its bytes in an open-addressing table that
 * grows by doubling up to `maxSlots`, at most half full; when that is full it starts empty again
 * (the tags still pinging come back within a batch). A lookup probes at most MAX_PROBES slots, so
 * ids crafted to collide cost a fresh string, never a long scan.
 */

/** FNV-1a, 32-bit. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** Slots a lookup may probe before it gives up and builds a fresh string. */
const MAX_PROBES = 8;
const MIN_SLOTS = 1 << 10;
/**
 * 2^18 slots: up to 128k ids (a worker's share of a large fleet), ~8 MB with the strings, before
 * the table starts again. Past that a worker makes strings as it did without the table.
 */
export const DEFAULT_MAX_SLOTS = 1 << 18;

/** `b[from, to)` as a string of its bytes (ASCII in practice: the scanner reads only ASCII). */
function latin1(b: Buffer, from: number, to: number): string {
  // Short ids: char by char is twice as fast as a Buffer decode, and V8 keeps them flat.
  if (to - from > 12) return b.toString('latin1', from, to);
  let s = '';
  for (let k = from; k < to; k++) s += String.fromCharCode(b[k]!);
  return s;
}

export class TagIdInterner {
  private slots: number;
  private hashes: Int32Array;
  private strings: (string | undefined)[];
  private count = 0;
  private restarts = 0;

  constructor(private readonly maxSlots: number = DEFAULT_MAX_SLOTS) {
    if (!Number.isInteger(Math.log2(maxSlots)) || maxSlots < 2) {
      throw new Error(`maxSlots must be a power of two >= 2, got ${maxSlots}`);
    }
    this.slots = Math.min(MIN_SLOTS, maxSlots);
    this.hashes = new Int32Array(this.slots);
    this.strings = new Array<string | undefined>(this.slots).fill(undefined);
  }

  /** Ids held now. */
  get size(): number {
    return this.count;
  }

  /** Times the table was full at its largest and started again. */
  get resets(): number {
    return this.restarts;
  }

  /** The string of bytes `b[from, to)`: the same object for the same bytes while it is held. */
  intern(b: Buffer, from: number, to: number): string {
    let h = FNV_OFFSET;
    for (let k = from; k < to; k++) h = Math.imul(h ^ b[k]!, FNV_PRIME);
    const n = to - from;
    const mask = this.slots - 1;
    const strings = this.strings;
    const hashes = this.hashes;
    let slot = h & mask;
    for (let probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
      const s = strings[slot];
      if (s === undefined) {
        const made = latin1(b, from, to);
        this.add(h, made);
        return made;
      }
      if (hashes[slot] === h && s.length === n && sameBytes(s, b, from)) return s;
    }
    return latin1(b, from, to); // a crowded neighbourhood: not kept
  }

  /** Hold new id `s`, first growing the table, or starting it again at its largest, if full. */
  private add(h: number, s: string): void {
    if (2 * (this.count + 1) > this.slots) {
      if (this.slots < this.maxSlots) this.resize(this.slots * 2);
      else this.clear();
    }
    this.insert(h, s);
  }

  /** Place `s` (not held) in the first free slot of its probe sequence, if there is one. */
  private insert(h: number, s: string): void {
    const mask = this.slots - 1;
    let slot = h & mask;
    for (let probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
      if (this.strings[slot] === undefined) {
        this.hashes[slot] = h;
        this.strings[slot] = s;
        this.count++;
        return;
      }
    }
  }

  private resize(slots: number): void {
    const oldHashes = this.hashes;
    const oldStrings = this.strings;
    this.slots = slots;
    this.hashes = new Int32Array(slots);
    this.strings = new Array<string | undefined>(slots).fill(undefined);
    this.count = 0;
    for (let i = 0; i < oldStrings.length; i++) {
      const s = oldStrings[i];
      if (s !== undefined) this.insert(oldHashes[i]!, s);
    }
  }

  private clear(): void {
    this.hashes.fill(0);
    this.strings.fill(undefined);
    this.count = 0;
    this.restarts++;
  }
}

function sameBytes(s: string, b: Buffer, from: number): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) !== b[from + k]) return false;
  return true;
}
