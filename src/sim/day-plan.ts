/**
 * One subject's true movements over one local calendar day, as segments covering
 * [local midnight, next local midnight). Workers commute (leaving after the curfew ends, home
 * before it starts); others run a midday errand. Approachers add a trip towards a victim's zone;
 * curfew breakers come home after 19:00. Randomness comes from the (seed, subject, day) stream.
 */

import { placeApproachTrip } from './approach-trip.js';
import { type LatLon, offset } from './geodesy.js';
import { type LocalDate, localToUtc, weekdayOf } from './local-time.js';
import { Rng } from './prng.js';
import { placeDwell, placeRoute, planRoute, routeIsClear } from './routes.js';
import type { Segment } from './segment.js';
import { CURFEW_START_MIN, CURFEW_TZ, type SimOptions } from './sim-options.js';
import { clearanceM, STREAM, type SubjectSpec } from './subject-spec.js';

const MIN = 60_000;

function dayNumber(d: LocalDate): number {
  return Math.floor(Date.UTC(d.year, d.month - 1, d.day) / 86_400_000);
}

/** An errand place 1-6 km from home whose straight route stays clear of every exclusion ring. */
function errandPlace(rng: Rng, spec: SubjectSpec): LatLon {
  let p = spec.home;
  for (let i = 0; i < 20; i++) {
    const d = rng.uniform(1_000, 6_000);
    const a = rng.uniform(0, 2 * Math.PI);
    p = offset(spec.home, d * Math.cos(a), d * Math.sin(a));
    if (routeIsClear([spec.home, p], spec.exclusions, clearanceM)) return p;
  }
  return p;
}

export function buildDayPlan(
  opts: SimOptions,
  spec: SubjectSpec,
  date: LocalDate,
  next: LocalDate,
): Segment[] {
  const rng = Rng.derive(opts.seed, spec.index, STREAM.day, dayNumber(date));
  const local = (min: number) => localToUtc(CURFEW_TZ, date, min);
  const dayStart = local(0);
  const dayEnd = localToUtc(CURFEW_TZ, next, 0);
  const avoid = { zones: spec.exclusions, clearance: clearanceM };
  const homeSpot = offset(spec.home, rng.uniform(-15, 15), rng.uniform(-15, 15));
  const out: Segment[] = [];
  const breach = rng.chance(opts.curfewBreachShare);
  const approach = spec.approacher ? spec.exclusions[rng.int(0, spec.exclusions.length - 1)] : undefined;
  const curfewStart = local(CURFEW_START_MIN);
  const lateArrival = local(rng.uniform(19 * 60 + 10, 21 * 60 + 30));
  const working = spec.work !== null && weekdayOf(date) < 5 && rng.chance(0.92);

  if (working && spec.work) {
    const workSpot = offset(spec.work, rng.uniform(-20, 20), rng.uniform(-20, 20));
    const depart = local(rng.uniform(7 * 60 + 5, 9 * 60));
    placeDwell(homeSpot, dayStart, depart, 'home', out);
    let t = placeRoute(planRoute(rng, homeSpot, workSpot, undefined, avoid), depart, out);
    if (approach) {
      const leave = Math.max(t + 10 * MIN, local(rng.uniform(11.5 * 60, 14 * 60)));
      placeDwell(workSpot, t, leave, 'work', out);
      t = placeApproachTrip(rng, workSpot, approach, leave, out, opts.shallowIndoorEntries === true);
    }
    const commute = planRoute(rng, workSpot, homeSpot, undefined, avoid);
    let leaveWork = local(rng.uniform(16 * 60, 18 * 60));
    if (breach) leaveWork = lateArrival - commute.durationMs;
    else leaveWork = Math.min(leaveWork, curfewStart - 10 * MIN - commute.durationMs);
    leaveWork = Math.max(leaveWork, t + 10 * MIN);
    placeDwell(workSpot, t, leaveWork, 'work', out);
    t = placeRoute(commute, leaveWork, out);
    placeDwell(homeSpot, t, dayEnd, 'home', out);
    return out;
  }

  let t = dayStart;
  let home = local(rng.uniform(10 * 60, 14 * 60));
  if (approach) {
    placeDwell(homeSpot, t, home, 'home', out);
    t = placeApproachTrip(rng, homeSpot, approach, home, out, opts.shallowIndoorEntries === true);
    home = t;
  } else if (spec.nearBoundary || rng.chance(0.6)) {
    const shop = spec.nearBoundary ?? errandPlace(rng, spec);
    placeDwell(homeSpot, t, home, 'home', out);
    t = placeRoute(planRoute(rng, homeSpot, shop, undefined, avoid), home, out);
    const leave = t + Math.round(rng.uniform(20, spec.nearBoundary ? 240 : 90) * MIN);
    placeDwell(shop, t, leave, 'errand', out);
    t = placeRoute(planRoute(rng, shop, homeSpot, undefined, avoid), leave, out);
  }
  if (breach) {
    // An evening out that ends after the curfew has started.
    const pub = errandPlace(rng, spec);
    const back = planRoute(rng, pub, homeSpot, undefined, avoid);
    const there = planRoute(rng, homeSpot, pub, undefined, avoid);
    const leaveHome = Math.max(t + 10 * MIN, local(rng.uniform(17 * 60, 18 * 60)));
    placeDwell(homeSpot, t, leaveHome, 'home', out);
    t = placeRoute(there, leaveHome, out);
    const leavePub = Math.max(t + 10 * MIN, lateArrival - back.durationMs);
    placeDwell(pub, t, leavePub, 'errand', out);
    t = placeRoute(back, leavePub, out);
  }
  placeDwell(homeSpot, t, Math.max(t, dayEnd), 'home', out);
  return out;
}
