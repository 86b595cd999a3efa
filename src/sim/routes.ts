/**
 * Legs between places: walking below 1.5 km, driving above, with one dog-leg waypoint so a route
 * is not always the straight line. A route is planned (points and speed) before it is placed in
 * time, so a day plan can work back from an arrival time (e.g. a curfew breach at 20:40).
 */
import { frameAt, haversineM, type LatLon, pointSegmentDistance, toX, toY } from './geodesy.js';
import type { Rng } from './prng.js';
import type { Segment, SegmentMode } from './segment.js';
import type { SimZone } from './sim-zone.js';

export interface Route {
  readonly points: readonly LatLon[];
  readonly speedMps: number;
  readonly mode: SegmentMode;
  readonly durationMs: number;
}

function lengthM(points: readonly LatLon[]): number {
  let d = 0;
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1]!;
    const q = points[i]!;
    d += haversineM(p.lat, p.lon, q.lat, q.lon);
  }
  return d;
}

/** Does the polyline keep at least `clearance(z)` metres from every zone centre? */
export function routeIsClear(
  points: readonly LatLon[],
  zones: readonly SimZone[],
  clearance: (z: SimZone) => number,
) {
  for (const z of zones) {
    const f = frameAt(z.centre.lat, z.centre.lon);
    for (let i = 1; i < points.length; i++) {
      const p = points[i - 1]!;
      const q = points[i]!;
      const d = pointSegmentDistance(0, 0, toX(f, p.lon), toY(f, p.lat), toX(f, q.lon), toY(f, q.lat));
      if (d < clearance(z)) return false;
    }
  }
  return true;
}

/** Route from `from` to `to`; with `avoid`, the dog-leg is dropped if it would pass near a zone. */
export function planRoute(
  rng: Rng,
  from: LatLon,
  to: LatLon,
  speedMps?: number,
  avoid?: { zones: readonly SimZone[]; clearance: (z: SimZone) => number },
): Route {
  const direct = haversineM(from.lat, from.lon, to.lat, to.lon);
  const mode: SegmentMode =
    speedMps !== undefined ? (speedMps < 2.5 ? 'walk' : 'drive') : direct < 1_500 ? 'walk' : 'drive';
  const speed = speedMps ?? (mode === 'walk' ? rng.uniform(1.2, 1.6) : rng.uniform(8, 14));
  let points: LatLon[] = [from, to];
  if (direct > 300) {
    const f = frameAt(from.lat, from.lon);
    const tx = toX(f, to.lon);
    const ty = toY(f, to.lat);
    const k = rng.uniform(-0.15, 0.15);
    const mx = tx / 2 - ty * k;
    const my = ty / 2 + tx * k;
    const mid = { lat: from.lat + my / f.ky, lon: from.lon + mx / f.kx };
    const bent = [from, mid, to];
    if (!avoid || routeIsClear(bent, avoid.zones, avoid.clearance)) points = bent;
  }
  return { points, speedMps: speed, mode, durationMs: Math.round((lengthM(points) / speed) * 1000) };
}

/** Place a route in time from `t0`; appends its segments and returns the arrival time. */
export function placeRoute(route: Route, t0: number, out: Segment[]): number {
  let t = t0;
  for (let i = 1; i < route.points.length; i++) {
    const a = route.points[i - 1]!;
    const b = route.points[i]!;
    const dt = Math.max(1, Math.round((haversineM(a.lat, a.lon, b.lat, b.lon) / route.speedMps) * 1000));
    out.push({ t0: t, t1: t + dt, a, b, mode: route.mode });
    t += dt;
  }
  return t;
}

export function placeDwell(p: LatLon, t0: number, t1: number, place: Segment['place'], out: Segment[]) {
  if (t1 > t0) out.push({ t0, t1, a: p, b: p, mode: 'dwell', place });
}
