/**
 * The simulator's own small geodesy, written apart from src/geo so the simulator stays an
 * independent oracle. Same sphere as GeoJSON tooling (turf): R = 6 371 008.8 m.
 *
 * Movement and zone shapes live in a local east/north frame in metres around a reference point
 * (equirectangular: x = Δlon·kx, y = Δlat·ky). That map is affine in (lon, lat), so a straight
 * leg in metres is a straight leg in degrees, and a polygon's inside is the same in both: the
 * ground truth of polygon entries is exact, not an approximation of one.
 */

export const EARTH_RADIUS_M = 6371008.8;
const DEG = Math.PI / 180;
export const METRES_PER_DEGREE_LAT = EARTH_RADIUS_M * DEG;

export interface LatLon {
  readonly lat: number;
  readonly lon: number;
}

/** A local east/north frame in metres around (lat0, lon0). */
export interface Frame {
  readonly lat0: number;
  readonly lon0: number;
  /** metres per degree of longitude at lat0 */
  readonly kx: number;
  /** metres per degree of latitude */
  readonly ky: number;
}

export function frameAt(lat0: number, lon0: number): Frame {
  return { lat0, lon0, kx: METRES_PER_DEGREE_LAT * Math.cos(lat0 * DEG), ky: METRES_PER_DEGREE_LAT };
}

export function toLatLon(f: Frame, x: number, y: number): LatLon {
  return { lat: f.lat0 + y / f.ky, lon: f.lon0 + x / f.kx };
}

export function toX(f: Frame, lon: number): number {
  return (lon - f.lon0) * f.kx;
}

export function toY(f: Frame, lat: number): number {
  return (lat - f.lat0) * f.ky;
}

/** The point `east` and `north` metres from `p` (equirectangular; accurate to cm within ~10 km). */
export function offset(p: LatLon, east: number, north: number): LatLon {
  return {
    lat: p.lat + north / METRES_PER_DEGREE_LAT,
    lon: p.lon + east / (METRES_PER_DEGREE_LAT * Math.cos(p.lat * DEG)),
  };
}

/** Great-circle distance in metres. */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const s1 = Math.sin((lat2 - lat1) * DEG * 0.5);
  const s2 = Math.sin((lon2 - lon1) * DEG * 0.5);
  const a = s1 * s1 + Math.cos(lat1 * DEG) * Math.cos(lat2 * DEG) * s2 * s2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Distance in metres from point (px, py) to segment (ax, ay)-(bx, by), all in one frame. */
export function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

/** Even-odd ray cast: is (x, y) inside the ring (closed or not)? Points on an edge may go either way. */
export function insideRing(ring: ReadonlyArray<readonly [number, number]>, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
