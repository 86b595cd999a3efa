import { describe, expect, it } from 'vitest';
import { type CompiledZone, compileZone, signedDistanceM, ZoneIndex } from '../../src/geo/index.js';
import { PackedZone, repackZones } from '../../src/geo/packed-zone.js';
import { localProjection } from '../../src/geo/projection.js';
import { circleZone, offset, polygonZone, starRing } from './geo-fixtures.js';

const NUMBER_FIELDS = [
  'warningM',
  'validFrom',
  'validTo',
  'minLon',
  'minLat',
  'maxLon',
  'maxLat',
  'lat0',
  'lon0',
  'kx',
  'ky',
  'cos0',
  'tan0',
  'radiusM',
  'pMinX',
  'pMinY',
  'pMaxX',
  'pMaxY',
] as const;

const numbersOf = (z: CompiledZone): number[] => NUMBER_FIELDS.map((f) => z[f]);

/** Every fourth zone has no validity window; the others [i, 1e12 + i), or from or to only. */
const windowOf = (i: number): { validFrom?: number; validTo?: number } =>
  i % 4 === 0
    ? {}
    : i % 4 === 1
      ? { validFrom: i }
      : i % 4 === 2
        ? { validTo: 1e12 + i }
        : { validFrom: i, validTo: 1e12 + i };

/**
 * 300 zones (more than two slab chunks of each stride), circles and polygons, open and windowed,
 * every number distinct.
 */
function manyZones(): CompiledZone[] {
  const out: CompiledZone[] = [];
  for (let i = 0; i < 300; i++) {
    const lon = -5 + i * 0.013;
    const lat = 50 + i * 0.011;
    const extra = {
      zoneId: `z${i}`,
      subjectId: `s${i >> 1}`,
      warningM: 100 + i,
      ...windowOf(i),
    };
    out.push(
      compileZone(
        i % 3 === 0
          ? polygonZone([starRing(lon, lat, [200 + i, 150, 260, 180, 230])], extra)
          : circleZone(lon, lat, 50 + i, extra),
      ),
    );
  }
  return out;
}

describe('PackedZone: numbers in a shared slab', () => {
  it('every zone reads back its own numbers, across slab chunks', () => {
    const zones = manyZones();
    for (let i = 0; i < zones.length; i++) {
      const z = zones[i]!;
      expect(z.validFrom).toBe(windowOf(i).validFrom ?? Number.NEGATIVE_INFINITY);
      expect(z.validTo).toBe(windowOf(i).validTo ?? Number.POSITIVE_INFINITY);
      expect((z as PackedZone).stride).toBe(z.shape === 'polygon' ? 16 : i % 4 === 0 ? 6 : 8);
      expect(z.warningM).toBe(100 + i);
      if (z.shape === 'circle') {
        expect(z.radiusM).toBe(50 + i);
        expect([z.lon0, z.lat0]).toEqual([-5 + i * 0.013, 50 + i * 0.011]);
        expect([z.pMinX, z.pMaxY]).toEqual([-(50 + i), 50 + i]);
      }
      expect(z.minLon).toBeLessThan(z.lon0);
      expect(z.maxLat).toBeGreaterThan(z.lat0);
    }
  });

  it('repacking (in any order, any subset) changes no number and no distance', () => {
    const zones = manyZones();
    const before = zones.map(numbersOf);
    const probe = zones.map((z) => {
      const [lon, lat] = offset(z.lon0, z.lat0, 120, -80);
      return { lon, lat, d: signedDistanceM(z, lat, lon) };
    });
    repackZones(zones.filter((_, i) => i % 2 === 1).reverse());
    expect(zones.map(numbersOf)).toEqual(before);
    repackZones(zones);
    expect(zones.map(numbersOf)).toEqual(before);
    zones.forEach((z, i) => {
      expect(signedDistanceM(z, probe[i]!.lat, probe[i]!.lon)).toBe(probe[i]!.d);
    });
  });

  it('the index compaction repacks, and queries still find every zone', () => {
    const zones = manyZones();
    const before = zones.map(numbersOf);
    const index = ZoneIndex.build(zones.slice(0, 200), { strategy: 'rtree' });
    for (const z of zones.slice(200)) index.upsert(z);
    index.compact();
    expect(zones.map(numbersOf)).toEqual(before);
    for (const z of zones) {
      const seen: string[] = [];
      index.forEachNear(z.lat0, z.lon0, (c) => seen.push(c.zoneId));
      expect(seen).toContain(z.zoneId);
    }
  });
});

describe('PackedZone: what it derives instead of storing', () => {
  it('kind, shape, severity, the haversine choice and the schedule read back for every combination, also once moved to the last slot of a chunk', () => {
    const schedule = {
      tz: 'Europe/London',
      windows: [{ days: ['mon' as const], start: '08:00', end: '16:00' }],
    };
    let i = 0;
    for (const kind of ['exclusion', 'inclusion'] as const)
      for (const severity of ['P1', 'P2', 'P3'] as const)
        for (const big of [false, true])
          for (const shape of ['circle', 'polygon'] as const)
            for (const sched of [undefined, schedule]) {
              const extra = { zoneId: `c${i++}`, kind, severity, schedule: sched };
              const z = compileZone(
                shape === 'circle'
                  ? circleZone(-1, 52, big ? 9_000 : 150, extra)
                  : polygonZone([starRing(-1, 52, [200, 150, 260, 180, 230])], extra),
              ) as PackedZone;
              const numbers = numbersOf(z);
              const rings = [z.coords.length, z.ringEnds.length, z.polygonEnds.length];
              for (const moved of [false, true]) {
                if (moved) z.moveTo(new Float64Array(128 * z.stride), 127 * z.stride);
                expect([z.kind, z.severity, z.shape, z.schedule]).toEqual([kind, severity, shape, sched]);
                expect(z.haversine).toBe(shape === 'circle' && big);
                expect(numbersOf(z)).toEqual(numbers);
                expect([z.coords.length, z.ringEnds.length, z.polygonEnds.length]).toEqual(rings);
              }
              expect(rings[0]! > 0).toBe(shape === 'polygon');
            }
  });

  it("kx equals the projection's, and a circle's projected bbox is ±radiusM, bit for bit", () => {
    for (const z of manyZones()) {
      expect(z.kx).toBe(localProjection(z.lat0, z.lon0).kx);
      if (z.shape === 'circle')
        expect([z.pMinX, z.pMinY, z.pMaxX, z.pMaxY]).toEqual([-z.radiusM, -z.radiusM, z.radiusM, z.radiusM]);
      else expect(z.pMaxX - z.pMinX).toBeGreaterThan(300);
    }
  });

  it('refuses numbers it could not derive back, and a subject id that is not its own', () => {
    const numbers = {
      warningM: 0,
      validFrom: 0,
      validTo: 1,
      minLon: 0,
      minLat: 0,
      maxLon: 1,
      maxLat: 1,
      lat0: 52,
      lon0: 0,
      kx: 1,
      cos0: 0.6,
      tan0: 1.3,
      radiusM: 10,
      pMinX: -10,
      pMinY: -10,
      pMaxX: 10,
      pMaxY: 10,
    };
    const make = (n: typeof numbers) =>
      new PackedZone(
        'z',
        's',
        'exclusion',
        'P1',
        undefined,
        undefined,
        'circle',
        false,
        new Float64Array(0),
        new Int32Array(0),
        new Int32Array(0),
        n,
      );
    expect(() => make(numbers)).toThrow(/kx/);
    const kx = localProjection(52, 0).kx;
    const cos0 = localProjection(52, 0).cos0;
    expect(() => make({ ...numbers, kx, cos0, pMaxY: 11 })).toThrow(/radiusM/);
    expect(() => make({ ...numbers, kx, cos0 })).toThrow(/centre and reach/);
    const box = compileZone(circleZone(0, 52, 10, { warningM: 0 }));
    const bbox = { minLon: box.minLon, minLat: box.minLat, maxLon: box.maxLon, maxLat: box.maxLat };
    expect(() => make({ ...numbers, kx, cos0, ...bbox, maxLat: bbox.maxLat + 1e-12 })).toThrow(
      /centre and reach/,
    );
    const z = make({ ...numbers, kx, cos0, ...bbox });
    expect([z.minLon, z.minLat, z.maxLon, z.maxLat]).toEqual([
      bbox.minLon,
      bbox.minLat,
      bbox.maxLon,
      bbox.maxLat,
    ]);
    expect(z.kx).toBe(kx);
    expect(() => z.shareSubjectId('t')).toThrow(/subject/);
    z.shareSubjectId(['s'].join(''));
    expect(z.subjectId).toBe('s');
  });
});

describe('PackedZone: dead slots are freed by compaction', () => {
  const chunksOf = (zones: readonly CompiledZone[]) =>
    new Set(zones.map((z) => (z as PackedZone).slabOf())).size;

  it('zones kept from a sparse set move to fresh chunks; a dense set is left in place', () => {
    // 1,280 compiled, one in ten kept (superseded versions, deletions): 128 zones over 10 chunks.
    const all: CompiledZone[] = [];
    for (let i = 0; i < 1280; i++)
      all.push(compileZone(circleZone(-3 + i * 1e-3, 52, 100, { zoneId: `z${i}` })));
    const kept = all.filter((_, i) => i % 10 === 0);
    const before = kept.map(numbersOf);
    expect(chunksOf(kept)).toBeGreaterThanOrEqual(10);
    const index = ZoneIndex.build(kept);
    expect(chunksOf(kept)).toBe(1);
    expect(kept.map(numbersOf)).toEqual(before);
    expect(index.get('z10')?.lon0).toBe(-3 + 10 * 1e-3);

    // Circles (open and windowed) and polygons interleaved, compiled in order: each fills chunks of its own stride,
    // densely, so this set too is left in place.
    const dense = manyZones();
    const slabs = dense.map((z) => (z as PackedZone).slabOf());
    ZoneIndex.build(dense);
    expect(dense.every((z, k) => (z as PackedZone).slabOf() === slabs[k])).toBe(true);
  });
});

describe('PackedZone: what it keeps of the source message', () => {
  const schedule = {
    tz: 'Europe/London',
    windows: [{ days: ['mon' as const], start: '19:00', end: '07:00' }],
  };

  it('keeps the schedule, and not the geometry or label', () => {
    const z = compileZone(circleZone(-1.23456, 52.34567, 150, { label: 'Flat 3, Acacia Road', schedule }));
    expect(z.schedule).toEqual(schedule);
    expect('zone' in z).toBe(false);
    expect('label' in z).toBe(false);
    expect('geometry' in z).toBe(false);
    expect(compileZone(circleZone(0, 51, 100)).schedule).toBeUndefined();
  });

  it('serialises to ids only: no position of it or of the zones sharing its slab', () => {
    const neighbour = compileZone(circleZone(-2.98765, 53.87654, 150, { zoneId: 'n' }));
    const z = compileZone(circleZone(-1.23456, 52.34567, 150, { label: 'Flat 3, Acacia Road', version: 4 }));
    const text = JSON.stringify({ z, neighbour });
    expect(JSON.parse(text)).toEqual({
      z: { zoneId: 'z1', subjectId: 's1', kind: 'exclusion', shape: 'circle', version: 4 },
      neighbour: { zoneId: 'n', subjectId: 's1', kind: 'exclusion', shape: 'circle' },
    });
    for (const secret of ['1.23456', '52.3456', '2.98765', '53.8765', 'Acacia']) {
      expect(text).not.toContain(secret);
    }
  });
});
