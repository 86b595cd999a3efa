/**
 * Property tests with turf as the oracle: random star-shaped polygons with a star-shaped hole,
 * anywhere from 60°S to 70°N, and random fixes within a few km.
 */
import * as turf from '@turf/turf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileZone, signedDistanceM } from '../../src/geo/index.js';
import {
  circleZone,
  offset,
  polygonZone,
  referenceDistanceM,
  requiredToleranceM,
  starRing,
  turfMeasure,
} from './geo-fixtures.js';

/**
 * Uniform over [min, max]. fc.double is uniform over bit patterns, so most of its draws from a
 * range containing 0 are tiny; that would leave most fixes at the polygon's centre.
 */
function uniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0x7fffffff }).map((i) => min + ((max - min) * i) / 0x7fffffff);
}

const latitude = uniform(-60, 70);
const longitude = uniform(-170, 170);

/**
 * Outer radii in [0.6R, R], hole radii in [0.1R, 0.5R]: the hole always lies inside. R ≤ 1.5 km
 * keeps edges short enough that turf's great-circle edges match straight lon/lat edges to ~0.1 m.
 */
const starWithHole = fc
  .record({
    lat: latitude,
    lon: longitude,
    sizeM: uniform(30, 1500),
    outer: fc.array(uniform(0.6, 1), { minLength: 8, maxLength: 40 }),
    hole: fc.option(fc.array(uniform(0.1, 0.5), { minLength: 3, maxLength: 12 })),
    clockwise: fc.boolean(),
  })
  .map(({ lat, lon, sizeM, outer, hole, clockwise }) => {
    const rings = [
      starRing(
        lon,
        lat,
        outer.map((f) => f * sizeM),
        clockwise,
      ),
    ];
    if (hole !== null)
      rings.push(
        starRing(
          lon,
          lat,
          hole.map((f) => f * sizeM),
          !clockwise,
        ),
      );
    return { lat, lon, sizeM, rings };
  });

/** Fixes up to 3 km beyond the polygon's outer radius, in any direction. */
const fixes = fc.array(fc.record({ bearing: uniform(0, 2 * Math.PI), reach: uniform(0, 1) }), {
  minLength: 1,
  maxLength: 6,
});

describe('signedDistanceM against turf (property)', () => {
  it('agrees on inside/outside with booleanPointInPolygon and on distance with pointToLineDistance', () => {
    fc.assert(
      fc.property(starWithHole, fixes, ({ lat, lon, sizeM, rings }, points) => {
        const zone = compileZone(polygonZone(rings));
        for (const { bearing, reach } of points) {
          const dist = reach * (sizeM + 3000);
          const [plon, plat] = offset(lon, lat, dist * Math.cos(bearing), dist * Math.sin(bearing));
          const d = signedDistanceM(zone, plat, plon);
          const turfView = turfMeasure(rings, plon, plat);
          if (turfView.distanceM < 1e-3) continue; // on the boundary to within rounding: no verdict
          expect(d <= 0).toBe(turfView.inside);
          expect(Math.abs(Math.abs(d) - turfView.distanceM)).toBeLessThanOrEqual(
            requiredToleranceM(turfView.distanceM),
          );
        }
      }),
      { numRuns: 400, seed: 20261123 },
    );
  });

  it('is within 2 cm or 0.02% of the straight-edge haversine reference', () => {
    fc.assert(
      fc.property(starWithHole, fixes, ({ lat, lon, sizeM, rings }, points) => {
        const zone = compileZone(polygonZone(rings));
        for (const { bearing, reach } of points.slice(0, 2)) {
          const dist = reach * (sizeM + 3000);
          const [plon, plat] = offset(lon, lat, dist * Math.cos(bearing), dist * Math.sin(bearing));
          const expected = referenceDistanceM(rings, plon, plat);
          const d = Math.abs(signedDistanceM(zone, plat, plon));
          expect(Math.abs(d - expected)).toBeLessThanOrEqual(Math.max(0.02, 2e-4 * expected));
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('stays accurate over a 200 km wide zone up to 70°N (per-fix cos(lat) correction)', () => {
    // Wide enough that one cos(lat0) for the whole zone would be off by several % at its edges.
    const radii = Array.from({ length: 32 }, (_, i) => 100_000 * (0.8 + 0.2 * Math.cos(i * 1.7)));
    fc.assert(
      fc.property(
        uniform(60, 70),
        uniform(0, 2 * Math.PI),
        uniform(-3000, 30_000),
        (lat, bearing, beyondM) => {
          const rings = [starRing(20, lat, radii)];
          const zone = compileZone(polygonZone(rings));
          // A fix near the boundary along this bearing (the ring's radius varies, so it is only near).
          const r =
            100_000 * (0.8 + 0.2 * Math.cos(Math.round((bearing / (2 * Math.PI)) * 32) * 1.7)) + beyondM;
          const [plon, plat] = offset(20, lat, r * Math.cos(bearing), r * Math.sin(bearing));
          const expected = referenceDistanceM(rings, plon, plat);
          const d = signedDistanceM(zone, plat, plon);
          if (expected < 1e-3) return;
          expect(d <= 0).toBe(turf.booleanPointInPolygon([plon, plat], turf.polygon(rings)));
          expect(Math.abs(Math.abs(d) - expected)).toBeLessThanOrEqual(Math.max(0.05, 2e-4 * expected));
        },
      ),
      { numRuns: 80, seed: 70 },
    );
  });

  it('circles agree with turf.distance minus the radius', () => {
    fc.assert(
      fc.property(
        latitude,
        longitude,
        fc.oneof(uniform(5, 5_000), uniform(5_000, 200_000)),
        uniform(0, 360),
        uniform(-1, 1),
        (lat, lon, radiusM, bearing, f) => {
          const zone = compileZone(circleZone(lon, lat, radiusM));
          const along = Math.max(0, radiusM + f * Math.min(radiusM, 3000));
          const [plon, plat] = turf.destination([lon, lat], along, bearing, { units: 'meters' }).geometry
            .coordinates as [number, number];
          const expected = turf.distance([lon, lat], [plon, plat], { units: 'meters' }) - radiusM;
          const d = signedDistanceM(zone, plat, plon);
          expect(Math.abs(d - expected)).toBeLessThanOrEqual(0.02);
        },
      ),
      { numRuns: 2000, seed: 42 },
    );
  });
});
