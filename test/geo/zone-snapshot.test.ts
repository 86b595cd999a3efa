/**
 * The static-plus-delta spatial index: the flatbush snapshot's own point query against brute
 * force, and ZoneIndex staying exact across compactions (explicit, due and automatic) interleaved
 * with upserts, replacements and removals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledZone, compileZone, ZoneIndex, type ZoneIndexOptions } from '../../src/geo/index.js';
import { ZoneSnapshot } from '../../src/geo/zone-snapshot.js';
import { circleZone } from './geo-fixtures.js';

function circle(zoneId: string, subjectId: string, lon: number, lat: number, radiusM = 100): CompiledZone {
  return compileZone(circleZone(lon, lat, radiusM, { zoneId, subjectId }));
}

function inBox(z: CompiledZone, lat: number, lon: number): boolean {
  return lon >= z.minLon && lon <= z.maxLon && lat >= z.minLat && lat <= z.maxLat;
}

function uniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0x7fffffff }).map((i) => min + ((max - min) * i) / 0x7fffffff);
}

describe('ZoneSnapshot', () => {
  it('finds exactly the boxes containing the point, for 1 to 5000 zones and several node sizes', () => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const n of [1, 2, 15, 16, 17, 255, 256, 257, 5000]) {
      const zones: CompiledZone[] = [];
      for (let i = 0; i < n; i++)
        zones.push(circle(`z${i}`, `s${i % 7}`, rnd() * 0.5, 51 + rnd() * 0.5, 50 + rnd() * 3000));
      for (const nodeSize of [2, 4, 16]) {
        const snap = ZoneSnapshot.build(zones, nodeSize)!;
        expect(snap.size).toBe(n);
        for (let q = 0; q < 200; q++) {
          const lon = -0.01 + rnd() * 0.52;
          const lat = 50.99 + rnd() * 0.52;
          const got: string[] = [];
          snap.queryPoint(lon, lat, undefined, undefined, (z) => got.push(z.zoneId));
          const want = zones.filter((z) => inBox(z, lat, lon)).map((z) => z.zoneId);
          expect(got.sort()).toEqual(want.sort());
          const mine: string[] = [];
          snap.queryPoint(lon, lat, 's3', new Set(['z3', 'z10']), (z) => mine.push(z.zoneId));
          expect(mine.sort()).toEqual(
            want.filter((id) => id !== 'z3' && id !== 'z10' && Number(id.slice(1)) % 7 === 3).sort(),
          );
        }
      }
    }
  }, 180_000); // a few seconds on an idle core; a loaded shared machine is far slower

  it('builds nothing for no zones', () => {
    expect(ZoneSnapshot.build([])).toBeUndefined();
  });

  it('answers a query nested in a visit (its own stack)', () => {
    const zones = Array.from({ length: 300 }, (_, i) =>
      circle(`z${i}`, 's', (i % 20) * 0.001, 51 + Math.floor(i / 20) * 0.001, 200),
    );
    const snap = ZoneSnapshot.build(zones, 4)!;
    const outer: string[] = [];
    const inner: number[] = [];
    snap.queryPoint(0.01, 51.007, undefined, undefined, (z) => {
      outer.push(z.zoneId);
      let k = 0;
      snap.queryPoint(0.0, 51.0, undefined, undefined, () => k++);
      inner.push(k);
    });
    expect(outer.sort()).toEqual(
      zones
        .filter((z) => inBox(z, 51.007, 0.01))
        .map((z) => z.zoneId)
        .sort(),
    );
    expect(new Set(inner)).toEqual(new Set([zones.filter((z) => inBox(z, 51, 0)).length]));
  });
});

describe('ZoneIndex snapshot plus delta', () => {
  it('shows every edit at once, before and after compaction', () => {
    const index = ZoneIndex.build([circle('a', 's', 0, 51), circle('b', 's', 1, 51)], { strategy: 'rtree' });
    expect(index.detail()).toMatchObject({ snapshot: 2, delta: 0, stale: 0 });
    index.upsert(circle('a', 's', 2, 52)); // replace: snapshot copy goes stale, new one in the delta
    index.remove('b');
    index.upsert(circle('c', 's', 0, 51));
    expect(index.detail()).toMatchObject({ snapshot: 2, delta: 2, stale: 2 });
    const at = (lat: number, lon: number) => {
      const ids: string[] = [];
      index.forEachNear(lat, lon, (z) => ids.push(z.zoneId));
      index.forEachCandidate('s', lat, lon, (z) => ids.push(`s:${z.zoneId}`));
      return ids.sort();
    };
    const before = [at(51, 0), at(51, 1), at(52, 2)];
    expect(before).toEqual([['c', 's:c'], [], ['a', 's:a']]);
    index.compact();
    expect(index.detail()).toMatchObject({ snapshot: 2, delta: 0, stale: 0 });
    expect([at(51, 0), at(51, 1), at(52, 2)]).toEqual(before);
    index.remove('a');
    index.remove('c');
    index.compact();
    expect(index.detail().snapshot).toBe(0);
    expect([at(51, 0), at(52, 2)]).toEqual([[], []]);
  });

  it('compacts by itself once the delta outgrows its share, and when due', () => {
    const index = new ZoneIndex({
      strategy: 'rtree',
      autoCompact: { fraction: 0.5, minDelta: 10 },
      dueCompact: { fraction: 0.1, minDelta: 3 },
    });
    for (let i = 0; i < 11; i++) index.upsert(circle(`z${i}`, 's', i * 0.01, 51));
    expect(index.detail()).toMatchObject({ snapshot: 11, delta: 0, compactions: 1 });
    expect(index.compactIfDue()).toBe(false);
    for (let i = 0; i < 4; i++) index.remove(`z${i}`);
    expect(index.deltaSize).toBe(4);
    expect(index.compactIfDue()).toBe(true);
    expect(index.detail()).toMatchObject({ snapshot: 7, delta: 0, stale: 0, compactions: 2 });
  });

  const spec = fc.record({
    id: fc.integer({ min: 0, max: 40 }),
    subject: fc.constantFrom('s0', 's1', 'busy', 'busy'),
    lon: uniform(0, 0.2),
    lat: uniform(51, 51.2),
    sizeM: uniform(20, 3000),
  });
  const op = fc.oneof(
    { weight: 6, arbitrary: spec },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 40 }) },
    { weight: 1, arbitrary: fc.constant('compact' as const) },
  );
  const OPTIONS: ZoneIndexOptions[] = [
    { strategy: 'rtree', autoCompact: { fraction: 0.3, minDelta: 2 } },
    { scanLimit: 2, maxEntries: 4, autoCompact: { fraction: 0.5, minDelta: 5 } },
    { strategy: 'rtree', autoCompact: { fraction: Number.POSITIVE_INFINITY, minDelta: 0 } },
  ];

  it.each(OPTIONS.map((o, i) => [i, o] as const))(
    'equals brute force across compactions (options %i)',
    (_i, options) => {
      fc.assert(
        fc.property(
          fc.array(op, { minLength: 1, maxLength: 120 }),
          fc.array(fc.record({ lon: uniform(-0.01, 0.21), lat: uniform(50.99, 51.21) }), {
            minLength: 1,
            maxLength: 10,
          }),
          (ops, points) => {
            const truth = new Map<string, CompiledZone>();
            const index = new ZoneIndex(options);
            const check = () => {
              for (const { lon, lat } of points) {
                const want = [...truth.values()].filter((z) => inBox(z, lat, lon));
                if (options.strategy === 'rtree') {
                  const near: string[] = [];
                  index.forEachNear(lat, lon, (z) => {
                    expect(truth.get(z.zoneId)).toBe(z);
                    near.push(z.zoneId);
                  });
                  expect(near.sort()).toEqual(want.map((z) => z.zoneId).sort());
                }
                for (const s of ['s0', 's1', 'busy']) {
                  const got: string[] = [];
                  index.forEachCandidate(s, lat, lon, (z) => got.push(z.zoneId));
                  expect(got.sort()).toEqual(
                    want
                      .filter((z) => z.subjectId === s)
                      .map((z) => z.zoneId)
                      .sort(),
                  );
                }
              }
            };
            for (const o of ops) {
              if (o === 'compact') index.compact();
              else if (typeof o === 'number') expect(index.remove(`z${o}`)).toBe(truth.delete(`z${o}`));
              else {
                const z = circle(`z${o.id}`, o.subject, o.lon, o.lat, o.sizeM);
                index.upsert(z);
                truth.set(z.zoneId, z);
              }
              check();
            }
            expect(index.size).toBe(truth.size);
            // The tree holds every zone ('rtree'), or the zones of subjects past the scan limit.
            const d = index.detail();
            const perSubject = new Map<string, number>();
            for (const z of truth.values())
              perSubject.set(z.subjectId, (perSubject.get(z.subjectId) ?? 0) + 1);
            const big = [...perSubject.values()].filter((n) => n > (options.scanLimit ?? 64));
            const treeZones = options.strategy === 'rtree' ? truth.size : big.reduce((a, b) => a + b, 0);
            expect(d.snapshot - d.stale + d.delta).toBe(treeZones);
          },
        ),
        { numRuns: 120, seed: 14 },
      );
    },
    180_000,
  );
});
