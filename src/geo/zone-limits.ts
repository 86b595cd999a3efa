/**
 * Limits a zone must meet before it is compiled (issue 9, item 8). Each check runs on the
 * validated message and costs one pass over its positions at most; a failure names the field
 * and the limit, never a coordinate. Defaults are generous for real exclusion zones (a detailed
 * house-and-street polygon has tens to hundreds of vertices) and keep one bad message from
 * costing the worker more than a few milliseconds.
 *
 * Antimeridian: RFC 7946 asks producers to split a geometry that crosses it; a polygon written
 * across it (or spanning more than 180 degrees of longitude) would be read as covering the other
 * side of the planet, and a circle whose box crosses it would lose its far side. Both are
 * rejected rather than guessed at: the producer splits them into zones on each side.
 */
import type { Zone } from '../contract/index.js';
import { metresToLatDegreesAtLeast, metresToLonDegreesAtLeast } from './projection.js';

export interface ZoneLimits {
  /** Most positions in all rings of a zone. */
  readonly maxVertices: number;
  /** Most windows in a zone's schedule. */
  readonly maxScheduleWindows: number;
  /** Most zones per subject (checked by the table, which knows the other zones). */
  readonly maxZonesPerSubject: number;
  /** Largest zone record in bytes, checked before JSON.parse. */
  readonly maxZoneBytes: number;
}

export const DEFAULT_ZONE_LIMITS: Readonly<ZoneLimits> = Object.freeze({
  maxVertices: 10_000,
  maxScheduleWindows: 64,
  maxZonesPerSubject: 256,
  maxZoneBytes: 256 * 1024,
});

export interface LimitViolation {
  readonly field: string;
  readonly reason: string;
}

/** Positions of a GeoJSON polygon set without trusting its shape (runs before zod, on raw JSON). */
export function countPositions(geometry: unknown): number {
  if (geometry === null || typeof geometry !== 'object') return 0;
  const coords = (geometry as { coordinates?: unknown }).coordinates;
  const type = (geometry as { type?: unknown }).type;
  if (!Array.isArray(coords)) return 0;
  const depth = type === 'MultiPolygon' ? 3 : type === 'Polygon' ? 2 : 0;
  let n = 0;
  const walk = (a: unknown[], d: number): void => {
    if (d === 0) {
      n += a.length;
      return;
    }
    for (const x of a) if (Array.isArray(x)) walk(x, d - 1);
  };
  if (depth > 0) walk(coords, depth - 1);
  return n;
}

/** The first limit the zone breaks, or undefined. */
export function checkZoneLimits(zone: Zone, limits: ZoneLimits): LimitViolation | undefined {
  const g = zone.geometry;
  if (zone.schedule !== undefined && zone.schedule.windows.length > limits.maxScheduleWindows) {
    return {
      field: 'schedule.windows',
      reason: `${zone.schedule.windows.length} windows, limit ${limits.maxScheduleWindows}`,
    };
  }
  if (g.type === 'Point') {
    const [lon, lat] = g.coordinates as [number, number];
    const reach = (zone.radiusM ?? 0) + (zone.kind === 'exclusion' ? (zone.warningM ?? 0) : 0);
    const dLat = metresToLatDegreesAtLeast(reach);
    const dLon = metresToLonDegreesAtLeast(reach, Math.max(-90, lat - dLat), Math.min(90, lat + dLat));
    if (lon - dLon < -180 || lon + dLon > 180 || dLon >= 180) {
      return {
        field: 'geometry.coordinates',
        reason: 'circle crosses the antimeridian: split it into two zones',
      };
    }
    return undefined;
  }
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let vertices = 0;
  for (const polygon of polygons) for (const ring of polygon) vertices += ring.length;
  if (vertices > limits.maxVertices) {
    return { field: 'geometry.coordinates', reason: `${vertices} vertices, limit ${limits.maxVertices}` };
  }
  for (const polygon of polygons) {
    let minLon = Infinity;
    let maxLon = -Infinity;
    for (const ring of polygon) {
      for (let i = 0; i < ring.length; i++) {
        const lon = ring[i]![0]!;
        if (lon < minLon) minLon = lon;
        if (lon > maxLon) maxLon = lon;
        // An edge jumping more than 180 degrees is an antimeridian crossing written naively.
        if (i > 0 && Math.abs(lon - ring[i - 1]![0]!) > 180) {
          return {
            field: 'geometry.coordinates',
            reason: 'an edge crosses the antimeridian: split the zone into one polygon on each side',
          };
        }
      }
    }
    if (maxLon - minLon > 180) {
      return {
        field: 'geometry.coordinates',
        reason: 'spans more than 180 degrees of longitude: split it into smaller zones',
      };
    }
  }
  return undefined;
}
