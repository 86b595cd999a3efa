/**
 * Local equirectangular projection, the one every compiled zone uses.
 *
 * x = (lon - lon0) * kx, y = (lat - lat0) * ky, in metres, with ky = R·π/180 and kx = ky·cos(lat0)
 * on a sphere of radius R = 6 371 008.8 m. That is turf's earthRadius, so turf is a consistent
 * oracle in the tests. Straight lines in (lon, lat) stay straight in (x, y), which is how GeoJSON
 * (RFC 7946) and turf's point-in-polygon read a ring's edges.
 *
 * One fixed kx is only right at lat0: over a zone spanning Δlat the east-west scale drifts by
 * ~tan(lat0)·Δlat (0.43% per 10 km at 70°N). So distance code multiplies x by xScale(), the ratio
 * cos(lat)/cos(lat0), evaluated per fix (and refined at the latitude midway to the nearest boundary
 * point). xScale uses a short series instead of Math.cos for the usual small Δlat: it is exact to
 * ~1e-11 and costs a few multiplications.
 */

/** Mean earth radius in metres; equal to turf's `earthRadius`. */
export const EARTH_RADIUS_M = 6371008.8;
export const DEG_TO_RAD = Math.PI / 180;
/** Metres per degree of latitude (and of longitude at the equator). */
export const METRES_PER_DEGREE = EARTH_RADIUS_M * DEG_TO_RAD;

/** Beyond ~290 km of latitude from the origin the series is no longer exact; fall back to cos(). */
const SERIES_LIMIT_RAD = 0.045;

/** What a zone keeps of its projection: origin and scales. */
export interface LocalProjection {
  readonly lat0: number;
  readonly lon0: number;
  /** Metres per degree of longitude at lat0. */
  readonly kx: number;
  /** Metres per degree of latitude. */
  readonly ky: number;
  readonly cos0: number;
  readonly tan0: number;
}

export function localProjection(lat0: number, lon0: number): LocalProjection {
  const phi = lat0 * DEG_TO_RAD;
  const cos0 = Math.cos(phi);
  return { lat0, lon0, kx: METRES_PER_DEGREE * cos0, ky: METRES_PER_DEGREE, cos0, tan0: Math.tan(phi) };
}

/**
 * cos(lat) / cos(lat0): the factor that turns x (metres at lat0) into metres at `lat`.
 * cos(lat0 + d) / cos(lat0) = cos d − tan(lat0)·sin d, expanded for small d.
 */
export function xScale(p: LocalProjection, lat: number): number {
  const d = (lat - p.lat0) * DEG_TO_RAD;
  if (d > SERIES_LIMIT_RAD || d < -SERIES_LIMIT_RAD) return Math.cos(lat * DEG_TO_RAD) / p.cos0;
  const d2 = d * d;
  const cosD = 1 - d2 * (0.5 - d2 * (1 / 24 - d2 / 720));
  const sinD = d * (1 - d2 * (1 / 6 - d2 * (1 / 120 - d2 / 5040)));
  return cosD - p.tan0 * sinD;
}

/** Great-circle distance in metres (haversine, same sphere as turf.distance). */
export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const sinDLat = Math.sin((lat2 - lat1) * DEG_TO_RAD * 0.5);
  const sinDLon = Math.sin((lon2 - lon1) * DEG_TO_RAD * 0.5);
  const a = sinDLat * sinDLat + Math.cos(lat1 * DEG_TO_RAD) * Math.cos(lat2 * DEG_TO_RAD) * sinDLon * sinDLon;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Degrees of longitude that are certainly wider than `metres` anywhere in [minLat, maxLat]:
 * measured at the extreme latitude (where a degree is shortest) and padded by 2%. Returns 360
 * when the band reaches a pole, so the box covers every longitude there.
 */
export function metresToLonDegreesAtLeast(metres: number, minLat: number, maxLat: number): number {
  const extreme = Math.max(Math.abs(minLat), Math.abs(maxLat));
  if (extreme >= 89.9) return 360;
  return (metres * 1.02) / (METRES_PER_DEGREE * Math.cos(extreme * DEG_TO_RAD)) + 1e-9;
}

/** Degrees of latitude certainly wider than `metres` (padded the same way). */
export function metresToLatDegreesAtLeast(metres: number): number {
  return (metres * 1.02) / METRES_PER_DEGREE + 1e-9;
}
