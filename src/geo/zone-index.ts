/**
 * All compiled zones, queryable by position, plus each subject's own zones.
 *
 * forEachCandidate(subject, fix) is the per-fix query. A subject rarely has more than a handful
 * of zones, so by default ('hybrid') it scans the subject's own exclusion zones with a bbox check
 * (a few ns a zone, independent of the total zone count) and only walks the R-tree for subjects
 * with more than `scanLimit` exclusion zones. bench/core-geo.bench.ts measures both strategies.
 *
 * The R-tree therefore holds only what it serves: under 'hybrid', the exclusion zones of subjects
 * past `scanLimit` ("tree zones"); under 'rtree', every zone. A subject that grows past the limit
 * brings all its exclusion zones into the tree, and one that shrinks back takes them out. For the
 * usual fleet (2-3 zones a subject) the tree is empty, which saves its boxes (~38 B a zone) and
 * its build (a sixth of the index build at 1M zones).
 *
 * The tree is static plus delta: a flatbush snapshot (zone-snapshot.ts) of the tree zones as they
 * were at the last compaction, an rbush R-tree of the tree zones added since, and the set of ids
 * whose snapshot copy is stale (left the tree, or replaced, since). Queries consult both, so every
 * edit is visible at once. compact() folds the delta into a new snapshot and repacks the zones'
 * numbers (freeing the slots of zones dropped since); it runs by itself when the delta, or the
 * count of zones dropped, outgrows `autoCompact`, and the stream shell may call compactIfDue()
 * between batches to do it earlier, off the per-fix path.
 *
 * All mutation is synchronous, so a reader never sees a half-applied upsert. The one rule: a
 * `visit` callback must not mutate the index it is visiting.
 */
import { BoxSlab, EMPTY_CHUNK } from './box-slab.js';
import type { CompiledZone } from './compiled-zone.js';
import { float32Above, float32Below } from './float32-bounds.js';
import { KeyedTable } from './keyed-table.js';
import { PackedZone, repackZones } from './packed-zone.js';
import { ZoneSnapshot } from './zone-snapshot.js';
import { queryPoint, rootContains, ZoneTree } from './zone-tree.js';

export type CandidateStrategy = 'hybrid' | 'rtree';

export interface ZoneIndexOptions {
  /** 'hybrid' (default): scan small subjects' own zones; 'rtree': always query the tree. */
  strategy?: CandidateStrategy;
  /** Hybrid only: subjects with at most this many exclusion zones are scanned. Default 64. */
  scanLimit?: number;
  /** rbush node size for the delta. Default 9 (rbush's default). */
  maxEntries?: number;
  /**
   * Compact by itself once the delta (tree zones added plus snapshot entries made stale since the
   * last compaction) exceeds max(minDelta, fraction x snapshot size), or the zones dropped
   * (replaced or removed) since exceed max(minDelta, fraction x zones). Default
   * { fraction: 0.25, minDelta: 4096 }: a zone stream that loads N tree zones one by one rebuilds
   * about 5N boxes in total (geometric), and the delta R-tree never holds more than a quarter.
   */
  autoCompact?: { fraction: number; minDelta: number };
  /** compactIfDue() compacts once the delta exceeds max(minDelta, fraction x snapshot). */
  dueCompact?: { fraction: number; minDelta: number };
}

export const DEFAULT_AUTO_COMPACT = Object.freeze({ fraction: 0.25, minDelta: 4096 });
export const DEFAULT_DUE_COMPACT = Object.freeze({ fraction: 1 / 32, minDelta: 1024 });

/**
 * Measured (bench/core-geo.bench.ts, "scan vs R-tree"): with a warm cache a subject's box scan
 * beats the rbush walk up to ~128-256 zones; with cold caches (random subjects at 100k+ zones)
 * the walk's pointer chasing costs far more, so 64 is comfortably on the scan's side.
 */
export const DEFAULT_SCAN_LIMIT = 64;

/** zoneOfSubject scans a subject's lists up to this many zones, and asks the id table beyond. */
const OWN_LIST_SCAN_LIMIT = 16;

const NO_ZONES: readonly CompiledZone[] = Object.freeze([]);

/**
 * Inclusion lists up to this long grow by an exact-size copy rather than push: V8 gives a
 * pushed-to array room for 16 more, which for the typical subject (2-3 zones) tripled the index's
 * heap per zone. Longer lists (rare, busy subjects) push, so a big load stays linear.
 */
const EXACT_LIST_LIMIT = 32;

/** Every subject's empty inclusion list (never mutated: withZone copies it). Not frozen: one elements kind. */
const EMPTY_LIST: CompiledZone[] = [];

/** `list` plus `z`; never mutates the shared empty list. */
function withZone(list: CompiledZone[], z: CompiledZone): CompiledZone[] {
  if (list.length === 0) return [z];
  // Literals for the usual 1-3 zones: a third faster than the spread at a 1M-zone build.
  if (list.length === 1) return [list[0]!, z];
  if (list.length === 2) return [list[0]!, list[1]!, z];
  if (list.length < EXACT_LIST_LIMIT) return [...list, z];
  list.push(z);
  return list;
}

/** The references of a subject with no exclusion zones. Never written: no region, no list. */
const NO_REFS: (CompiledZone | undefined)[] = [];

/**
 * One subject's zones, split by kind because inclusion zones are visited unconditionally.
 *
 * The exclusion zones are refs[at, at + count). A scanned subject (at most `scanLimit` of them)
 * has them in a region of a chunk shared with other subjects (box-slab.ts), with their grown
 * bboxes [minLon, minLat, maxLon, maxLat, ...] rounded outward to float32 at boxes[4 x at], so
 * the scan touches one or two cache lines instead of every zone object: at 100k+ zones and
 * random subjects, cache misses are most of the cost. A subject past the scan limit (its zones
 * are in the tree) keeps them in an array of its own, from 0, and has no boxes.
 *
 * The fields are the index's to write; a caller reads them through the index's methods.
 */
export class SubjectZones {
  refs: (CompiledZone | undefined)[] = NO_REFS;
  /** The region's box chunk; EMPTY_CHUNK when the subject has no region. */
  boxes: Float32Array = EMPTY_CHUNK;
  at = 0;
  /** How many exclusion zones; -1 once the index has dropped this record. */
  count = 0;
  inclusions: CompiledZone[] = EMPTY_LIST;

  constructor(readonly subjectId: string) {}

  /**
   * False once the index has dropped this record (the subject's last zone went). A caller that
   * keeps the record between fixes (see subjectZones) must look the subject up again then.
   */
  get live(): boolean {
    return this.count >= 0;
  }
}

/** Zone `z`'s grown bbox, rounded outward to float32 (box-slab.ts), as box `k` of `boxes`. */
function writeBox(boxes: Float32Array, k: number, z: CompiledZone): void {
  const j = 4 * k;
  boxes[j] = float32Below(z.minLon);
  boxes[j + 1] = float32Below(z.minLat);
  boxes[j + 2] = float32Above(z.maxLon);
  boxes[j + 3] = float32Above(z.maxLat);
}

let nextIndexId = 0;

export class ZoneIndex {
  /** Tells indexes apart without holding one (a caller's cache keeps the id, not the index). */
  readonly id = ++nextIndexId;
  /** Zones by id, and subjects' records by subject id (keyed-table.ts: why not Maps). */
  private readonly byId = new KeyedTable<CompiledZone>((z) => z.zoneId);
  private readonly bySubject = new KeyedTable<SubjectZones>((s) => s.subjectId);
  private readonly scanLimit: number;
  private readonly maxEntries: number;
  private readonly autoCompact: { fraction: number; minDelta: number };
  private readonly dueCompact: { fraction: number; minDelta: number };
  /** The zones at the last compaction; undefined when there were none. */
  private snapshot: ZoneSnapshot | undefined;
  /** Zones upserted since the snapshot (the current version of each). */
  private delta: ZoneTree;
  private readonly inDelta = new Set<CompiledZone>();
  /** Ids whose snapshot entry is stale: left the tree or replaced since the snapshot was built. */
  private readonly stale = new Set<string>();
  /** The scanned subjects' regions; replaced by each compaction, which packs them afresh. */
  private boxSlab = new BoxSlab<CompiledZone>();
  /** Zones replaced or removed since the last compaction: their slab slots are dead. */
  private dropped = 0;
  private compactions = 0;

  constructor(options: ZoneIndexOptions = {}) {
    this.maxEntries = options.maxEntries ?? 9;
    this.delta = new ZoneTree(this.maxEntries);
    this.autoCompact = options.autoCompact ?? DEFAULT_AUTO_COMPACT;
    this.dueCompact = options.dueCompact ?? DEFAULT_DUE_COMPACT;
    const strategy = options.strategy ?? 'hybrid';
    switch (strategy) {
      case 'hybrid':
        this.scanLimit = options.scanLimit ?? DEFAULT_SCAN_LIMIT;
        break;
      case 'rtree':
        this.scanLimit = -1;
        break;
      default: {
        const unreachable: never = strategy;
        throw new Error(`unknown strategy ${String(unreachable)}`);
      }
    }
  }

  /** Bulk load for start-up: one flatbush snapshot instead of N inserts. Last zoneId wins. */
  static build(zones: Iterable<CompiledZone>, options: ZoneIndexOptions = {}): ZoneIndex {
    const index = new ZoneIndex(options);
    // Ids first, then subjects from the survivors: a replaced zone is never linked, so there is
    // no lookup-and-unlink per zone (at 1M zones that lookup was a tenth of the build). A
    // replacement keeps its id's first position, as upsert's in-place replacement does.
    const all = Array.isArray(zones) ? (zones as readonly CompiledZone[]) : [...zones];
    const byId = index.byId;
    byId.reserve(all.length);
    for (let i = 0; i < all.length; i++) byId.set(all[i]!);
    // Most subjects have two or three zones: room for half as many subjects as zones.
    index.bySubject.reserve(byId.size >> 1);
    // Two passes over the survivors: count each subject's exclusion zones (making its record),
    // then place them in a region of exactly that size. No subject's zones are copied as they
    // grow, and no list is made only to be thrown away. The first pass notes each zone's
    // subject by its position in the subject table (nothing is deleted meanwhile, so positions
    // hold), so the second pass hashes no id: an Int32Array, as an array of the records
    // themselves is one more old object pointing at young ones for every scavenge to scan.
    const subjectAt = new Int32Array(byId.size);
    let i = 0;
    byId.forEach((z) => {
      subjectAt[i++] = index.countInto(z);
    });
    const bySubject = index.bySubject;
    i = 0;
    byId.forEach((z) => {
      const at = subjectAt[i++]!;
      if (z.kind === 'exclusion') index.place(bySubject.valueAt(at)!, z);
    });
    const survivors = byId.valuesArray();
    repackZones(survivors);
    index.rebuildTree(survivors);
    return index;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Zones in the delta plus stale snapshot entries: the work the next compaction folds in. */
  get deltaSize(): number {
    return this.inDelta.size + this.stale.size;
  }

  /**
   * For metrics and tests: how the tree is split right now (snapshot − stale + delta = the tree
   * zones), and the zones dropped since the last compaction.
   */
  detail(): { snapshot: number; delta: number; stale: number; dropped: number; compactions: number } {
    return {
      snapshot: this.snapshot?.size ?? 0,
      delta: this.inDelta.size,
      stale: this.stale.size,
      dropped: this.dropped,
      compactions: this.compactions,
    };
  }

  /**
   * Rebuild the snapshot from every tree zone and empty the delta: call it between batches, not
   * per fix. It also repacks the zones' numbers into fresh slab chunks (packed-zone.ts) and the
   * scanned subjects' boxes into a fresh box slab (box-slab.ts), so the slots of zones dropped
   * since the last compaction are freed. At 1M zones with no tree zones it took 0.14-0.27 s.
   */
  compact(): void {
    const zones = this.byId.valuesArray();
    repackZones(zones);
    this.repackRegions();
    this.rebuildTree(zones);
  }

  /** Copy every scanned subject's region into a fresh slab, packed, and drop the old slab. */
  private repackRegions(): void {
    this.boxSlab = new BoxSlab<CompiledZone>();
    this.bySubject.forEach((s) => {
      if (s.boxes === EMPTY_CHUNK) return; // no region: no exclusion zones, or past the scan limit
      const n = s.count;
      const from = s.refs;
      const fromBoxes = s.boxes;
      const fromAt = s.at;
      const at = this.boxSlab.alloc(n);
      const refs = this.boxSlab.refs;
      const boxes = this.boxSlab.chunk;
      for (let i = 0; i < n; i++) refs[at + i] = from[fromAt + i];
      for (let i = 0; i < 4 * n; i++) boxes[4 * at + i] = fromBoxes[4 * fromAt + i]!;
      s.refs = refs;
      s.boxes = boxes;
      s.at = at;
    });
  }

  /** A snapshot of the tree zones (all of `zones` under 'rtree'), and an empty delta. */
  private rebuildTree(zones: CompiledZone[]): void {
    this.snapshot = ZoneSnapshot.build(this.scanLimit < 0 ? zones : this.treeZones());
    this.delta = new ZoneTree(this.maxEntries);
    this.inDelta.clear();
    this.stale.clear();
    this.dropped = 0;
    this.compactions++;
  }

  /** The tree zones (hybrid): the exclusion zones of subjects past the scan limit. */
  private treeZones(): CompiledZone[] {
    const out: CompiledZone[] = [];
    this.bySubject.forEach((s) => {
      if (s.count <= this.scanLimit) return;
      // Its own list, from 0. Not push(...): a big subject would overflow the stack.
      for (let k = 0; k < s.count; k++) out.push(s.refs[k]!);
    });
    return out;
  }

  /** Compact if the delta has grown past `dueCompact`; true when it did. For the stream shell. */
  compactIfDue(): boolean {
    if (!this.over(this.dueCompact)) return false;
    this.compact();
    return true;
  }

  private over(limit: { fraction: number; minDelta: number }): boolean {
    const d = this.inDelta.size + this.stale.size;
    if (d > limit.minDelta && d > limit.fraction * (this.snapshot?.size ?? 0)) return true;
    return this.dropped > limit.minDelta && this.dropped > limit.fraction * this.byId.size;
  }

  /** Put `z` in the tree: into the delta (the snapshot is rebuilt only by compact). */
  private treeAdd(z: CompiledZone): void {
    this.delta.insert(z);
    this.inDelta.add(z);
  }

  /** Take `old` out of the tree: from the delta, or by marking its snapshot copy stale. */
  private treeRemove(old: CompiledZone): void {
    if (this.inDelta.delete(old)) this.delta.remove(old);
    else this.stale.add(old.zoneId);
  }

  /** Whether `z`, one of subject `s`'s zones, belongs in the tree. */
  private inTree(z: CompiledZone, s: SubjectZones): boolean {
    return this.scanLimit < 0 || (z.kind === 'exclusion' && s.count > this.scanLimit);
  }

  get(zoneId: string): CompiledZone | undefined {
    return this.byId.get(zoneId);
  }

  /** Insert, or replace the zone with the same zoneId (old position, subject and kind all go). */
  upsert(zone: CompiledZone): void {
    const old = this.byId.get(zone.zoneId);
    if (old !== undefined) {
      this.dropped++;
      if (old.subjectId === zone.subjectId && old.kind === zone.kind) {
        // Same list: replace in place so the subject's visiting order stays stable. The list's
        // length, and so which of its zones are tree zones, does not change.
        const subject = this.bySubject.get(old.subjectId)!;
        if (zone.kind === 'exclusion') {
          const k = this.positionOf(subject, old);
          subject.refs[k] = zone;
          if (subject.boxes !== EMPTY_CHUNK) writeBox(subject.boxes, k, zone);
        } else {
          subject.inclusions[subject.inclusions.indexOf(old)] = zone;
        }
        if (this.inTree(zone, subject)) {
          this.treeRemove(old);
          this.treeAdd(zone);
        }
      } else {
        this.unlinkSubject(old);
        this.linkSubject(zone);
      }
    } else {
      this.linkSubject(zone);
    }
    this.byId.set(zone);
    if (this.over(this.autoCompact)) this.compact();
  }

  remove(zoneId: string): boolean {
    const old = this.byId.get(zoneId);
    if (old === undefined) return false;
    this.dropped++;
    this.unlinkSubject(old);
    this.byId.delete(zoneId);
    if (this.over(this.autoCompact)) this.compact();
    return true;
  }

  inclusionZonesOf(subjectId: string): readonly CompiledZone[] {
    return this.bySubject.get(subjectId)?.inclusions ?? NO_ZONES;
  }

  /** Every zone of the subject, exclusion zones first. Allocates: not for the per-fix path. */
  zonesOf(subjectId: string): readonly CompiledZone[] {
    const s = this.bySubject.get(subjectId);
    return s === undefined ? NO_ZONES : [...this.exclusionsOf(s), ...s.inclusions];
  }

  /**
   * Every exclusion zone of `subjectId` whose warning-grown bbox contains the point, then every
   * inclusion zone of the subject wherever it is (a fix outside an inclusion zone is never in its
   * bbox, yet that is exactly when it matters). Each zone is visited once. No allocation.
   */
  forEachCandidate(subjectId: string, lat: number, lon: number, visit: (zone: CompiledZone) => void): void {
    const s = this.bySubject.get(subjectId);
    if (s !== undefined) this.forEachCandidateOf(s, subjectId, lat, lon, visit);
  }

  /**
   * The subject's zone record, for a caller that keeps it to skip the lookup by subject id on
   * later fixes: valid for this index while `live`. Undefined when the subject has no zones.
   */
  subjectZones(subjectId: string): SubjectZones | undefined {
    return this.bySubject.get(subjectId);
  }

  /**
   * The zone `zoneId` if it is one of the subject's (record `s`, live), else undefined: as
   * get(zoneId) followed by a subjectId check. A subject with a few zones is scanned, which
   * touches the subject's own zones instead of the id table of every zone.
   */
  zoneOfSubject(s: SubjectZones, subjectId: string, zoneId: string): CompiledZone | undefined {
    const n = s.count;
    const inclusions = s.inclusions;
    if (n + inclusions.length > OWN_LIST_SCAN_LIMIT) {
      const z = this.byId.get(zoneId);
      return z !== undefined && z.subjectId === subjectId ? z : undefined;
    }
    const refs = s.refs;
    for (let k = s.at, end = s.at + n; k < end; k++) if (refs[k]!.zoneId === zoneId) return refs[k];
    for (let i = 0; i < inclusions.length; i++) if (inclusions[i]!.zoneId === zoneId) return inclusions[i];
    return undefined;
  }

  /** forEachCandidate with the subject's record at hand (live, from subjectZones(subjectId)). */
  forEachCandidateOf(
    s: SubjectZones,
    subjectId: string,
    lat: number,
    lon: number,
    visit: (zone: CompiledZone) => void,
  ): void {
    const n = s.count;
    if (n <= this.scanLimit) {
      const b = s.boxes;
      const refs = s.refs;
      for (let k = s.at, end = s.at + n, j = 4 * s.at; k < end; k++, j += 4) {
        if (lon >= b[j]! && lat >= b[j + 1]! && lon <= b[j + 2]! && lat <= b[j + 3]!) visit(refs[k]!);
      }
    } else if (n > 0) {
      this.querySpatial(lon, lat, subjectId, visit);
    }
    const inclusions = s.inclusions;
    for (let i = 0; i < inclusions.length; i++) visit(inclusions[i]!);
  }

  /**
   * All zones of any subject whose grown bbox contains the point: the pure R-tree query. Only an
   * index built with strategy 'rtree' holds every zone in its tree; a hybrid index refuses.
   */
  forEachNear(lat: number, lon: number, visit: (zone: CompiledZone) => void): void {
    if (this.scanLimit >= 0)
      throw new Error(
        "forEachNear needs strategy 'rtree': a hybrid index's tree holds only subjects past the scan limit",
      );
    this.querySpatial(lon, lat, undefined, visit);
  }

  /** Snapshot (minus stale entries) then delta: each live zone is in exactly one of them. */
  private querySpatial(
    lon: number,
    lat: number,
    subjectId: string | undefined,
    visit: (zone: CompiledZone) => void,
  ): void {
    this.snapshot?.queryPoint(lon, lat, subjectId, this.stale.size > 0 ? this.stale : undefined, visit);
    if (this.inDelta.size > 0) {
      const root = this.delta.root();
      if (rootContains(root, lon, lat)) queryPoint(root, lon, lat, subjectId, visit);
    }
  }

  /** The subject's exclusion zones, in order, as a fresh array. */
  private exclusionsOf(s: SubjectZones): CompiledZone[] {
    const out: CompiledZone[] = [];
    for (let k = s.at, end = s.at + s.count; k < end; k++) out.push(s.refs[k]!);
    return out;
  }

  /** Where exclusion zone `z` is in the subject's refs. */
  private positionOf(s: SubjectZones, z: CompiledZone): number {
    for (let k = s.at, end = s.at + s.count; k < end; k++) if (s.refs[k] === z) return k;
    throw new Error(`zone ${z.zoneId} is not in its subject's list`);
  }

  /** Give the subject's region back, if it has one. */
  private freeRegion(s: SubjectZones): void {
    if (s.boxes !== EMPTY_CHUNK) {
      this.boxSlab.free(s.boxes, s.at);
      s.boxes = EMPTY_CHUNK;
    }
    s.at = 0;
  }

  /**
   * Make `list` (fresh: the subject may keep it) the subject's exclusion zones: in a region with
   * their boxes if the subject is scanned, else as its own list.
   */
  private setExclusions(s: SubjectZones, list: CompiledZone[]): void {
    this.freeRegion(s);
    const n = list.length;
    s.count = n;
    if (n === 0) {
      s.refs = NO_REFS;
      return;
    }
    if (n > this.scanLimit) {
      s.refs = list;
      return;
    }
    const at = this.boxSlab.alloc(n); // the region just given back, when n did not change
    const refs = this.boxSlab.refs;
    const boxes = this.boxSlab.chunk;
    for (let i = 0; i < n; i++) {
      refs[at + i] = list[i];
      writeBox(boxes, at + i, list[i]!);
    }
    s.refs = refs;
    s.boxes = boxes;
    s.at = at;
  }

  /**
   * The position in the subject table of `z`'s subject's record, made if new; `z` shares the
   * record's subject id string, so a subject's zones keep one copy of it instead of one each
   * (zones decoded apart hold equal copies).
   */
  private recordAt(z: CompiledZone): number {
    const bySubject = this.bySubject;
    const at = bySubject.positionOf(z.subjectId);
    if (at < 0) return bySubject.set(new SubjectZones(z.subjectId));
    if (z instanceof PackedZone) z.shareSubjectId(bySubject.valueAt(at)!.subjectId);
    return at;
  }

  /** The build's first pass: count `z` in its subject's record. Returns the record's position. */
  private countInto(z: CompiledZone): number {
    const at = this.recordAt(z);
    const s = this.bySubject.valueAt(at)!;
    if (z.kind === 'exclusion') s.count++;
    else s.inclusions = withZone(s.inclusions, z);
    return at;
  }

  /**
   * The build's second pass: put exclusion zone `z` next in its subject's region (or own list),
   * which the subject's first zone opens at the size the first pass counted. `count` runs again
   * from 0 as the fill position, and ends where the first pass left it.
   */
  private place(s: SubjectZones, z: CompiledZone): void {
    if (s.refs === NO_REFS) {
      const n = s.count;
      if (n <= this.scanLimit) {
        s.at = this.boxSlab.alloc(n);
        s.refs = this.boxSlab.refs;
        s.boxes = this.boxSlab.chunk;
      } else {
        s.refs = new Array<CompiledZone | undefined>(n).fill(undefined);
      }
      s.count = 0;
    }
    const k = s.at + s.count++;
    s.refs[k] = z;
    if (s.boxes !== EMPTY_CHUNK) writeBox(s.boxes, k, z);
  }

  /**
   * Add `z` to its subject's zones, and to the tree when it is a tree zone; a subject that grows
   * past the scan limit brings all its exclusion zones in.
   */
  private linkSubject(z: CompiledZone): void {
    const s = this.bySubject.valueAt(this.recordAt(z))!;
    if (z.kind === 'exclusion') {
      const n = s.count;
      if (n > this.scanLimit && n > 0) {
        s.refs.push(z); // its own list: a big load stays linear
        s.count = n + 1;
      } else {
        const list = this.exclusionsOf(s);
        list.push(z);
        this.setExclusions(s, list);
      }
    } else s.inclusions = withZone(s.inclusions, z);
    if (!this.inTree(z, s)) return;
    if (z.kind === 'exclusion' && s.count === this.scanLimit + 1) {
      for (let k = 0; k < s.count; k++) this.treeAdd(s.refs[k]!); // just crossed the limit: z and the rest
    } else this.treeAdd(z);
  }

  /**
   * Take `z` out of its subject's zones, and out of the tree when it was a tree zone; a subject
   * that shrinks back to the scan limit takes its other exclusion zones out too.
   */
  private unlinkSubject(z: CompiledZone): void {
    const s = this.bySubject.get(z.subjectId)!;
    if (this.inTree(z, s)) {
      this.treeRemove(z);
      if (z.kind === 'exclusion' && s.count === this.scanLimit + 1) {
        for (let k = 0; k < s.count; k++) if (s.refs[k] !== z) this.treeRemove(s.refs[k]!);
      }
    }
    if (z.kind === 'exclusion') {
      const k = this.positionOf(s, z);
      const n = s.count;
      if (n - 1 > this.scanLimit) {
        s.refs.splice(k, 1); // its own list, and it stays past the limit
        s.count = n - 1;
      } else {
        const list = this.exclusionsOf(s);
        list.splice(k - s.at, 1);
        this.setExclusions(s, list);
      }
    } else {
      const at = s.inclusions.indexOf(z);
      if (at < 0) throw new Error(`zone ${z.zoneId} is not in its subject's list`);
      s.inclusions.splice(at, 1);
    }
    if (s.count === 0 && s.inclusions.length === 0) {
      s.count = -1;
      this.bySubject.delete(z.subjectId);
    }
  }
}
