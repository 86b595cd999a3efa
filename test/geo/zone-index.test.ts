import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Zone } from '../../src/contract/index.js';
import {
  type CompiledZone,
  compileZone,
  type SubjectZones,
  ZoneIndex,
  type ZoneIndexOptions,
} from '../../src/geo/index.js';
import { circleZone, polygonZone, starRing } from './geo-fixtures.js';

function circle(
  zoneId: string,
  subjectId: string,
  lon: number,
  lat: number,
  extra: Partial<Zone> = {},
): CompiledZone {
  return compileZone(circleZone(lon, lat, 100, { zoneId, subjectId, ...extra }));
}

function candidates(index: ZoneIndex, subjectId: string, lat: number, lon: number): string[] {
  const seen: string[] = [];
  index.forEachCandidate(subjectId, lat, lon, (z) => seen.push(z.zoneId));
  return seen.sort();
}

function near(index: ZoneIndex, lat: number, lon: number): string[] {
  const seen: string[] = [];
  index.forEachNear(lat, lon, (z) => seen.push(z.zoneId));
  return seen.sort();
}

/**
 * What forEachNear must give: `want` from an 'rtree' index, which holds every zone in its tree;
 * a hybrid index's tree holds only big subjects' zones, so it must refuse the question.
 */
function expectNear(
  options: ZoneIndexOptions,
  index: ZoneIndex,
  lat: number,
  lon: number,
  want: string[],
): void {
  if (options.strategy === 'rtree') expect(near(index, lat, lon)).toEqual(want);
  else expect(() => near(index, lat, lon)).toThrow(/strategy 'rtree'/);
}

/**
 * The tree zones the index must hold (snapshot − stale + delta): every zone for 'rtree', else the
 * exclusion zones of subjects with more than the scan limit of them.
 */
function expectedTreeSize(options: ZoneIndexOptions, zones: Iterable<CompiledZone>): number {
  const all = [...zones];
  if (options.strategy === 'rtree') return all.length;
  const limit = options.scanLimit ?? 64;
  const exclusions = new Map<string, number>();
  for (const z of all)
    if (z.kind === 'exclusion') exclusions.set(z.subjectId, (exclusions.get(z.subjectId) ?? 0) + 1);
  let n = 0;
  for (const count of exclusions.values()) if (count > limit) n += count;
  return n;
}

function treeSize(index: ZoneIndex): number {
  const d = index.detail();
  return d.snapshot - d.stale + d.delta;
}

const STRATEGIES: [string, ZoneIndexOptions][] = [
  ['hybrid', {}],
  ['rtree', { strategy: 'rtree' }],
  ['hybrid, tiny scan limit and nodes', { scanLimit: 1, maxEntries: 4 }],
];

describe.each(STRATEGIES)('ZoneIndex (%s)', (_name, options) => {
  it('upserts, gets, counts and removes', () => {
    const index = new ZoneIndex(options);
    const a = circle('a', 's1', 0, 51);
    index.upsert(a);
    index.upsert(circle('b', 's1', 1, 51));
    expect(index.size).toBe(2);
    expect(index.get('a')).toBe(a);
    expect(candidates(index, 's1', 51, 0)).toEqual(['a']);
    expect(index.remove('a')).toBe(true);
    expect(index.remove('a')).toBe(false);
    expect(index.get('a')).toBeUndefined();
    expect(index.size).toBe(1);
    expect(candidates(index, 's1', 51, 0)).toEqual([]);
    expectNear(options, index, 51, 0, []);
  });

  it('replaces a zone atomically: never seen at its old position, nor twice', () => {
    const index = new ZoneIndex(options);
    index.upsert(circle('a', 's1', 0, 51, { version: 1 }));
    index.upsert(circle('a', 's1', 2, 52, { version: 2 }));
    expect(index.size).toBe(1);
    expect(candidates(index, 's1', 51, 0)).toEqual([]);
    expectNear(options, index, 51, 0, []);
    expect(candidates(index, 's1', 52, 2)).toEqual(['a']);
    expect(index.get('a')?.version).toBe(2);
  });

  it('moves a zone between subjects and kinds on replace', () => {
    const index = new ZoneIndex(options);
    index.upsert(circle('a', 's1', 0, 51));
    index.upsert(circle('a', 's2', 0, 51, { kind: 'inclusion' }));
    expect(candidates(index, 's1', 51, 0)).toEqual([]);
    expect(index.inclusionZonesOf('s1')).toEqual([]);
    expect(index.inclusionZonesOf('s2').map((z) => z.zoneId)).toEqual(['a']);
    expect(candidates(index, 's2', 10, 10)).toEqual(['a']);
    index.upsert(circle('a', 's2', 0, 51));
    expect(index.inclusionZonesOf('s2')).toEqual([]);
    expect(candidates(index, 's2', 51, 0)).toEqual(['a']);
  });

  it('filters by subject and visits inclusion zones wherever the fix is, exactly once', () => {
    const index = new ZoneIndex(options);
    index.upsert(circle('home', 's1', 0, 51));
    index.upsert(circle('other-subject', 's2', 0, 51));
    index.upsert(circle('curfew', 's1', 0, 51, { kind: 'inclusion' }));
    // Inside the inclusion zone's bbox: the R-tree also finds it, but it must come once.
    expect(candidates(index, 's1', 51, 0)).toEqual(['curfew', 'home']);
    // Far away: only the inclusion zone.
    expect(candidates(index, 's1', -33, 151)).toEqual(['curfew']);
    expect(candidates(index, 'nobody', 51, 0)).toEqual([]);
    expectNear(options, index, 51, 0, ['curfew', 'home', 'other-subject']);
  });

  it('uses the warning-grown bbox', () => {
    const index = new ZoneIndex(options);
    index.upsert(circle('a', 's1', 0, 51, { warningM: 2000 }));
    expect(candidates(index, 's1', 51 + 2000 / 111_195, 0)).toEqual(['a']);
    expect(candidates(index, 's1', 51 + 2300 / 111_195, 0)).toEqual([]);
  });

  it("visits a zone for a fix exactly on its box's edge or corner, though the scan keeps float32 boxes", () => {
    const index = new ZoneIndex(options);
    const zones = [0.1234567891, -0.987654321, 179.87654321].map((lon, i) =>
      circle(`e${i}`, 'edge', lon, 51.0123456789 - i, { warningM: 333 + i }),
    );
    for (const z of zones) index.upsert(z);
    for (const z of zones) {
      expect(Math.fround(z.maxLon)).not.toBe(z.maxLon); // the double bound is not a float32
      for (const lon of [z.minLon, z.maxLon])
        for (const lat of [z.minLat, z.maxLat])
          expect(candidates(index, 'edge', lat, lon)).toContain(z.zoneId);
    }
  });

  it('handles a subject with many zones (the R-tree path in hybrid mode)', () => {
    const index = new ZoneIndex(options);
    for (let i = 0; i < 100; i++) index.upsert(circle(`z${i}`, 'busy', i * 0.01, 51));
    index.upsert(circle('x', 'quiet', 0.1, 51));
    expect(candidates(index, 'busy', 51, 0.1)).toEqual(['z10']);
    expect(candidates(index, 'busy', 51, 5)).toEqual([]);
    index.remove('z10');
    expect(candidates(index, 'busy', 51, 0.1)).toEqual([]);
    expect(treeSize(index)).toBe(options.strategy === 'rtree' ? 100 : 99);
  });
});

describe('ZoneIndex (hybrid): the tree holds only subjects past the scan limit', () => {
  it('brings a subject in as it crosses the limit, and takes it out as it falls back', () => {
    const index = new ZoneIndex({ scanLimit: 3 });
    const at = (i: number) => [51, i * 0.01] as const;
    for (let i = 0; i < 3; i++) index.upsert(circle(`z${i}`, 'busy', at(i)[1], at(i)[0]));
    index.upsert(circle('home', 'quiet', 0, 51));
    index.upsert(circle('curfew', 'busy', 0, 51, { kind: 'inclusion' }));
    expect(treeSize(index)).toBe(0); // everyone scanned
    index.upsert(circle('z3', 'busy', 0.03, 51)); // the fourth exclusion zone: past the limit
    expect(treeSize(index)).toBe(4);
    expect(candidates(index, 'busy', 51, 0.01)).toEqual(['curfew', 'z1']);
    index.compact();
    expect(index.detail()).toMatchObject({ snapshot: 4, delta: 0, stale: 0 });
    index.upsert(circle('z1', 'busy', 0.05, 51)); // replaced in place: snapshot copy stale
    expect(index.detail()).toMatchObject({ snapshot: 4, delta: 1, stale: 1 });
    expect(candidates(index, 'busy', 51, 0.01)).toEqual(['curfew']);
    expect(candidates(index, 'busy', 51, 0.05)).toEqual(['curfew', 'z1']);
    index.upsert(circle('z2', 'quiet', 0.02, 51)); // moved away: back to the scan
    expect(treeSize(index)).toBe(0);
    expect(candidates(index, 'busy', 51, 0.05)).toEqual(['curfew', 'z1']);
    expect(candidates(index, 'quiet', 51, 0.02)).toEqual(['z2']);
    index.upsert(circle('z9', 'busy', 0.09, 51)); // and past it again
    expect(treeSize(index)).toBe(4);
    expect(candidates(index, 'busy', 51, 0.09)).toEqual(['curfew', 'z9']);
    expect(candidates(index, 'busy', 51, 0)).toEqual(['curfew', 'z0']);
  });

  it('compacts once enough zones were dropped, to free their slab slots', () => {
    const index = new ZoneIndex({ autoCompact: { fraction: 0.6, minDelta: 4 } });
    for (let i = 0; i < 10; i++) index.upsert(circle(`z${i}`, `s${i}`, i * 0.01, 51));
    expect(index.detail()).toMatchObject({ snapshot: 0, delta: 0, dropped: 0, compactions: 0 });
    for (let i = 0; i < 4; i++) index.upsert(circle(`z${i}`, `s${i}`, i * 0.01, 52)); // replaced
    index.remove('z9');
    expect(index.detail()).toMatchObject({ dropped: 5, compactions: 0 }); // 5 <= 0.6 x 9
    index.remove('z8');
    expect(index.detail()).toMatchObject({ dropped: 0, compactions: 1 }); // 6 > 0.6 x 8 and > 4
    expect(candidates(index, 's0', 52, 0)).toEqual(['z0']);
    expect(candidates(index, 's0', 51, 0)).toEqual([]);
  });
});

describe('ZoneIndex.zoneOfSubject', () => {
  it("finds a zone only among its subject's, scanning a few zones or asking the id table for many", () => {
    const zones: CompiledZone[] = [];
    for (let i = 0; i < 20; i++) zones.push(circle(`busy-${i}`, 'busy', i * 0.01, 51));
    zones.push(circle('small-0', 'small', 0, 52), circle('small-1', 'small', 0.01, 52));
    const index = ZoneIndex.build(zones);
    index.upsert(circle('busy-3', 'small', 0.02, 52)); // moved to another subject
    index.remove('busy-4');
    index.remove('small-1');
    const busy = index.subjectZones('busy')!;
    const small = index.subjectZones('small')!;
    expect(busy.count).toBeGreaterThan(16); // the id-table path
    expect(small.count).toBeLessThanOrEqual(16); // the scan
    for (const [record, subject] of [
      [busy, 'busy'],
      [small, 'small'],
    ] as const) {
      for (const id of ['busy-0', 'busy-3', 'busy-4', 'busy-19', 'small-0', 'small-1', 'nope']) {
        const z = index.get(id);
        expect(index.zoneOfSubject(record, subject, id)).toBe(z?.subjectId === subject ? z : undefined);
      }
    }
    expect(index.zoneOfSubject(busy, 'busy', 'busy-3')).toBeUndefined();
    expect(index.zoneOfSubject(small, 'small', 'busy-3')?.subjectId).toBe('small');
    expect(index.zoneOfSubject(busy, 'busy', 'busy-19')?.zoneId).toBe('busy-19');
  });
});

describe('ZoneIndex.build', () => {
  it('bulk-loads, last zoneId wins', () => {
    const index = ZoneIndex.build([
      circle('a', 's1', 0, 51),
      circle('b', 's1', 1, 51),
      circle('a', 's1', 2, 51),
    ]);
    expect(index.size).toBe(2);
    expect(candidates(index, 's1', 51, 0)).toEqual([]);
    expect(candidates(index, 's1', 51, 2)).toEqual(['a']);
    index.upsert(circle('c', 's1', 2, 51));
    expect(candidates(index, 's1', 51, 2)).toEqual(['a', 'c']);
  });
});

/** Uniform over [min, max] (fc.double is uniform over bit patterns, not over the reals). */
function uniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0x7fffffff }).map((i) => min + ((max - min) * i) / 0x7fffffff);
}

// Zones packed into a 0.2° square so bboxes overlap often; 4 subjects, one with many zones.
const zoneSpec = fc.record({
  id: fc.integer({ min: 0, max: 60 }),
  subject: fc.constantFrom('s0', 's1', 's2', 'busy', 'busy', 'busy'),
  inclusion: fc.boolean(),
  lon: uniform(0, 0.2),
  lat: uniform(51, 51.2),
  sizeM: uniform(20, 3000),
  warningM: fc.oneof(fc.constant(0), uniform(0, 3000)),
  polygon: fc.boolean(),
});
type Spec = typeof zoneSpec extends fc.Arbitrary<infer T> ? T : never;

function compileSpec(s: Spec): CompiledZone {
  const extra: Partial<Zone> = {
    zoneId: `z${s.id}`,
    subjectId: s.subject,
    kind: s.inclusion ? 'inclusion' : 'exclusion',
    warningM: s.inclusion ? undefined : s.warningM,
  };
  return compileZone(
    s.polygon
      ? polygonZone([starRing(s.lon, s.lat, [s.sizeM, s.sizeM / 2, s.sizeM, s.sizeM / 3])], extra)
      : circleZone(s.lon, s.lat, s.sizeM, extra),
  );
}

/** A float32 step at |x| < 256, a bound on how far the scan's float32 boxes grow (box-slab.ts). */
const F32_SLACK = 2 ** -16;

function bruteCandidates(
  zones: Map<string, CompiledZone>,
  subjectId: string,
  lat: number,
  lon: number,
  slack = 0,
): string[] {
  const out: string[] = [];
  for (const z of zones.values()) {
    if (z.subjectId !== subjectId) continue;
    const inBox =
      lon >= z.minLon - slack &&
      lon <= z.maxLon + slack &&
      lat >= z.minLat - slack &&
      lat <= z.maxLat + slack;
    if (z.kind === 'inclusion' || inBox) out.push(z.zoneId);
  }
  return out.sort();
}

describe('ZoneIndex candidates equal brute force (property)', () => {
  it.each(STRATEGIES)('%s, after random upserts, replacements and removals', (_name, options) => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(zoneSpec, fc.integer({ min: 0, max: 60 })), { minLength: 1, maxLength: 150 }),
        fc.array(fc.record({ lon: uniform(-0.01, 0.21), lat: uniform(50.99, 51.21) }), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.boolean(),
        (ops, points, bulk) => {
          const truth = new Map<string, CompiledZone>();
          const first: CompiledZone[] = [];
          let i = 0;
          // Optionally bulk-load the leading upserts, then apply the rest one by one.
          if (bulk) {
            for (; i < ops.length && typeof ops[i] !== 'number'; i++) {
              const z = compileSpec(ops[i] as Spec);
              first.push(z);
              truth.set(z.zoneId, z);
            }
          }
          const index = bulk ? ZoneIndex.build(first, options) : new ZoneIndex(options);
          // Records taken along the way (as the engine keeps them on tag states): live exactly
          // while the index still has that record for the subject.
          const kept: SubjectZones[] = [];
          for (; i < ops.length; i++) {
            for (const subject of ['s0', 'busy']) {
              const record = index.subjectZones(subject);
              if (record?.live) kept.push(record);
            }
            const op = ops[i]!;
            if (typeof op === 'number') {
              expect(index.remove(`z${op}`)).toBe(truth.delete(`z${op}`));
            } else {
              const z = compileSpec(op);
              index.upsert(z);
              truth.set(z.zoneId, z);
            }
          }
          expect(index.size).toBe(truth.size);
          for (const record of kept)
            expect(record.live).toBe(index.subjectZones(record.subjectId) === record);
          expect(treeSize(index)).toBe(expectedTreeSize(options, truth.values()));
          // zoneOfSubject is get() plus a subject check, whether it scans the subject's lists
          // (a few zones) or asks the id table ('busy' often has more than 16).
          for (const subject of ['s0', 's1', 's2', 'busy']) {
            const record = index.subjectZones(subject);
            for (let id = 0; id <= 60; id++) {
              const z = truth.get(`z${id}`);
              const want = z?.subjectId === subject ? z : undefined;
              if (record === undefined) expect(want).toBeUndefined();
              else expect(index.zoneOfSubject(record, subject, `z${id}`)).toBe(want);
            }
          }
          for (const { lon, lat } of points) {
            for (const subject of ['s0', 's1', 's2', 'busy']) {
              const got: string[] = [];
              index.forEachCandidate(subject, lat, lon, (z) => {
                expect(truth.get(z.zoneId)).toBe(z); // never a replaced, stale zone
                got.push(z.zoneId);
              });
              // Every zone whose box holds the fix; at most a float32 step more (box-slab.ts).
              got.sort();
              const exact = bruteCandidates(truth, subject, lat, lon);
              const loose = bruteCandidates(truth, subject, lat, lon, F32_SLACK);
              expect(exact.filter((id) => !got.includes(id))).toEqual([]);
              expect(got.filter((id) => !loose.includes(id))).toEqual([]);
            }
            const expected = [...truth.values()]
              .filter((z) => lon >= z.minLon && lon <= z.maxLon && lat >= z.minLat && lat <= z.maxLat)
              .map((z) => z.zoneId)
              .sort();
            expectNear(options, index, lat, lon, expected);
          }
        },
      ),
      { numRuns: 150, seed: 2026 },
    );
  });
});
