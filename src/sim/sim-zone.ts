/**
 * Zones as the simulator knows them: the contract message it publishes, plus the same shape in
 * metres (a frame at the zone's centre) for the ground truth. Built here, in metres, and then
 * turned into GeoJSON, so the published geometry and the truth's geometry are one object.
 */
import type { Zone } from '../contract/index.js';
import { type Frame, frameAt, haversineM, insideRing, type LatLon, toLatLon, toX, toY } from './geodesy.js';
import type { Rng } from './prng.js';

export type Ring = Array<[number, number]>;
/** One polygon in metres: outer ring first, then holes; rings are not closed here. */
export type PolygonM = Ring[];

export type SimShape = { type: 'circle'; radiusM: number } | { type: 'polygons'; polygons: PolygonM[] };

export interface SimZone {
  readonly zone: Zone;
  readonly centre: LatLon;
  readonly frame: Frame;
  readonly shape: SimShape;
  /** Farthest boundary point from the centre, metres. */
  readonly extentM: number;
  /** A point well inside the zone (not in a hole), metres in the zone frame. */
  readonly deepPoint: readonly [number, number];
}

/** Is the true position inside? Circle: great-circle distance <= radius (the boundary belongs to the zone). */
export function insideSimZone(z: SimZone, lat: number, lon: number): boolean {
  if (z.shape.type === 'circle') return haversineM(z.centre.lat, z.centre.lon, lat, lon) <= z.shape.radiusM;
  const x = toX(z.frame, lon);
  const y = toY(z.frame, lat);
  for (const poly of z.shape.polygons) {
    if (!insideRing(poly[0]!, x, y)) continue;
    let inHole = false;
    for (let h = 1; h < poly.length; h++) if (insideRing(poly[h]!, x, y)) inHole = true;
    if (!inHole) return true;
  }
  return false;
}

/** Star-shaped ring of `n` vertices around (cx, cy): radii in [rMin, rMax], angles jittered. */
function starRing(rng: Rng, cx: number, cy: number, n: number, rMin: number, rMax: number): Ring {
  const ring: Ring = [];
  const step = (2 * Math.PI) / n;
  const phase = rng.uniform(0, 2 * Math.PI);
  for (let i = 0; i < n; i++) {
    const a = phase + i * step + rng.uniform(-0.2, 0.2) * step;
    const r = rng.uniform(rMin, rMax);
    ring.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return ring;
}

function ringToGeoJson(f: Frame, ring: Ring, reverse: boolean): number[][] {
  const pts = ring.map(([x, y]) => {
    const p = toLatLon(f, x, y);
    // 7 decimals (~1 cm): published and truth coordinates must agree, so the ring in metres is
    // rebuilt from the rounded values below.
    return [round7(p.lon), round7(p.lat)];
  });
  if (reverse) pts.reverse();
  pts.push([pts[0]![0]!, pts[0]![1]!]);
  return pts;
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

export interface ZoneSpecInput {
  zoneId: string;
  subjectId: string;
  kind: 'exclusion' | 'inclusion';
  centre: LatLon;
  label: string;
  warningM?: number;
  schedule?: Zone['schedule'];
}

export function circleZone(input: ZoneSpecInput, radiusM: number): SimZone {
  const centre = { lat: round7(input.centre.lat), lon: round7(input.centre.lon) };
  const zone: Zone = {
    zoneId: input.zoneId,
    subjectId: input.subjectId,
    kind: input.kind,
    geometry: { type: 'Point', coordinates: [centre.lon, centre.lat] },
    radiusM: Math.round(radiusM),
    ...(input.warningM !== undefined ? { warningM: Math.round(input.warningM) } : {}),
    ...(input.schedule ? { schedule: input.schedule } : {}),
    label: input.label,
    version: 1,
  };
  return {
    zone,
    centre,
    frame: frameAt(centre.lat, centre.lon),
    shape: { type: 'circle', radiusM: zone.radiusM! },
    extentM: zone.radiusM!,
    deepPoint: [0, 0],
  };
}

/**
 * An irregular polygon of mean radius `radiusM`; with `hole`, a small hole off-centre (e.g. a
 * carved-out permitted site); with `multi`, a second small square part ~1 km away.
 */
export function polygonZone(
  rng: Rng,
  input: ZoneSpecInput,
  radiusM: number,
  hole: boolean,
  multi: boolean,
): SimZone {
  const centre = { lat: round7(input.centre.lat), lon: round7(input.centre.lon) };
  const frame = frameAt(centre.lat, centre.lon);
  // Vertices at >= 0.75 r with <= 45° (+-20%) steps keep every edge >= ~0.6 r from the centre,
  // so a hole within 0.45 r of the centre is always strictly inside the outer ring.
  const n = rng.int(8, 16);
  const outer = starRing(rng, 0, 0, n, 0.75 * radiusM, 1.2 * radiusM);
  const main: PolygonM = [outer];
  if (hole) {
    const a = rng.uniform(0, 2 * Math.PI);
    main.push(
      starRing(
        rng,
        0.3 * radiusM * Math.cos(a),
        0.3 * radiusM * Math.sin(a),
        6,
        0.1 * radiusM,
        0.15 * radiusM,
      ),
    );
  }
  const polygonsM: PolygonM[] = [main];
  if (multi) {
    const a = rng.uniform(0, 2 * Math.PI);
    const d = 1000 + 1.2 * radiusM;
    const s = rng.uniform(60, 150);
    const cx = d * Math.cos(a);
    const cy = d * Math.sin(a);
    polygonsM.push([
      [
        [cx - s, cy - s],
        [cx + s, cy - s],
        [cx + s, cy + s],
        [cx - s, cy + s],
      ],
    ]);
  }
  // RFC 7946: outer rings counter-clockwise, holes clockwise. starRing is counter-clockwise.
  const coords = polygonsM.map((poly) => poly.map((ring, i) => ringToGeoJson(frame, ring, i > 0)));
  const geometry: Zone['geometry'] =
    coords.length === 1
      ? { type: 'Polygon', coordinates: coords[0]! }
      : { type: 'MultiPolygon', coordinates: coords };
  // The truth uses the published (rounded) coordinates, back in metres.
  const truthPolygons: PolygonM[] = coords.map((poly) =>
    poly.map((ring) =>
      ring.slice(0, -1).map(([lon, lat]) => [toX(frame, lon!), toY(frame, lat!)] as [number, number]),
    ),
  );
  let extentM = 0;
  for (const poly of truthPolygons)
    for (const [x, y] of poly[0]!) extentM = Math.max(extentM, Math.hypot(x, y));
  const zone: Zone = {
    zoneId: input.zoneId,
    subjectId: input.subjectId,
    kind: input.kind,
    geometry,
    ...(input.warningM !== undefined ? { warningM: Math.round(input.warningM) } : {}),
    ...(input.schedule ? { schedule: input.schedule } : {}),
    label: input.label,
    version: 1,
  };
  return {
    zone,
    centre,
    frame,
    shape: { type: 'polygons', polygons: truthPolygons },
    extentM,
    deepPoint: [0, 0],
  };
}
