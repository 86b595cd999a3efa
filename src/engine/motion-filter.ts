/**
 * Speed outliers. A fix implying an impossible speed from the tag's last accepted fix (GPS
 * multipath, a spoofed burst) is set aside; a genuine relocation is accepted once a later fix
 * agrees with it (see apply-ping.ts).
 *
 * The distance is equirectangular at the mean latitude: this filter only needs "far faster than
 * a car", not the zone test's precision, and it costs a few multiplications. Both accuracy
 * radii are subtracted first, so two sloppy fixes of a standing tag never look like movement.
 */
import type { EvidenceFix } from './tag-state.js';

const METRES_PER_DEGREE = 111_195; // mean Earth radius 6371.0088 km * pi / 180
const RAD = Math.PI / 180;

/** Cheap ground distance in metres (good to ~0.5% within a few hundred km). */
export function roughDistanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  let dLon = Math.abs(lon2 - lon1);
  if (dLon > 180) dLon = 360 - dLon; // across the antimeridian
  const x = dLon * Math.cos((lat1 + lat2) * 0.5 * RAD);
  const y = lat2 - lat1;
  return Math.sqrt(x * x + y * y) * METRES_PER_DEGREE;
}

/**
 * Could the tag have moved from `ref` to (lat, lon) by `ts` at no more than maxSpeedMps?
 * The time is floored at one second so two fixes a few ms apart are judged on distance alone.
 */
export function consistentWith(
  ref: EvidenceFix,
  ts: number,
  lat: number,
  lon: number,
  accuracyM: number,
  maxSpeedMps: number,
): boolean {
  const effective = roughDistanceM(ref.lat, ref.lon, lat, lon) - ref.accuracyM - accuracyM;
  if (effective <= 0) return true;
  const seconds = Math.max(Math.abs(ts - ref.ts) / 1000, 1);
  return effective / seconds <= maxSpeedMps;
}
