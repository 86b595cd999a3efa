/**
 * An approach trip towards one of the victim's exclusion zones, the behaviour the engine exists
 * to catch, in three kinds:
 *  - entry: walk or drive slowly in, stay 2-20 minutes near the middle, leave the way they came;
 *  - through: pass through the zone on foot or slowly by car, close to its middle;
 *  - near-miss: stay 5-30 minutes just outside the boundary (25-300 m), inside the warning
 *    ring. This is the false-alarm bait: a noisy fix there can look inside.
 * With `shallowIndoor` (the stress fleet) every trip is an entry that stops 5-30 m inside the
 * boundary and dwells indoors: a real breach whose evidence stays weak.
 */
import { type LatLon, toLatLon } from './geodesy.js';
import type { Rng } from './prng.js';
import { placeDwell, placeRoute, planRoute } from './routes.js';
import type { Segment } from './segment.js';
import { insideSimZone, type SimZone } from './sim-zone.js';

export type ApproachKind = 'entry' | 'through' | 'near-miss';

/** Distance from the zone centre to its outermost boundary along bearing `theta` (radians from east). */
export function boundaryAlong(z: SimZone, theta: number): number {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const inside = (r: number) => {
    const p = toLatLon(z.frame, r * c, r * s);
    return insideSimZone(z, p.lat, p.lon);
  };
  let r = z.extentM * 1.05 + 1;
  while (r > 0 && !inside(r)) r -= 5;
  if (r <= 0) return 0;
  let lo = r; // inside
  let hi = r + 5; // outside
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (inside(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}

function at(z: SimZone, r: number, theta: number): LatLon {
  return toLatLon(z.frame, r * Math.cos(theta), r * Math.sin(theta));
}

/**
 * Place one approach trip starting at `t0` from `origin`, returning to it. Appends segments and
 * returns the time the subject is back at `origin`.
 */
export function placeApproachTrip(
  rng: Rng,
  origin: LatLon,
  z: SimZone,
  t0: number,
  out: Segment[],
  shallowIndoor = false,
): number {
  const kind: ApproachKind = shallowIndoor
    ? 'entry'
    : rng.next() < 0.5
      ? 'entry'
      : rng.next() < 0.4
        ? 'through'
        : 'near-miss';
  const ox = (origin.lon - z.frame.lon0) * z.frame.kx;
  const oy = (origin.lat - z.frame.lat0) * z.frame.ky;
  // Arrive from the origin's side, with some spread, and park outside the warning ring.
  const theta = Math.atan2(oy, ox) + rng.uniform(-0.6, 0.6);
  const parkR = z.extentM + (z.zone.warningM ?? 0) + 300;
  const park = at(z, parkR, theta);
  let t = placeRoute(planRoute(rng, origin, park), t0, out);
  const slow = rng.chance(0.5) ? rng.uniform(1.2, 1.6) : rng.uniform(4, 9);
  switch (kind) {
    case 'entry': {
      let target = shallowIndoor
        ? at(z, boundaryAlong(z, theta) - rng.uniform(5, 30), theta)
        : at(z, rng.uniform(0, 0.15) * z.extentM, rng.uniform(0, 2 * Math.PI));
      if (!insideSimZone(z, target.lat, target.lon)) target = z.centre;
      t = placeRoute(planRoute(rng, park, target, slow), t, out);
      const leave = t + Math.round(rng.uniform(2, 20) * 60_000);
      placeDwell(target, t, leave, 'zone', out);
      t = placeRoute(planRoute(rng, target, park, slow), leave, out);
      break;
    }
    case 'through': {
      const lateral = rng.uniform(-0.3, 0.3) * z.extentM * 0.75;
      const via = toLatLon(z.frame, -lateral * Math.sin(theta), lateral * Math.cos(theta));
      const exit = at(z, parkR, theta + Math.PI + rng.uniform(-0.3, 0.3));
      t = placeRoute({ ...planRoute(rng, park, via, slow), points: [park, via, exit] }, t, out);
      t = placeRoute(planRoute(rng, exit, park), t, out);
      break;
    }
    case 'near-miss': {
      const gap = rng.uniform(25, 300);
      let target = at(z, boundaryAlong(z, theta) + gap, theta);
      if (insideSimZone(z, target.lat, target.lon)) target = park;
      t = placeRoute(planRoute(rng, park, target, slow), t, out);
      const leave = t + Math.round(rng.uniform(5, 30) * 60_000);
      placeDwell(target, t, leave, 'errand', out);
      t = placeRoute(planRoute(rng, target, park, slow), leave, out);
      break;
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown approach kind ${String(never)}`);
    }
  }
  return placeRoute(planRoute(rng, park, origin), t, out);
}
