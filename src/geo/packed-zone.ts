/**
 * The one class every CompiledZone is: strings, flags and typed arrays as fields, and every
 * number (validity window, warning ring, bboxes, projection, radius) as 17 consecutive doubles in
 * a shared Float64Array slab, read through getters.
 *
 * Why: V8 stores each double field of an object as its own boxed HeapNumber (8 B pointer plus a
 * 16 B box without pointer compression, Node's default build), so 17 number fields cost ~410 B a
 * zone; in a slab they cost 136 B plus two fields. A Float64Array per zone would not do: its
 * ArrayBuffer and backing-store bookkeeping cost more than the boxes (measured: 400 vs 496 B per
 * object with 18 numbers, against 224 B with a slab).
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
import type { CompiledZone, ZoneShape } from './compiled-zone.js';
import { METRES_PER_DEGREE } from './projection.js';

/** Doubles per zone in a slab. */
export const ZONE_STRIDE = 17;
/** Zones per slab chunk: 128 x 17 x 8 B = 17 KB. */
const SLAB_ZONES = 128;

// Slot offsets within a zone's stride.
const WARNING_M = 0;
const VALID_FROM = 1;
const VALID_TO = 2;
const MIN_LON = 3;
const MIN_LAT = 4;
const MAX_LON = 5;
const MAX_LAT = 6;
const LAT0 = 7;
const LON0 = 8;
const KX = 9;
const COS0 = 10;
const TAN0 = 11;
const RADIUS_M = 12;
const P_MIN_X = 13;
const P_MIN_Y = 14;
const P_MAX_X = 15;
const P_MAX_Y = 16;

/** The numbers of a zone, in the order `PackedZone` stores them. */
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

let chunk = new Float64Array(SLAB_ZONES * ZONE_STRIDE);
let used = 0;

function nextSlot(): number {
  if (used === SLAB_ZONES) {
    chunk = new Float64Array(SLAB_ZONES * ZONE_STRIDE);
    used = 0;
  }
  return ZONE_STRIDE * used++;
}

export class PackedZone implements CompiledZone {
  readonly zoneId: string;
  readonly subjectId: string;
  readonly kind: 'exclusion' | 'inclusion';
  readonly severity: 'P1' | 'P2' | 'P3';
  readonly version: number | undefined;
  readonly schedule: Zone['schedule'];
  readonly shape: ZoneShape;
  readonly haversine: boolean;
  readonly coords: Float64Array;
  readonly ringEnds: Int32Array;
  readonly polygonEnds: Int32Array;
  /** The slab chunk holding this zone's numbers, and where they start in it. */
  private slab: Float64Array;
  private base: number;

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
    this.zoneId = zoneId;
    this.subjectId = subjectId;
    this.kind = kind;
    this.severity = severity;
    this.version = version;
    this.schedule = schedule;
    this.shape = shape;
    this.haversine = haversine;
    this.coords = coords;
    this.ringEnds = ringEnds;
    this.polygonEnds = polygonEnds;
    const base = nextSlot();
    const s = chunk;
    this.slab = s;
    this.base = base;
    s[base + WARNING_M] = n.warningM;
    s[base + VALID_FROM] = n.validFrom;
    s[base + VALID_TO] = n.validTo;
    s[base + MIN_LON] = n.minLon;
    s[base + MIN_LAT] = n.minLat;
    s[base + MAX_LON] = n.maxLon;
    s[base + MAX_LAT] = n.maxLat;
    s[base + LAT0] = n.lat0;
    s[base + LON0] = n.lon0;
    s[base + KX] = n.kx;
    s[base + COS0] = n.cos0;
    s[base + TAN0] = n.tan0;
    s[base + RADIUS_M] = n.radiusM;
    s[base + P_MIN_X] = n.pMinX;
    s[base + P_MIN_Y] = n.pMinY;
    s[base + P_MAX_X] = n.pMaxX;
    s[base + P_MAX_Y] = n.pMaxY;
  }

  get warningM(): number {
    return this.slab[this.base + WARNING_M]!;
  }
  get validFrom(): number {
    return this.slab[this.base + VALID_FROM]!;
  }
  get validTo(): number {
    return this.slab[this.base + VALID_TO]!;
  }
  get minLon(): number {
    return this.slab[this.base + MIN_LON]!;
  }
  get minLat(): number {
    return this.slab[this.base + MIN_LAT]!;
  }
  get maxLon(): number {
    return this.slab[this.base + MAX_LON]!;
  }
  get maxLat(): number {
    return this.slab[this.base + MAX_LAT]!;
  }
  get lat0(): number {
    return this.slab[this.base + LAT0]!;
  }
  get lon0(): number {
    return this.slab[this.base + LON0]!;
  }
  get kx(): number {
    return this.slab[this.base + KX]!;
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
    return this.slab[this.base + P_MIN_X]!;
  }
  get pMinY(): number {
    return this.slab[this.base + P_MIN_Y]!;
  }
  get pMaxX(): number {
    return this.slab[this.base + P_MAX_X]!;
  }
  get pMaxY(): number {
    return this.slab[this.base + P_MAX_Y]!;
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

  /** The chunk holding this zone's numbers (repackZones only). */
  slabOf(): Float64Array {
    return this.slab;
  }

  /** Move this zone's numbers to `slab` at `base` (repackZones only). */
  moveTo(slab: Float64Array, base: number): void {
    const from = this.slab;
    const at = this.base;
    for (let i = 0; i < ZONE_STRIDE; i++) slab[base + i] = from[at + i]!;
    this.slab = slab;
    this.base = base;
  }
}

/**
 * True when `zones` (in order) change chunk at most 1.25 times per chunk's worth of zones: then
 * they span at most that many chunks, so at most a fifth of the slots those chunks hold are
 * dead, and copying would buy little. Zones compiled in order and loaded once (start-up from a
 * compacted topic) pass, and repacking them would cost a tenth of the index build at 1M zones.
 */
function packedDensely(zones: readonly CompiledZone[]): boolean {
  const allowed = Math.ceil((zones.length / SLAB_ZONES) * 1.25) + 1;
  let changes = 0;
  let last: Float64Array | undefined;
  for (let i = 0; i < zones.length; i++) {
    const z = zones[i];
    if (!(z instanceof PackedZone)) continue;
    const slab = z.slabOf();
    if (slab !== last) {
      last = slab;
      if (++changes > allowed) return false;
    }
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
  let slab = new Float64Array(0);
  let k = SLAB_ZONES;
  for (let i = 0; i < zones.length; i++) {
    const z = zones[i];
    if (!(z instanceof PackedZone)) continue;
    if (k === SLAB_ZONES) {
      slab = new Float64Array(Math.min(SLAB_ZONES, zones.length - i) * ZONE_STRIDE);
      k = 0;
    }
    z.moveTo(slab, ZONE_STRIDE * k++);
  }
}
