/**
 * Signed distance from a fix to a compiled zone's boundary, in metres: negative inside, 0 on the
 * boundary (the boundary belongs to the zone), positive outside; a polygon's holes are outside.
 *
 * One pass over every edge does both jobs with the fix at the origin: the even-odd crossing test
 * (per polygon, so overlapping MultiPolygon parts still read as a union) and the squared distance
 * to the edge. Both use one cross product, and a division is paid only for a new nearest edge.
 * Allocation-free: all state lives in locals (V8 may still box the returned double when the call
 * is not inlined; measured ~1 byte a call of short-lived garbage).
 *
 * Cost is linear in vertices (bench: ~10 ns circle, ~110 ns 16 vertices, ~850 ns 200 vertices).
 * Large polygons visited on every fix (inclusion zones are) would want an edge grid; not yet.
 *
 * Accuracy: x is rescaled to the fix's latitude before the pass (xScale), and the winning edge is
 * re-measured at the latitude midway to its closest point, so the result is the local flat-earth
 * distance between the fix and the nearest boundary point: within 1.4 mm of a haversine reference
 * for fixes up to 5 km from zones anywhere from 60°S to 70°N, and within 0.02% out to 30 km from a
 * 200 km zone at 70°N (test/geo/signed-distance.property.test.ts).
 * Edges are straight in (lon, lat), as RFC 7946 and turf read them. The antimeridian is out of
 * scope: a zone must not cross ±180° longitude.
 */
import type { CompiledZone } from './compiled-zone.js';
import { haversineM, xScale } from './projection.js';

/** Fixes this close to the boundary are on it: it absorbs projection rounding (~1e-9 m). */
export const BOUNDARY_EPSILON_M = 1e-6;

export function signedDistanceM(zone: CompiledZone, lat: number, lon: number): number {
  const shape = zone.shape;
  switch (shape) {
    case 'circle':
      return circleSignedDistanceM(zone, lat, lon);
    case 'polygon':
      return polygonSignedDistanceM(zone, lat, lon);
    default: {
      const unreachable: never = shape;
      throw new Error(`unknown zone shape ${String(unreachable)}`);
    }
  }
}

function circleSignedDistanceM(zone: CompiledZone, lat: number, lon: number): number {
  let d: number;
  if (zone.haversine) {
    d = haversineM(zone.lat0, zone.lon0, lat, lon) - zone.radiusM;
  } else {
    const dx = (lon - zone.lon0) * zone.kx * xScale(zone, (lat + zone.lat0) * 0.5);
    const dy = (lat - zone.lat0) * zone.ky;
    d = Math.sqrt(dx * dx + dy * dy) - zone.radiusM;
  }
  return d > BOUNDARY_EPSILON_M || d < -BOUNDARY_EPSILON_M ? d : 0;
}

function polygonSignedDistanceM(zone: CompiledZone, lat: number, lon: number): number {
  const coords = zone.coords;
  const ringEnds = zone.ringEnds;
  const polygonEnds = zone.polygonEnds;
  const px = (lon - zone.lon0) * zone.kx;
  const py = (lat - zone.lat0) * zone.ky;
  const s = xScale(zone, lat);
  // Outside the rings' own bbox no crossing can make the point inside: skip the parity work.
  const mayBeInside = px >= zone.pMinX && px <= zone.pMaxX && py >= zone.pMinY && py <= zone.pMaxY;

  let best = Number.POSITIVE_INFINITY;
  // Closest boundary point relative to the fix, x in fix-latitude metres.
  let bestX = 0;
  let bestY = 0;
  let inside = false;
  let ringStart = 0;
  let ring = 0;
  for (let p = 0; p < polygonEnds.length; p++) {
    const lastRing = polygonEnds[p]!;
    let odd = false;
    for (; ring < lastRing; ring++) {
      const ringEnd = ringEnds[ring]!;
      // Edge (u -> v), starting with the closing edge from the ring's last vertex.
      let ux = (coords[ringEnd - 2]! - px) * s;
      let uy = coords[ringEnd - 1]! - py;
      for (let i = ringStart; i < ringEnd; i += 2) {
        const vx = (coords[i]! - px) * s;
        const vy = coords[i + 1]! - py;
        // Even-odd: does the edge cross the ray y = 0, x > 0? x_cross = cross / (vy - uy).
        if (mayBeInside && uy > 0 !== vy > 0 && ux * vy - uy * vx > 0 === vy > uy) odd = !odd;
        // Every vertex ends one edge, so the clamped (endpoint) cases reduce to this check.
        const dv = vx * vx + vy * vy;
        if (dv < best) {
          best = dv;
          bestX = vx;
          bestY = vy;
        }
        // Edge interior: the origin projects inside the edge when 0 < -(u·e) < |e|².
        const ex = vx - ux;
        const ey = vy - uy;
        const dot = -(ux * ex + uy * ey);
        if (dot > 0) {
          const len2 = ex * ex + ey * ey;
          if (dot < len2) {
            const cross = ux * vy - uy * vx;
            // d² = cross² / |e|², compared without dividing; divide only on a new best.
            if (cross * cross < best * len2) {
              best = (cross * cross) / len2;
              const t = dot / len2;
              bestX = ux + t * ex;
              bestY = uy + t * ey;
            }
          }
        }
        ux = vx;
        uy = vy;
      }
      ringStart = ringEnd;
    }
    if (odd) inside = true;
  }

  // Re-measure the winner with the east-west scale at the latitude midway to it.
  const midLat = lat + (bestY / zone.ky) * 0.5;
  const dx = (bestX / s) * xScale(zone, midLat);
  const d = Math.sqrt(dx * dx + bestY * bestY);
  if (d <= BOUNDARY_EPSILON_M) return 0;
  return inside ? -d : d;
}
