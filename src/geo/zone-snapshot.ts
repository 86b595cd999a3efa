/**
 * A static, packed R-tree (flatbush) over a fixed set of compiled zones: the "static" half of
 * ZoneIndex's static-plus-delta spatial index. flatbush builds 5-7x faster than rbush.load and
 * queries 1.5-2x faster from 100k boxes up (docs: /work/shared/notes/hot-path.md), but cannot
 * change after finish(); zones edited since the build live in ZoneIndex's rbush delta and its set
 * of removed ids.
 *
 * The point query walks flatbush's packed arrays itself with a reused Int32Array stack, because
 * flatbush.search() allocates a queue and a result array per call. It relies on flatbush 4's
 * layout (boxes [minX, minY, maxX, maxY] per node, leaves first then each level up to the root;
 * `_indices[i]` an item number for a leaf and a box position for an inner node; `_levelBounds`
 * the end of each level), pinned by the package version and checked by test/geo/zone-snapshot.test.ts.
 */
import Flatbush from 'flatbush';
import type { CompiledZone } from './compiled-zone.js';

/** flatbush's default; 16 fits four boxes per 64-byte line pair and measured best here. */
export const SNAPSHOT_NODE_SIZE = 16;

interface FlatbushLayout {
  _boxes: Float64Array;
  _indices: Uint16Array | Uint32Array;
  _levelBounds: number[];
}

export class ZoneSnapshot {
  /** items[i] is the zone flatbush numbered i. */
  readonly items: readonly CompiledZone[];
  private readonly boxes: Float64Array;
  private readonly indices: Uint16Array | Uint32Array;
  private readonly levelBounds: readonly number[];
  private readonly leafEnd: number;
  private readonly nodeSize: number;
  /** DFS stack of box positions; depth x nodeSize bounds its size. */
  private readonly stack: Int32Array;
  private busy = false;
  /** Root bbox, for the early out. */
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;

  private constructor(items: readonly CompiledZone[], fb: Flatbush, nodeSize: number) {
    this.items = items;
    const layout = fb as unknown as FlatbushLayout;
    this.boxes = layout._boxes;
    this.indices = layout._indices;
    this.levelBounds = layout._levelBounds;
    this.leafEnd = items.length * 4;
    this.nodeSize = nodeSize;
    this.stack = new Int32Array((this.levelBounds.length + 1) * nodeSize);
    this.minX = fb.minX;
    this.minY = fb.minY;
    this.maxX = fb.maxX;
    this.maxY = fb.maxY;
  }

  /** Pack `zones` (their warning-grown bboxes). Undefined for no zones (flatbush needs one). */
  static build(zones: readonly CompiledZone[], nodeSize = SNAPSHOT_NODE_SIZE): ZoneSnapshot | undefined {
    if (zones.length === 0) return undefined;
    const fb = new Flatbush(zones.length, nodeSize);
    for (let i = 0; i < zones.length; i++) {
      const z = zones[i]!;
      fb.add(z.minLon, z.minLat, z.maxLon, z.maxLat);
    }
    fb.finish();
    return new ZoneSnapshot(zones, fb, nodeSize);
  }

  get size(): number {
    return this.items.length;
  }

  /**
   * Visit every zone whose box contains (lon, lat), except those whose id is in `removed` (when
   * given) and, when `subjectId` is given, all but that subject's exclusion zones. No allocation,
   * unless `visit` itself queries this snapshot (the nested query then gets its own stack).
   */
  queryPoint(
    lon: number,
    lat: number,
    subjectId: string | undefined,
    removed: ReadonlySet<string> | undefined,
    visit: (zone: CompiledZone) => void,
  ): void {
    if (lon < this.minX || lon > this.maxX || lat < this.minY || lat > this.maxY) return;
    const nested = this.busy;
    const stack = nested ? new Int32Array(this.stack.length) : this.stack;
    this.busy = true;
    try {
      this.walk(lon, lat, subjectId, removed, visit, stack);
    } finally {
      this.busy = nested;
    }
  }

  private walk(
    lon: number,
    lat: number,
    subjectId: string | undefined,
    removed: ReadonlySet<string> | undefined,
    visit: (zone: CompiledZone) => void,
    stack: Int32Array,
  ): void {
    const boxes = this.boxes;
    const indices = this.indices;
    const levelBounds = this.levelBounds;
    const leafEnd = this.leafEnd;
    const step = this.nodeSize * 4;
    const items = this.items;
    let sp = 0;
    let node = boxes.length - 4;
    for (;;) {
      // The node's children run from `node` to the end of its group or of its level.
      let levelEnd = 0;
      for (let l = 0; l < levelBounds.length; l++) {
        if (levelBounds[l]! > node) {
          levelEnd = levelBounds[l]!;
          break;
        }
      }
      const end = Math.min(node + step, levelEnd);
      const leaf = node < leafEnd;
      for (let pos = node; pos < end; pos += 4) {
        if (lon < boxes[pos]! || lat < boxes[pos + 1]! || lon > boxes[pos + 2]! || lat > boxes[pos + 3]!)
          continue;
        const index = indices[pos >> 2]!;
        if (!leaf) {
          stack[sp++] = index;
          continue;
        }
        const z = items[index]!;
        if (subjectId !== undefined && (z.kind !== 'exclusion' || z.subjectId !== subjectId)) continue;
        if (removed?.has(z.zoneId)) continue;
        visit(z);
      }
      if (sp === 0) return;
      node = stack[--sp]!;
    }
  }
}
