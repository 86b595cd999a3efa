/**
 * One simulated subject, fixed for the whole run: who they are, where they live and work, and
 * the zones their order puts around the victim (exclusion) and their own home (curfew). Built
 * from (seed, index) alone, so any subject can be rebuilt without generating the others.
 */
import type { Enrolment } from '../contract/index.js';
import { boundaryAlong } from './approach-trip.js';
import {
  frameAt,
  haversineM,
  type LatLon,
  offset,
  pointSegmentDistance,
  toLatLon,
  toX,
  toY,
} from './geodesy.js';
import { Rng } from './prng.js';
import { regionFor } from './regions.js';
import { CURFEW_END_MIN, CURFEW_START_MIN, CURFEW_TZ, type SimOptions } from './sim-options.js';
import { circleZone, polygonZone, type SimZone } from './sim-zone.js';

export interface SubjectSpec {
  readonly index: number;
  readonly subjectId: string;
  readonly tagId: string;
  readonly region: string;
  readonly home: LatLon;
  /** null: not in work; their days have errands instead. */
  readonly work: LatLon | null;
  /** Exclusion zones around the victim's home and (for some) workplace. */
  readonly exclusions: readonly SimZone[];
  /** The curfew inclusion zone around the subject's own home (19:00-07:00 Europe/London). */
  readonly curfew: SimZone;
  readonly enrolment: Enrolment;
  /** Makes approach/entry trips towards an exclusion zone, one a day. */
  readonly approacher: boolean;
  /** Works (or runs errands) just outside the victim's home zone. */
  readonly nearBoundary: LatLon | null;
}

/** Purpose tags for Rng.derive, so each use of randomness has its own stream. */
export const STREAM = { spec: 1, day: 2, noise: 3, upload: 4, device: 5 } as const;

const pad = (n: number) => String(n).padStart(6, '0');

function hhmm(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}

/** How far a subject's everyday routes must keep from an exclusion zone's centre. */
export function clearanceM(z: SimZone): number {
  return z.extentM + (z.zone.warningM ?? 0) + 1_500;
}

function exclusionZone(rng: Rng, id: string, subjectId: string, centre: LatLon, label: string): SimZone {
  const radiusM = rng.uniform(100, 500);
  const input = {
    zoneId: id,
    subjectId,
    kind: 'exclusion' as const,
    centre,
    label,
    warningM: rng.uniform(500, 1000),
  };
  if (rng.chance(0.7)) return circleZone(input, radiusM);
  return polygonZone(rng, input, radiusM, rng.chance(0.3), rng.chance(0.1));
}

/** A victim site at least `minM` from home, and clear of the home-work route. */
function placeVictimSite(rng: Rng, home: LatLon, work: LatLon | null): LatLon {
  for (let attempt = 0; ; attempt++) {
    const d = Math.min(30_000, Math.max(3_500, rng.logNormal(7_000, 0.5))) + attempt * 500;
    const a = rng.uniform(0, 2 * Math.PI);
    const p = offset(home, d * Math.cos(a), d * Math.sin(a));
    if (!work) return p;
    const f = frameAt(p.lat, p.lon);
    const dist = pointSegmentDistance(
      0,
      0,
      toX(f, home.lon),
      toY(f, home.lat),
      toX(f, work.lon),
      toY(f, work.lat),
    );
    // 1 km zone extent + 1 km warning ring + 1.5 km margin keeps commuting out of every ring.
    if (dist > 3_500 || attempt > 40) return p;
  }
}

export function buildSubject(opts: SimOptions, index: number): SubjectSpec {
  const rng = Rng.derive(opts.seed, index, STREAM.spec);
  const subjectId = `S${pad(index)}`;
  const tagId = `TAG-${pad(index)}`;
  const region = regionFor(rng.next());
  const home = offset(region.centre, rng.normal() * region.spreadM, rng.normal() * region.spreadM);
  let work: LatLon | null = null;
  if (rng.chance(0.75)) {
    const d = Math.min(25_000, Math.max(600, rng.logNormal(5_000, 0.7)));
    const a = rng.uniform(0, 2 * Math.PI);
    work = offset(home, d * Math.cos(a), d * Math.sin(a));
  }
  const exclusions: SimZone[] = [];
  const victimHome = placeVictimSite(rng, home, work);
  exclusions.push(exclusionZone(rng, `Z${pad(index)}-VH`, subjectId, victimHome, "victim's home"));
  if (rng.chance(0.6)) {
    // The victim's workplace: somewhere else, also off the subject's commute.
    let victimWork = placeVictimSite(rng, home, work);
    if (haversineM(victimWork.lat, victimWork.lon, victimHome.lat, victimHome.lon) < 2_500) {
      victimWork = offset(victimHome, 3_000, 1_500);
    }
    exclusions.push(exclusionZone(rng, `Z${pad(index)}-VW`, subjectId, victimWork, "victim's workplace"));
  }
  const curfew = circleZone(
    {
      zoneId: `Z${pad(index)}-C`,
      subjectId,
      kind: 'inclusion',
      centre: home,
      label: 'curfew address',
      schedule: {
        tz: CURFEW_TZ,
        windows: [
          {
            days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
            start: hhmm(CURFEW_START_MIN),
            end: hhmm(CURFEW_END_MIN),
          },
        ],
      },
    },
    rng.uniform(150, 250),
  );
  const approacher = rng.next() < opts.approachShare;
  // Drawn last, so this option does not reshuffle the rest of the fleet.
  let nearBoundary: LatLon | null = null;
  if (rng.next() < opts.nearBoundaryShare) {
    const vh = exclusions[0]!;
    // On the side facing home, so the commute ends at the spot without crossing the zone.
    const towardsHome = Math.atan2(toY(vh.frame, home.lat), toX(vh.frame, home.lon));
    const theta = towardsHome + rng.uniform(-Math.PI / 4, Math.PI / 4);
    const r = boundaryAlong(vh, theta) + rng.uniform(30, 200);
    nearBoundary = toLatLon(vh.frame, r * Math.cos(theta), r * Math.sin(theta));
    if (work) work = nearBoundary;
  }
  return {
    index,
    subjectId,
    tagId,
    region: region.name,
    home: curfew.centre,
    work,
    nearBoundary,
    exclusions,
    curfew,
    enrolment: { tagId, subjectId },
    approacher,
  };
}
