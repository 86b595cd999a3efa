/** Zone builders and reference (slow, obviously-correct) measurements for the geo tests. */
import * as turf from '@turf/turf';
import type { Zone } from '../../src/contract/index.js';

export const M_PER_DEG = 6371008.8 * (Math.PI / 180);

type Ring = number[][];

/** Offset a position by metres east/north (flat-earth; only used to place test points). */
export function offset(lon: number, lat: number, eastM: number, northM: number): [number, number] {
  return [lon + eastM / (M_PER_DEG * Math.cos((lat * Math.PI) / 180)), lat + northM / M_PER_DEG];
}

/** A closed star-shaped ring around (lon, lat): vertex i at angle 2πi/n, distance radii[i] metres. */
export function starRing(lon: number, lat: number, radii: readonly number[], clockwise = false): Ring {
  const n = radii.length;
  const ring: Ring = [];
  for (let i = 0; i < n; i++) {
    const a = ((clockwise ? -i : i) / n) * 2 * Math.PI;
    ring.push(offset(lon, lat, radii[i]! * Math.cos(a), radii[i]! * Math.sin(a)));
  }
  ring.push([...ring[0]!]);
  return ring;
}

export function polygonZone(coordinates: Ring[], extra: Partial<Zone> = {}): Zone {
  return {
    zoneId: 'z1',
    subjectId: 's1',
    kind: 'exclusion',
    geometry: { type: 'Polygon', coordinates },
    ...extra,
  };
}

export function multiPolygonZone(coordinates: Ring[][], extra: Partial<Zone> = {}): Zone {
  return {
    zoneId: 'z1',
    subjectId: 's1',
    kind: 'exclusion',
    geometry: { type: 'MultiPolygon', coordinates },
    ...extra,
  };
}

export function circleZone(lon: number, lat: number, radiusM: number, extra: Partial<Zone> = {}): Zone {
  return {
    zoneId: 'z1',
    subjectId: 's1',
    kind: 'exclusion',
    geometry: { type: 'Point', coordinates: [lon, lat] },
    radiusM,
    ...extra,
  };
}

/** turf's view: inside (boundary included, holes excluded) and distance to the nearest ring. */
export function turfMeasure(rings: Ring[], lon: number, lat: number): { inside: boolean; distanceM: number } {
  const inside = turf.booleanPointInPolygon([lon, lat], turf.polygon(rings));
  let distanceM = Number.POSITIVE_INFINITY;
  for (const ring of rings) {
    distanceM = Math.min(
      distanceM,
      turf.pointToLineDistance([lon, lat], turf.lineString(ring), { units: 'meters' }),
    );
  }
  return { inside, distanceM };
}

/**
 * Reference distance to rings whose edges are straight in (lon, lat), as RFC 7946 reads them:
 * a ternary search along each edge for the point nearest by turf.distance (haversine). turf's own
 * pointToLineDistance treats edges as great circles, which bow away from straight lon/lat lines by
 * ~L²·tan(lat)/8R (0.5 m for a 3 km edge at 70°N), so this is the tighter oracle.
 */
export function referenceDistanceM(rings: Ring[], lon: number, lat: number): number {
  let best = Number.POSITIVE_INFINITY;
  const p = turf.point([lon, lat]);
  const at = (a: number[], b: number[], t: number) =>
    turf.distance(p, turf.point([a[0]! + t * (b[0]! - a[0]!), a[1]! + t * (b[1]! - a[1]!)]), {
      units: 'meters',
    });
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[i + 1]!;
      let lo = 0;
      let hi = 1;
      for (let k = 0; k < 60; k++) {
        const m1 = lo + (hi - lo) / 3;
        const m2 = hi - (hi - lo) / 3;
        if (at(a, b, m1) < at(a, b, m2)) hi = m2;
        else lo = m1;
      }
      best = Math.min(best, at(a, b, (lo + hi) / 2));
    }
  }
  return best;
}

/** The accuracy the brief requires: 0.5 m or 0.5%, whichever is larger. */
export function requiredToleranceM(expectedM: number): number {
  return Math.max(0.5, 0.005 * Math.abs(expectedM));
}
