/**
 * A zone compiled once, at the edge, into the flat projected form the per-fix path reads.
 *
 * Polygons: every ring's vertices in metres around the zone's bbox centre, interleaved in one
 * Float64Array [x0, y0, x1, y1, ...] without the closing position. `ringEnds[r]` is the index in
 * `coords` just past ring r; `polygonEnds[p]` is the ring index just past polygon p. Circles:
 * the centre is the projection origin and only `radiusM` matters.
 *
 * Every zone is a PackedZone (packed-zone.ts): one class, so the property loads in
 * signedDistanceM stay monomorphic, with its numbers in a shared Float64Array slab instead of
 * one boxed double per field. It keeps only what the engine reads of the source message: the
 * schedule, not the whole validated Zone (its geometry alone is hundreds of bytes a zone).
 */
import { defaultSeverity, type Zone } from '../contract/index.js';
import { circleMaxLat, circleMaxLon, circleMinLat, circleMinLon } from './circle-bounds.js';
import { PackedZone } from './packed-zone.js';
import {
  type LocalProjection,
  localProjection,
  metresToLatDegreesAtLeast,
  metresToLonDegreesAtLeast,
} from './projection.js';
import { ZONE_COMPILE_ERROR_CODES as CODES, ZoneCompileError } from './zone-compile-error.js';

/**
 * Circles this small (radius plus warning ring) use the flat-earth formula at the mid latitude,
 * which stays within 1 cm of haversine out to ~10 km from the centre at 70°N (measured: 8.6 mm);
 * larger ones use haversine, so a point 100 m from the edge of a 1000 km circle is still measured
 * to the centimetre.
 */
export const FLAT_CIRCLE_LIMIT_M = 5_000;

export type ZoneShape = 'circle' | 'polygon';

export interface CompiledZone extends LocalProjection {
  /** The source zone's schedule (undefined = always in force, within the validity window). */
  readonly schedule: Zone['schedule'];
  readonly zoneId: string;
  readonly subjectId: string;
  readonly kind: 'exclusion' | 'inclusion';
  readonly severity: 'P1' | 'P2' | 'P3';
  /** Approach-ring width; 0 when absent and always 0 for inclusion zones. */
  readonly warningM: number;
  readonly version: number | undefined;
  /** -Infinity when absent. */
  readonly validFrom: number;
  /** +Infinity when absent. */
  readonly validTo: number;
  /** Bounding box in degrees grown (conservatively) by warningM: what the R-tree stores. */
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;

  readonly shape: ZoneShape;
  /** Circle radius in metres; 0 for polygons. */
  readonly radiusM: number;
  /** Circle only: measure with haversine instead of the flat formula (large circles). */
  readonly haversine: boolean;
  /** Polygon rings, interleaved projected metres; empty for circles. */
  readonly coords: Float64Array;
  readonly ringEnds: Int32Array;
  readonly polygonEnds: Int32Array;
  /** Projected bbox of the rings (not grown), for the point-in-polygon early-out. */
  readonly pMinX: number;
  readonly pMinY: number;
  readonly pMaxX: number;
  readonly pMaxY: number;
}

const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

/** Compile a validated zone. Throws ZoneCompileError for geometry zod cannot judge. */
export function compileZone(zone: Zone): CompiledZone {
  const warningM = zone.kind === 'exclusion' ? (zone.warningM ?? 0) : 0;
  if (!Number.isFinite(warningM) || warningM < 0) {
    throw new ZoneCompileError(CODES.nonFinite, 'warningM', 'must be a finite number >= 0');
  }
  const g = zone.geometry;
  switch (g.type) {
    case 'Point':
      return compileCircle(zone, g.coordinates, warningM);
    case 'Polygon':
      return compilePolygons(zone, [g.coordinates], 'geometry.coordinates', false, warningM);
    case 'MultiPolygon':
      return compilePolygons(zone, g.coordinates, 'geometry.coordinates', true, warningM);
    default: {
      const unreachable: never = g;
      throw new Error(`unsupported geometry ${(unreachable as { type: string }).type}`);
    }
  }
}

function compileCircle(zone: Zone, centre: number[], warningM: number): CompiledZone {
  const r = zone.radiusM;
  if (r === undefined || !Number.isFinite(r) || r <= 0) {
    throw new ZoneCompileError(CODES.missingRadius, 'radiusM', 'a Point zone needs a finite radiusM > 0');
  }
  const lon = centre[0]!;
  const lat = centre[1]!;
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
    throw new ZoneCompileError(CODES.nonFinite, 'geometry.coordinates', 'must be finite numbers');
  }
  const reach = r + warningM;
  const proj = localProjection(lat, lon);
  return makeCompiledZone(
    zone,
    warningM,
    proj,
    'circle',
    r,
    reach > FLAT_CIRCLE_LIMIT_M,
    EMPTY_F64,
    EMPTY_I32,
    EMPTY_I32,
    {
      minLon: circleMinLon(lat, lon, reach),
      minLat: circleMinLat(lat, reach),
      maxLon: circleMaxLon(lat, lon, reach),
      maxLat: circleMaxLat(lat, reach),
      pMinX: -r,
      pMinY: -r,
      pMaxX: r,
      pMaxY: r,
    },
  );
}

/**
 * Projected positions of the polygon being compiled. Reused: a fresh buffer per polygon was one
 * more off-heap allocation for the collector to track, per zone, while loading a million.
 */
let scratch = new Float64Array(4096);
/** The scratch buffer grows to at most this many doubles (512 KB); a bigger polygon gets its own. */
const SCRATCH_MAX = 65_536;

function compilePolygons(
  zone: Zone,
  polygons: number[][][][],
  field: string,
  multi: boolean,
  warningM: number,
): CompiledZone {
  // Pass 1: degree bbox (its centre is the origin) and vertex count.
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  let positions = 0;
  let rings = 0;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      rings++;
      for (const pos of ring) {
        const lon = pos[0]!;
        const lat = pos[1]!;
        if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
          throw new ZoneCompileError(CODES.nonFinite, field, 'positions must be finite numbers');
        }
        if (lon < minLon) minLon = lon;
        if (lon > maxLon) maxLon = lon;
        if (lat < minLat) minLat = lat;
        if (lat > maxLat) maxLat = lat;
        positions++;
      }
    }
  }
  const proj = localProjection((minLat + maxLat) / 2, (minLon + maxLon) / 2);
  const { lat0, lon0, kx, ky } = proj;

  // Pass 2: project each ring, dropping the closing position and consecutive repeats, into the
  // scratch buffer; the zone keeps an exact-size copy.
  const need = positions * 2;
  if (need > scratch.length && need <= SCRATCH_MAX) {
    scratch = new Float64Array(Math.min(SCRATCH_MAX, Math.max(need, scratch.length * 2)));
  }
  const buf = need <= scratch.length ? scratch : new Float64Array(need);
  const ringEnds = new Int32Array(rings);
  const polygonEnds = new Int32Array(polygons.length);
  let n = 0;
  let r = 0;
  for (let p = 0; p < polygons.length; p++) {
    const polygon = polygons[p]!;
    for (let k = 0; k < polygon.length; k++) {
      const ring = polygon[k]!;
      const ringField = multi ? `${field}[${p}][${k}]` : `${field}[${k}]`;
      const start = n;
      for (const pos of ring) {
        const x = (pos[0]! - lon0) * kx;
        const y = (pos[1]! - lat0) * ky;
        if (n > start && buf[n - 2] === x && buf[n - 1] === y) continue;
        buf[n++] = x;
        buf[n++] = y;
      }
      while (n - start > 2 && buf[n - 2] === buf[start] && buf[n - 1] === buf[start + 1]) n -= 2;
      if ((n - start) / 2 < 3) {
        throw new ZoneCompileError(
          CODES.ringTooFewPositions,
          ringField,
          'a ring needs at least 3 distinct positions',
        );
      }
      assertRingHasArea(buf, start, n, ringField);
      ringEnds[r++] = n;
    }
    polygonEnds[p] = r;
  }
  const coords = buf.slice(0, n);

  let pMinX = Infinity;
  let pMinY = Infinity;
  let pMaxX = -Infinity;
  let pMaxY = -Infinity;
  for (let i = 0; i < n; i += 2) {
    const x = coords[i]!;
    const y = coords[i + 1]!;
    if (x < pMinX) pMinX = x;
    if (x > pMaxX) pMaxX = x;
    if (y < pMinY) pMinY = y;
    if (y > pMaxY) pMaxY = y;
  }

  const dLat = metresToLatDegreesAtLeast(warningM);
  const gMinLat = Math.max(-90, minLat - dLat);
  const gMaxLat = Math.min(90, maxLat + dLat);
  const dLon = warningM > 0 ? metresToLonDegreesAtLeast(warningM, gMinLat, gMaxLat) : 1e-9;
  return makeCompiledZone(zone, warningM, proj, 'polygon', 0, false, coords, ringEnds, polygonEnds, {
    minLon: Math.max(-180, minLon - dLon),
    minLat: gMinLat,
    maxLon: Math.min(180, maxLon + dLon),
    maxLat: gMaxLat,
    pMinX,
    pMinY,
    pMaxX,
    pMaxY,
  });
}

/**
 * Zero area = all positions collinear. The shoelace sum is compared with the ring's own extent so
 * rounding noise on a long thin (but real) ring is not mistaken for zero.
 */
function assertRingHasArea(buf: Float64Array, start: number, end: number, field: string): void {
  const x0 = buf[start]!;
  const y0 = buf[start + 1]!;
  let twiceArea = 0;
  let extent = 0;
  for (let i = start + 2; i + 2 < end; i += 2) {
    const ax = buf[i]! - x0;
    const ay = buf[i + 1]! - y0;
    const bx = buf[i + 2]! - x0;
    const by = buf[i + 3]! - y0;
    twiceArea += ax * by - bx * ay;
  }
  for (let i = start; i < end; i += 2) {
    extent = Math.max(extent, Math.abs(buf[i]! - x0), Math.abs(buf[i + 1]! - y0));
  }
  if (!(Math.abs(twiceArea) > 1e-9 * extent * extent)) {
    throw new ZoneCompileError(CODES.ringZeroArea, field, 'ring positions are collinear (zero area)');
  }
}

interface Boxes {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
  pMinX: number;
  pMinY: number;
  pMaxX: number;
  pMaxY: number;
}

function makeCompiledZone(
  zone: Zone,
  warningM: number,
  proj: LocalProjection,
  shape: ZoneShape,
  radiusM: number,
  haversine: boolean,
  coords: Float64Array,
  ringEnds: Int32Array,
  polygonEnds: Int32Array,
  b: Boxes,
): CompiledZone {
  return new PackedZone(
    zone.zoneId,
    zone.subjectId,
    zone.kind,
    defaultSeverity(zone),
    zone.version,
    zone.schedule,
    shape,
    haversine,
    coords,
    ringEnds,
    polygonEnds,
    {
      warningM,
      validFrom: zone.validFrom ?? Number.NEGATIVE_INFINITY,
      validTo: zone.validTo ?? Number.POSITIVE_INFINITY,
      minLon: b.minLon,
      minLat: b.minLat,
      maxLon: b.maxLon,
      maxLat: b.maxLat,
      lat0: proj.lat0,
      lon0: proj.lon0,
      kx: proj.kx,
      cos0: proj.cos0,
      tan0: proj.tan0,
      radiusM,
      pMinX: b.pMinX,
      pMinY: b.pMinY,
      pMaxX: b.pMaxX,
      pMaxY: b.pMaxY,
    },
  );
}
