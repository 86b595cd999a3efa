/**
 * A circle zone's warning-grown bbox, from its centre and reach (radius plus warning ring): the
 * one definition both the compiler (compiled-zone.ts) and a circle's getters (packed-zone.ts)
 * use, so a circle need not store its bbox and still reads back the very numbers it was compiled
 * with. Generous by construction: see metresTo*DegreesAtLeast.
 */
import { metresToLatDegreesAtLeast, metresToLonDegreesAtLeast } from './projection.js';

export function circleMinLat(lat: number, reachM: number): number {
  return Math.max(-90, lat - metresToLatDegreesAtLeast(reachM));
}

export function circleMaxLat(lat: number, reachM: number): number {
  return Math.min(90, lat + metresToLatDegreesAtLeast(reachM));
}

/** Degrees of longitude the reach spans at the bbox's most poleward latitude. */
function lonReach(lat: number, reachM: number): number {
  return metresToLonDegreesAtLeast(reachM, circleMinLat(lat, reachM), circleMaxLat(lat, reachM));
}

export function circleMinLon(lat: number, lon: number, reachM: number): number {
  return Math.max(-180, lon - lonReach(lat, reachM));
}

export function circleMaxLon(lat: number, lon: number, reachM: number): number {
  return Math.min(180, lon + lonReach(lat, reachM));
}
