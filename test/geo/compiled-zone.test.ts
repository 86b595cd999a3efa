import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileZone,
  signedDistanceM,
  ZONE_COMPILE_ERROR_CODES,
  ZoneCompileError,
} from '../../src/geo/index.js';
import { circleZone, multiPolygonZone, offset, polygonZone, starRing } from './geo-fixtures.js';

const square = [
  [-0.1, 51.5],
  [-0.09, 51.5],
  [-0.09, 51.51],
  [-0.1, 51.51],
  [-0.1, 51.5],
];

describe('compileZone: the message fields', () => {
  it('defaults severity, warning and validity per the contract', () => {
    const z = compileZone(polygonZone([square], { label: "victim's home" }));
    expect(z).toMatchObject({
      zoneId: 'z1',
      subjectId: 's1',
      kind: 'exclusion',
      severity: 'P1',
      warningM: 0,
      version: undefined,
      validFrom: Number.NEGATIVE_INFINITY,
      validTo: Number.POSITIVE_INFINITY,
      shape: 'polygon',
    });
    const inc = compileZone(
      circleZone(0, 51, 100, { kind: 'inclusion', validFrom: 5, validTo: 9, version: 3 }),
    );
    expect(inc).toMatchObject({
      severity: 'P2',
      warningM: 0,
      validFrom: 5,
      validTo: 9,
      version: 3,
      shape: 'circle',
    });
    expect(compileZone(polygonZone([square], { severity: 'P3', warningM: 50 }))).toMatchObject({
      severity: 'P3',
      warningM: 50,
    });
  });

  it('drops the closing position and repeated positions from the projected rings', () => {
    const withRepeats = [square[0]!, square[1]!, square[1]!, square[2]!, square[3]!, square[3]!, square[4]!];
    const z = compileZone(polygonZone([withRepeats]));
    expect(z.coords.length).toBe(8);
    expect([...z.ringEnds]).toEqual([8]);
    expect([...z.polygonEnds]).toEqual([1]);
  });

  it('lays MultiPolygon rings out flat with ring and polygon ends', () => {
    const hole = starRing(-0.095, 51.505, [100, 100, 100, 100]);
    const east = square.map(([lon, lat]) => [lon! + 0.05, lat!]);
    const z = compileZone(multiPolygonZone([[square, hole], [east]]));
    expect([...z.ringEnds]).toEqual([8, 16, 24]);
    expect([...z.polygonEnds]).toEqual([2, 3]);
  });

  it('grows the degree bbox by warningM and contains the rings', () => {
    const plain = compileZone(polygonZone([square]));
    const grown = compileZone(polygonZone([square], { warningM: 1000 }));
    expect(plain.minLon).toBeLessThanOrEqual(-0.1);
    expect(plain.maxLat).toBeGreaterThanOrEqual(51.51);
    expect(grown.minLat).toBeLessThan(51.5 - 1000 / 111_195);
    expect(grown.minLon).toBeLessThan(-0.1 - 1000 / (111_195 * Math.cos((51.51 * Math.PI) / 180)));
    expect(grown.maxLat).toBeLessThan(51.51 + 1.05 * (1000 / 111_195));
  });
});

describe('compileZone: geometry zod cannot judge', () => {
  const secret = [
    [12.3456789, 45.6789012],
    [12.3456789, 45.6789012],
    [12.3456789, 45.6789012],
    [12.3456789, 45.6789012],
  ];
  const collinear = [
    [12.3456789, 45.6789012],
    [12.3466789, 45.6789012],
    [12.3476789, 45.6789012],
    [12.3456789, 45.6789012],
  ];

  it.each([
    [
      'a ring of one repeated position',
      polygonZone([secret]),
      'geometry.coordinates[0]',
      'ringTooFewPositions',
    ],
    ['a collinear ring', polygonZone([collinear]), 'geometry.coordinates[0]', 'ringZeroArea'],
    ['a degenerate hole', polygonZone([square, secret]), 'geometry.coordinates[1]', 'ringTooFewPositions'],
    [
      'a degenerate ring in the second polygon',
      multiPolygonZone([[square], [collinear]]),
      'geometry.coordinates[1][0]',
      'ringZeroArea',
    ],
    [
      'a Point without radius',
      { ...circleZone(12.3456789, 45.6789012, 1), radiusM: undefined },
      'radiusM',
      'missingRadius',
    ],
  ] as const)('refuses %s, naming the field and never the coordinates or label', (_n, zone, field, code) => {
    let caught: unknown;
    try {
      compileZone({ ...zone, label: 'Flat 2, 10 Secret Road' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ZoneCompileError);
    const e = caught as ZoneCompileError;
    expect(e.code).toBe(ZONE_COMPILE_ERROR_CODES[code]);
    expect(e.field).toBe(field);
    expect(e.message.startsWith(`${field}: `)).toBe(true);
    expect(e.message).not.toMatch(/12\.34|45\.67|Secret/);
  });

  it('accepts a long thin but real ring', () => {
    const thin = [
      [0, 50],
      [0.1, 50],
      [0.1, 50.0000002],
      [0, 50],
    ];
    expect(() => compileZone(polygonZone([thin]))).not.toThrow();
  });
});

/** Uniform over [min, max] (fc.double is uniform over bit patterns, not over the reals). */
function uniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0x7fffffff }).map((i) => min + ((max - min) * i) / 0x7fffffff);
}

describe('compileZone: the grown bbox never misses a zone (property)', () => {
  it('contains every fix within warningM of the zone, at any latitude up to 85°', () => {
    fc.assert(
      fc.property(
        uniform(-85, 85),
        uniform(-170, 170),
        fc.boolean(),
        uniform(10, 5000),
        fc.oneof(fc.constant(0), uniform(0, 100_000)),
        fc.array(fc.record({ bearing: uniform(0, 2 * Math.PI), f: uniform(0, 1.3) }), {
          minLength: 1,
          maxLength: 20,
        }),
        (lat, lon, isCircle, sizeM, warningM, probes) => {
          const zone = compileZone(
            isCircle
              ? circleZone(lon, lat, sizeM, { warningM })
              : polygonZone([starRing(lon, lat, [sizeM, sizeM * 0.7, sizeM, sizeM * 0.5, sizeM * 0.9])], {
                  warningM,
                }),
          );
          for (const { bearing, f } of probes) {
            const r = f * (sizeM + warningM);
            const [plon, plat] = offset(lon, lat, r * Math.cos(bearing), r * Math.sin(bearing));
            if (Math.abs(plat) > 89 || Math.abs(plon) > 180) continue;
            if (signedDistanceM(zone, plat, plon) > warningM) continue;
            expect(plat).toBeGreaterThanOrEqual(zone.minLat);
            expect(plat).toBeLessThanOrEqual(zone.maxLat);
            expect(plon).toBeGreaterThanOrEqual(zone.minLon);
            expect(plon).toBeLessThanOrEqual(zone.maxLon);
          }
        },
      ),
      { numRuns: 1500, seed: 99 },
    );
  });
});

describe('compileZone: one polygon after another', () => {
  // The projection pass reuses a scratch buffer (up to 65,536 doubles; a bigger polygon gets its
  // own). Whatever was compiled before, a polygon must compile to the same numbers.
  const sizes = fc.constantFrom(3, 4, 17, 200, 2_000, 40_000);
  it('compiles each polygon the same whatever was compiled before it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ n: sizes, r: fc.integer({ min: 50, max: 5_000 }) }), {
          minLength: 2,
          maxLength: 6,
        }),
        (specs) => {
          const zones = specs.map(({ n, r }, i) =>
            polygonZone([
              starRing(
                -0.1 + i * 0.01,
                51.5,
                Array.from({ length: n }, (_, k) => r * (k % 2 ? 0.7 : 1)),
              ),
            ]),
          );
          const first = zones.map((z) => [...compileZone(z).coords]);
          // Again in reverse, so each follows a different predecessor (often a bigger one).
          for (let i = zones.length - 1; i >= 0; i--)
            expect([...compileZone(zones[i]!).coords]).toEqual(first[i]);
        },
      ),
      { numRuns: 25 },
    );
  });
});
