import * as turf from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { compileZone, signedDistanceM } from '../../src/geo/index.js';
import { circleZone, M_PER_DEG, multiPolygonZone, polygonZone, referenceDistanceM } from './geo-fixtures.js';

// A 0.01° square at 51°N (~700 m × 1112 m) with a 0.002° square hole in the middle.
const outer = [
  [0, 51],
  [0.01, 51],
  [0.01, 51.01],
  [0, 51.01],
  [0, 51],
];
const hole = [
  [0.004, 51.004],
  [0.004, 51.006],
  [0.006, 51.006],
  [0.006, 51.004],
  [0.004, 51.004],
];
const square = compileZone(polygonZone([outer, hole]));

// Two squares side by side, 0.01° of longitude apart.
const east = outer.map(([lon, lat]) => [lon! + 0.02, lat!]);
const multi = compileZone(multiPolygonZone([[outer], [east]]));

const kx = M_PER_DEG * Math.cos((51.005 * Math.PI) / 180);

describe('signedDistanceM, polygons', () => {
  it.each([
    ['a vertex', 51, 0],
    ['the middle of an edge', 51, 0.005],
    ['a point on the closing edge', 51.003, 0],
    ['a vertex of the hole', 51.004, 0.004],
    ['an edge of the hole', 51.005, 0.006],
  ])('is exactly 0 (inside) on %s', (_name, lat, lon) => {
    const d = signedDistanceM(square, lat, lon);
    expect(d).toBe(0);
    expect(d <= 0).toBe(true);
  });

  it.each([
    ['inside near the west edge', 51.005, 0.001, -0.001 * kx],
    ['inside near the south edge', 51.0005, 0.002, -0.0005 * M_PER_DEG],
    ['in the middle of the hole (outside)', 51.005, 0.005, 0.001 * kx],
    ['just inside the hole (outside)', 51.005, 0.0041, 0.0001 * kx],
    ['outside to the west', 51.005, -0.001, 0.001 * kx],
    ['outside beyond a corner', 50.999, -0.001, Math.hypot(0.001 * M_PER_DEG, 0.001 * kx)],
  ])('%s', (_name, lat, lon, expected) => {
    const d = signedDistanceM(square, lat, lon);
    expect(Math.sign(d)).toBe(Math.sign(expected));
    expect(Math.abs(d - expected)).toBeLessThan(0.05);
    // And against the reference geodesic measurement, a fortiori.
    expect(Math.abs(Math.abs(d) - referenceDistanceM([outer, hole], lon, lat))).toBeLessThan(0.01);
  });

  it('treats a clockwise outer ring and counter-clockwise hole the same (winding is irrelevant)', () => {
    const flipped = compileZone(polygonZone([[...outer].reverse(), [...hole].reverse()]));
    for (const [lat, lon] of [
      [51.005, 0.001],
      [51.005, 0.005],
      [51.005, -0.001],
    ] as const) {
      expect(signedDistanceM(flipped, lat, lon)).toBeCloseTo(signedDistanceM(square, lat, lon), 9);
    }
  });
});

describe('signedDistanceM, MultiPolygon', () => {
  it('is inside each part and outside between them, measured to the nearer part', () => {
    expect(signedDistanceM(multi, 51.005, 0.005)).toBeCloseTo(-0.005 * kx, 0);
    expect(signedDistanceM(multi, 51.005, 0.025)).toBeCloseTo(-0.005 * kx, 0);
    // Between the parts: 0.013 is 0.003° from the west part and 0.007° from the east one.
    expect(signedDistanceM(multi, 51.005, 0.013)).toBeCloseTo(0.003 * kx, 0);
    expect(signedDistanceM(multi, 51.005, 0.018)).toBeCloseTo(0.002 * kx, 0);
    expect(signedDistanceM(multi, 51.005, 0.02)).toBe(0);
  });

  it('reads overlapping parts as their union (not even-odd across parts)', () => {
    const shifted = outer.map(([lon, lat]) => [lon! + 0.005, lat!]);
    const overlapping = compileZone(multiPolygonZone([[outer], [shifted]]));
    expect(signedDistanceM(overlapping, 51.005, 0.007)).toBeLessThan(0);
  });
});

describe('signedDistanceM, circles', () => {
  const lat0 = 51.5;
  const lon0 = -0.12;
  const circle = compileZone(circleZone(lon0, lat0, 200));

  it('is -radius at the centre, negative inside, positive outside', () => {
    expect(signedDistanceM(circle, lat0, lon0)).toBeCloseTo(-200, 6);
    expect(signedDistanceM(circle, lat0 + 100 / M_PER_DEG, lon0)).toBeCloseTo(-100, 3);
    expect(signedDistanceM(circle, lat0 - 300 / M_PER_DEG, lon0)).toBeCloseTo(100, 3);
  });

  it('is 0 on the edge (boundary belongs to the zone)', () => {
    expect(signedDistanceM(circle, lat0 + 200 / M_PER_DEG, lon0)).toBe(0);
    const [lon, lat] = turf.destination([lon0, lat0], 200, 90, { units: 'meters' }).geometry.coordinates;
    expect(Math.abs(signedDistanceM(circle, lat!, lon!))).toBeLessThan(1e-3);
  });

  it.each([10, 1_000, 4_999, 5_001, 100_000, 1_000_000])('agrees with turf.distance for radius %d m', (r) => {
    for (const lat of [-60, 0, 51.5, 70]) {
      const c = compileZone(circleZone(lon0, lat, r));
      for (const bearing of [0, 45, 90, 135, 180, 270]) {
        for (const delta of [-Math.min(r, 1000) * 0.9, -1, 1, 50, 3000]) {
          const pt = turf.destination([lon0, lat], r + delta, bearing, { units: 'meters' });
          const [lon, lat2] = pt.geometry.coordinates as [number, number];
          const expected = turf.distance([lon0, lat], [lon, lat2], { units: 'meters' }) - r;
          expect(Math.abs(signedDistanceM(c, lat2, lon) - expected)).toBeLessThan(0.02);
        }
      }
    }
  });
});

describe('signedDistanceM, edges of scope', () => {
  it('works next to (not across) the antimeridian; zones crossing ±180° are out of scope', () => {
    const ring = [
      [179.99, -17],
      [179.999, -17],
      [179.999, -16.99],
      [179.99, -16.99],
      [179.99, -17],
    ];
    const z = compileZone(polygonZone([ring]));
    expect(signedDistanceM(z, -16.995, 179.995)).toBeLessThan(0);
    expect(signedDistanceM(z, -16.995, 179.9995)).toBeGreaterThan(0);
  });
});
