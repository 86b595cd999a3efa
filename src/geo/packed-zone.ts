/**
 * The one class every CompiledZone is: ids and version as fields; the schedule and a polygon's
 * rings in one "cold" object, which every unscheduled circle shares; kind, shape, severity, the
 * haversine choice and the zone's place in its slab chunk as bits of one small integer; and every number
 * (validity window, warning ring, bboxes, projection, radius) as consecutive doubles in a shared
 * Float64Array slab, read through getters. A circle stores 6 doubles (its projected bbox is
 * ±radiusM, and its geographic bbox follows from centre and reach: circle-bounds.ts), 8 when it
 * has a validity window; a polygon 16; kx is METRES_PER_DEGREE x cos0 and ky a constant, so
 * neither is stored. An open validity window (no validFrom, no validTo: every zone the fleet
 * simulator makes, and the usual zone of a standing order) is stored as a bit, not two doubles.
 *
 * Why: V8 stores each double field of an object as its own boxed HeapNumber (8 B pointer plus a
 * 16 B box without pointer compression, Node's default build), so 17 number fields cost ~410 B a
 * zone; in a slab a circle's cost 48 B plus two fields. A Float64Array per zone would not do: its
 * ArrayBuffer and backing-store bookkeeping cost more than the boxes (measured: 400 vs 496 B per
 * object with 18 numbers, against 224 B with a slab). Every field of the object is another 8 B a
 * zone (pointers are 8 B: Node is built without pointer compression), hence the one integer and
 * the one cold field: 6 fields, 72 B.
 *
 * The getters are tiny and every zone has this class's one hidden class, so the per-fix readers
 * (signed-distance.ts, the candidate scan, zone-activity.ts) stay monomorphic and V8 inlines the
 * loads.
 *
 * Slabs are chunks of SLAB_ZONES zones. A chunk lives while any zone in it lives, so zones
 * compiled and dropped (superseded versions replayed at start-up, live edits) leave dead slots in
 * chunks kept alive by their neighbours. repackZones() copies a set of zones into fresh chunks,
 * in order; ZoneIndex calls it on every compaction, so the dead slots held are bounded by the
 * index's delta (at most a quarter of the snapshot by default), and the zones a subject scans lie
 * next to each other.
 */
import type { Zone } from '../contract/index.js';
import { circleMaxLat, circleMaxLon, circleMinLat, circleMinLon } from './circle-bounds.js';
import type { CompiledZone, ZoneShape } from './compiled-zone.js';
import { METRES_PER_DEGREE } from './projection.js';

/** Doubles per polygon zone in a slab. */
export const ZONE_STRIDE = 16;
/**
 * Doubles per circle zone with a validity window: a circle's bboxes follow from its centre and
 * reach, so it stores none of the last eight slots.
 */
export const CIRCLE_STRIDE = 8;
/** Doubles per circle zone without a validity window: not the two window slots either. */
export const OPEN_CIRCLE_STRIDE = 6;
/** Zones per slab chunk: 128 x 16 x 8 B = 16 KB for polygons, 6-8 KB for circles. */
const SLAB_ZONES = 128;

// Slot offsets within a zone's stride. kx is not stored: it is METRES_PER_DEGREE x cos0, the
// same product projection.ts computes, so it reads back bit-identical.
const WARNING_M = 0;
const LAT0 = 1;
const LON0 = 2;
const COS0 = 3;
const TAN0 = 4;
const RADIUS_M = 5;
// Zones with a validity window (always stored for polygons):
const VALID_FROM = 6;
const VALID_TO = 7;
// Polygons only:
const MIN_LON = 8;
const MIN_LAT = 9;
const MAX_LON = 10;
const MAX_LAT = 11;
const P_MIN_X = 12;
const P_MIN_Y = 13;
const P_MAX_X = 14;
const P_MAX_Y = 15;

// Kind, shape, the haversine choice and severity, in the low bits of one small integer; the
// zone's first index in its slab chunk (below SLAB_ZONES x ZONE_STRIDE = 2048) above them.
const INCLUSION = 1;
const POLYGON = 2;
const HAVERSINE = 4;
const SEVERITY_SHIFT = 3;
const SEVERITY_BITS = 3;
/** The window slots are stored (a polygon, or a circle with validFrom or validTo). */
const WINDOW = 32;
const BASE_SHIFT = 6;
const FLAG_MASK = (1 << BASE_SHIFT) - 1;
const SEVERITIES = ['P1', 'P2', 'P3'] as const;

/** The numbers of a zone, as compiled-zone.ts computes them. */
export interface ZoneNumbers {
  warningM: number;
  validFrom: number;
  validTo: number;
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
  lat0: number;
  lon0: number;
  kx: number;
  cos0: number;
  tan0: number;
  radiusM: number;
  pMinX: number;
  pMinY: number;
  pMaxX: number;
  pMaxY: number;
}

/**
 * What most zones lack: a polygon's rings (see compiled-zone.ts) and a schedule. Every circle
 * without a schedule shares NO_COLD.
 */
interface Cold {
  readonly coords: Float64Array;
  readonly ringEnds: Int32Array;
  readonly polygonEnds: Int32Array;
  readonly schedule: Zone['schedule'];
}

const NO_RING_COORDS = new Float64Array(0);
const NO_RING_ENDS = new Int32Array(0);

const NO_COLD: Cold = Object.freeze({
  coords: NO_RING_COORDS,
  ringEnds: NO_RING_ENDS,
  polygonEnds: NO_RING_ENDS,
  schedule: undefined,
});

/**
 * Hands out slots of one stride, SLAB_ZONES to a chunk. The compiler's cursors run unbounded;
 * a repack's are told how many zones are left, so its last chunk is no larger than it needs.
 */
class SlabCursor {
  /** The chunk the last slot handed out lies in. */
  chunk = new Float64Array(0);
  private used = SLAB_ZONES;
  constructor(
    private readonly stride: number,
    private left = Number.POSITIVE_INFINITY,
  ) {}
  /** The next slot's first index in `chunk`, opening a fresh chunk when the current one is full. */
  next(): number {
    if (this.used === SLAB_ZONES) {
      this.chunk = new Float64Array(Math.min(SLAB_ZONES, this.left) * this.stride);
      this.used = 0;
    }
    this.left--;
    return this.stride * this.used++;
  }
}

/**
 * The slab layouts, each filling chunks of its own, by layoutOf: a circle without a window, a
 * circle with one, a polygon.
 */
const STRIDES = [OPEN_CIRCLE_STRIDE, CIRCLE_STRIDE, ZONE_STRIDE] as const;

function layoutOf(bits: number): number {
  return (bits & POLYGON) !== 0 ? 2 : (bits & WINDOW) !== 0 ? 1 : 0;
}

/** The compiler's cursors, one a layout. */
const CURSORS = STRIDES.map((stride) => new SlabCursor(stride));

export class PackedZone implements CompiledZone {
  readonly zoneId: string;
  readonly subjectId: string;
  /**
   * INCLUSION | POLYGON | HAVERSINE | severity index << SEVERITY_SHIFT | WINDOW | base <<
   * BASE_SHIFT.
   */
  private bits: number;
  readonly version: number | undefined;
  private readonly cold: Cold;
  /** The slab chunk holding this zone's numbers (from `base`, in `bits`). */
  private slab: Float64Array;

  constructor(
    zoneId: string,
    subjectId: string,
    kind: 'exclusion' | 'inclusion',
    severity: 'P1' | 'P2' | 'P3',
    version: number | undefined,
    schedule: Zone['schedule'],
    shape: ZoneShape,
    haversine: boolean,
    coords: Float64Array,
    ringEnds: Int32Array,
    polygonEnds: Int32Array,
    n: ZoneNumbers,
  ) {
    const polygon = shape === 'polygon';
    // What is derived instead of stored must be what the compiler computed.
    if (n.kx !== METRES_PER_DEGREE * n.cos0) throw new Error(`zone ${zoneId}: kx is not derived from cos0`);
    if (
      !polygon &&
      (n.pMinX !== -n.radiusM || n.pMinY !== -n.radiusM || n.pMaxX !== n.radiusM || n.pMaxY !== n.radiusM)
    )
      throw new Error(`zone ${zoneId}: a circle's projected bbox is not ±radiusM`);
    this.zoneId = zoneId;
    this.subjectId = subjectId;
    const window =
      polygon || n.validFrom !== Number.NEGATIVE_INFINITY || n.validTo !== Number.POSITIVE_INFINITY;
    const flags =
      (kind === 'inclusion' ? INCLUSION : 0) |
      (polygon ? POLYGON : 0) |
      (haversine ? HAVERSINE : 0) |
      (SEVERITIES.indexOf(severity) << SEVERITY_SHIFT) |
      (window ? WINDOW : 0);
    const pool = CURSORS[layoutOf(flags)]!;
    const base = pool.next();
    const s = pool.chunk;
    this.bits = flags | (base << BASE_SHIFT);
    this.version = version;
    this.cold = polygon
      ? { coords, ringEnds, polygonEnds, schedule }
      : schedule === undefined
        ? NO_COLD
        : { ...NO_COLD, schedule };
    this.slab = s;
    s[base + WARNING_M] = n.warningM;
    if (window) {
      s[base + VALID_FROM] = n.validFrom;
      s[base + VALID_TO] = n.validTo;
    }
    s[base + LAT0] = n.lat0;
    s[base + LON0] = n.lon0;
    s[base + COS0] = n.cos0;
    s[base + TAN0] = n.tan0;
    s[base + RADIUS_M] = n.radiusM;
    if (polygon) {
      s[base + MIN_LON] = n.minLon;
      s[base + MIN_LAT] = n.minLat;
      s[base + MAX_LON] = n.maxLon;
      s[base + MAX_LAT] = n.maxLat;
      s[base + P_MIN_X] = n.pMinX;
      s[base + P_MIN_Y] = n.pMinY;
      s[base + P_MAX_X] = n.pMaxX;
      s[base + P_MAX_Y] = n.pMaxY;
    } else if (
      this.minLon !== n.minLon ||
      this.minLat !== n.minLat ||
      this.maxLon !== n.maxLon ||
      this.maxLat !== n.maxLat
    ) {
      throw new Error(`zone ${zoneId}: a circle's bbox is not the one its centre and reach give`);
    }
  }

  /** Where this zone's numbers start in its slab chunk. */
  private get base(): number {
    return this.bits >>> BASE_SHIFT;
  }
  get kind(): 'exclusion' | 'inclusion' {
    return (this.bits & INCLUSION) !== 0 ? 'inclusion' : 'exclusion';
  }
  get shape(): ZoneShape {
    return (this.bits & POLYGON) !== 0 ? 'polygon' : 'circle';
  }
  get haversine(): boolean {
    return (this.bits & HAVERSINE) !== 0;
  }
  get severity(): 'P1' | 'P2' | 'P3' {
    return SEVERITIES[(this.bits >> SEVERITY_SHIFT) & SEVERITY_BITS]!;
  }
  get schedule(): Zone['schedule'] {
    return this.cold.schedule;
  }
  get coords(): Float64Array {
    return this.cold.coords;
  }
  get ringEnds(): Int32Array {
    return this.cold.ringEnds;
  }
  get polygonEnds(): Int32Array {
    return this.cold.polygonEnds;
  }

  get warningM(): number {
    return this.slab[this.base + WARNING_M]!;
  }
  get validFrom(): number {
    return (this.bits & WINDOW) !== 0 ? this.slab[this.base + VALID_FROM]! : Number.NEGATIVE_INFINITY;
  }
  get validTo(): number {
    return (this.bits & WINDOW) !== 0 ? this.slab[this.base + VALID_TO]! : Number.POSITIVE_INFINITY;
  }
  // A circle's bbox is computed from its centre and reach, as the compiler computed it (the
  // constructor checked they agree). Read off the per-fix path: box regions, trees, edits.
  get minLon(): number {
    return (this.bits & POLYGON) !== 0
      ? this.slab[this.base + MIN_LON]!
      : circleMinLon(this.lat0, this.lon0, this.reachM);
  }
  get minLat(): number {
    return (this.bits & POLYGON) !== 0
      ? this.slab[this.base + MIN_LAT]!
      : circleMinLat(this.lat0, this.reachM);
  }
  get maxLon(): number {
    return (this.bits & POLYGON) !== 0
      ? this.slab[this.base + MAX_LON]!
      : circleMaxLon(this.lat0, this.lon0, this.reachM);
  }
  get maxLat(): number {
    return (this.bits & POLYGON) !== 0
      ? this.slab[this.base + MAX_LAT]!
      : circleMaxLat(this.lat0, this.reachM);
  }
  /** A circle's radius plus warning ring, as the compiler summed them. */
  private get reachM(): number {
    return this.radiusM + this.warningM;
  }
  get lat0(): number {
    return this.slab[this.base + LAT0]!;
  }
  get lon0(): number {
    return this.slab[this.base + LON0]!;
  }
  get kx(): number {
    return METRES_PER_DEGREE * this.slab[this.base + COS0]!;
  }
  /** The same for every zone (metres per degree of latitude): not stored. */
  get ky(): number {
    return METRES_PER_DEGREE;
  }
  get cos0(): number {
    return this.slab[this.base + COS0]!;
  }
  get tan0(): number {
    return this.slab[this.base + TAN0]!;
  }
  get radiusM(): number {
    return this.slab[this.base + RADIUS_M]!;
  }
  get pMinX(): number {
    return (this.bits & POLYGON) !== 0 ? this.slab[this.base + P_MIN_X]! : -this.radiusM;
  }
  get pMinY(): number {
    return (this.bits & POLYGON) !== 0 ? this.slab[this.base + P_MIN_Y]! : -this.radiusM;
  }
  get pMaxX(): number {
    return (this.bits & POLYGON) !== 0 ? this.slab[this.base + P_MAX_X]! : this.radiusM;
  }
  get pMaxY(): number {
    return (this.bits & POLYGON) !== 0 ? this.slab[this.base + P_MAX_Y]! : this.radiusM;
  }

  /**
   * Share `subjectId`, an equal string the index already holds, so a subject's zones keep one
   * copy of it instead of one each (ZoneIndex does this as it links a zone).
   */
  shareSubjectId(subjectId: string): void {
    if (subjectId !== this.subjectId) throw new Error(`zone ${this.zoneId}: not its subject id`);
    (this as { subjectId: string }).subjectId = subjectId;
  }

  /**
   * What JSON.stringify (and so a logger) sees: ids and kind only. The slab holds other zones'
   * positions too, and a zone's position is a victim's address: it must never reach a log line.
   */
  toJSON(): { zoneId: string; subjectId: string; kind: string; shape: ZoneShape; version?: number } {
    const out: { zoneId: string; subjectId: string; kind: string; shape: ZoneShape; version?: number } = {
      zoneId: this.zoneId,
      subjectId: this.subjectId,
      kind: this.kind,
      shape: this.shape,
    };
    if (this.version !== undefined) out.version = this.version;
    return out;
  }

  /** Doubles this zone takes in its slab. */
  get stride(): number {
    return STRIDES[this.layout]!;
  }

  /** Which of STRIDES this zone's slab layout is (repackZones only). */
  get layout(): number {
    return layoutOf(this.bits);
  }

  /** The chunk holding this zone's numbers (repackZones only). */
  slabOf(): Float64Array {
    return this.slab;
  }

  /** Move this zone's numbers to `slab` at `base` (repackZones only). */
  moveTo(slab: Float64Array, base: number): void {
    const from = this.slab;
    const at = this.base;
    const n = this.stride;
    for (let i = 0; i < n; i++) slab[base + i] = from[at + i]!;
    this.slab = slab;
    this.bits = (this.bits & FLAG_MASK) | (base << BASE_SHIFT);
  }
}

/**
 * True when `zones` (in order) change chunk at most 1.25 times per chunk's worth of zones: then
 * they span at most that many chunks, so at most a fifth of the slots those chunks hold are
 * dead, and copying would buy little. Zones compiled in order and loaded once (start-up from a
 * compacted topic) pass, and repacking them would cost a tenth of the index build at 1M zones.
 */
function packedDensely(zones: readonly CompiledZone[]): boolean {
  // Two more per layout: each layout's first chunk, and its last, may be partly other zones'.
  const allowed = Math.ceil((zones.length / SLAB_ZONES) * 1.25) + 2 * STRIDES.length;
  let changes = 0;
  // Follow each layout's chunks apart.
  const last: (Float64Array | undefined)[] = [undefined, undefined, undefined];
  for (let i = 0; i < zones.length; i++) {
    const z = zones[i];
    if (!(z instanceof PackedZone)) continue;
    const slab = z.slabOf();
    const k = z.layout;
    if (slab === last[k]) continue;
    last[k] = slab;
    if (++changes > allowed) return false;
  }
  return true;
}

/**
 * Copy the numbers of `zones` into fresh chunks, in order, so the chunks holding only dead slots
 * can be collected. Values are unchanged: readers see no difference. Zones built elsewhere (not
 * PackedZone) are left alone.
 */
export function repackZones(zones: readonly CompiledZone[]): void {
  if (packedDensely(zones)) return;
  const counts = [0, 0, 0];
  for (const z of zones) {
    if (z instanceof PackedZone) counts[z.layout]!++;
  }
  const cursors = STRIDES.map((stride, k) => new SlabCursor(stride, counts[k]!));
  for (let i = 0; i < zones.length; i++) {
    const z = zones[i];
    if (!(z instanceof PackedZone)) continue;
    const cursor = cursors[z.layout]!;
    const base = cursor.next();
    z.moveTo(cursor.chunk, base);
  }
}
