/**
 * Seeded micro-benchmark of the geo hot path: ns per signedDistanceM (circle, 16- and 200-vertex
 * polygons) and per forEachCandidate / forEachNear at 10k / 100k / 1M zones over Great Britain,
 * for both candidate strategies. Plain timing loops over pre-generated inputs, so the numbers are
 * comparable between runs and commits.
 *
 *   npx tsx bench/core-geo.bench.ts            # all sizes
 *   npx tsx bench/core-geo.bench.ts 10000      # only the given zone counts
 *   node --expose-gc --import tsx bench/core-geo.bench.ts   # steadier: GC between measurements
 */
import type { Zone } from '../src/contract/index.js';
import { type CompiledZone, compileZone, signedDistanceM, ZoneIndex } from '../src/geo/index.js';

const M_PER_DEG = 6371008.8 * (Math.PI / 180);
// Great Britain, roughly: Land's End to Caithness.
const GB = { minLon: -5.5, maxLon: 1.7, minLat: 50.0, maxLat: 58.5 };

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function offset(lon: number, lat: number, eastM: number, northM: number): [number, number] {
  return [lon + eastM / (M_PER_DEG * Math.cos((lat * Math.PI) / 180)), lat + northM / M_PER_DEG];
}

function star(rnd: () => number, lon: number, lat: number, n: number, sizeM: number): number[][] {
  const ring: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 2 * Math.PI;
    const r = sizeM * (0.6 + 0.4 * rnd());
    ring.push(offset(lon, lat, r * Math.cos(a), r * Math.sin(a)));
  }
  ring.push([...ring[0]!]);
  return ring;
}

/** Collect garbage between measurements when run with --expose-gc (see the header). */
const gc = (globalThis as { gc?: () => void }).gc;

/**
 * ns per iteration of `body(reps)`, best of `rounds`. `reps` is calibrated so one round takes
 * ~250 ms: slow paths (the R-tree at 1M zones) finish, fast ones still average away timer noise.
 */
function time(rounds: number, body: (reps: number) => number): number {
  let sink = 0;
  gc?.();
  let reps = 1000;
  for (;;) {
    const t0 = performance.now();
    sink += body(reps);
    const ms = performance.now() - t0;
    if (ms >= 25) {
      reps = Math.max(1000, Math.ceil((reps * 250) / ms));
      break;
    }
    reps *= 4;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    sink += body(reps);
    const ns = ((performance.now() - t0) * 1e6) / reps;
    if (ns < best) best = ns;
  }
  if (sink === 42.4242) console.log('');
  return best;
}

const POINTS = 4096;

function benchSignedDistance(): void {
  const rnd = mulberry32(1);
  const lon = -0.12;
  const lat = 51.5;
  const zones: [string, CompiledZone][] = [
    ['circle r=200 m', compileZone(zone('c', 's', { type: 'Point', coordinates: [lon, lat] }, 200))],
    [
      'polygon 16 vertices',
      compileZone(zone('p16', 's', { type: 'Polygon', coordinates: [star(rnd, lon, lat, 16, 300)] })),
    ],
    [
      'polygon 200 vertices',
      compileZone(zone('p200', 's', { type: 'Polygon', coordinates: [star(rnd, lon, lat, 200, 300)] })),
    ],
  ];
  // Fixes within 1 km of the centre: a mix of inside and outside.
  const lats = new Float64Array(POINTS);
  const lons = new Float64Array(POINTS);
  for (let i = 0; i < POINTS; i++) {
    const r = 1000 * Math.sqrt(rnd());
    const a = rnd() * 2 * Math.PI;
    [lons[i], lats[i]] = offset(lon, lat, r * Math.cos(a), r * Math.sin(a));
  }
  console.log('signedDistanceM (fixes within 1 km, best of 5)');
  for (const [name, z] of zones) {
    const ns = time(5, (n) => {
      let acc = 0;
      for (let i = 0; i < n; i++) acc += signedDistanceM(z, lats[i & (POINTS - 1)]!, lons[i & (POINTS - 1)]!);
      return acc;
    });
    console.log(`  ${name.padEnd(22)} ${ns.toFixed(1).padStart(8)} ns`);
  }
}

function zone(
  zoneId: string,
  subjectId: string,
  geometry: Zone['geometry'],
  radiusM?: number,
  extra: Partial<Zone> = {},
): Zone {
  return {
    zoneId,
    subjectId,
    kind: 'exclusion',
    geometry,
    ...(radiusM === undefined ? {} : { radiusM }),
    ...extra,
  };
}

/**
 * `count` zones for count/3 subjects: each subject has 3 zones near a home point (70% circles of
 * 100-500 m, 25% 16-vertex polygons, 5% inclusion circles of 2-10 km), warning rings up to 500 m.
 */
function makeZones(count: number, rnd: () => number): { zones: CompiledZone[]; homes: Float64Array } {
  const subjects = Math.ceil(count / 3);
  const homes = new Float64Array(subjects * 2);
  const zones: CompiledZone[] = [];
  for (let s = 0; s < subjects; s++) {
    const hlon = GB.minLon + rnd() * (GB.maxLon - GB.minLon);
    const hlat = GB.minLat + rnd() * (GB.maxLat - GB.minLat);
    homes[2 * s] = hlon;
    homes[2 * s + 1] = hlat;
    for (let k = 0; k < 3 && zones.length < count; k++) {
      const [lon, lat] = offset(hlon, hlat, (rnd() - 0.5) * 10_000, (rnd() - 0.5) * 10_000);
      const u = rnd();
      const id = `zone-${s}-${k}`;
      const subjectId = `subject-${s}`;
      const warningM = rnd() < 0.5 ? Math.round(rnd() * 500) : undefined;
      let z: Zone;
      if (u < 0.05) {
        z = zone(id, subjectId, { type: 'Point', coordinates: [lon, lat] }, 2000 + rnd() * 8000, {
          kind: 'inclusion',
        });
      } else if (u < 0.3) {
        z = zone(id, subjectId, { type: 'Polygon', coordinates: [star(rnd, lon, lat, 16, 300)] }, undefined, {
          warningM,
        });
      } else {
        z = zone(id, subjectId, { type: 'Point', coordinates: [lon, lat] }, 100 + rnd() * 400, { warningM });
      }
      zones.push(compileZone(z));
    }
  }
  return { zones, homes };
}

function benchIndex(count: number): void {
  const rnd = mulberry32(count);
  let t0 = performance.now();
  const { zones, homes } = makeZones(count, rnd);
  const compileMs = performance.now() - t0;
  const subjects = homes.length / 2;

  // Queries: 90% a subject near its own home (within 6 km), 10% a subject anywhere in GB.
  const Q = 1 << 16;
  const qSubject: string[] = [];
  const qLat = new Float64Array(Q);
  const qLon = new Float64Array(Q);
  for (let i = 0; i < Q; i++) {
    const s = Math.floor(rnd() * subjects);
    qSubject.push(`subject-${s}`);
    if (rnd() < 0.9) {
      [qLon[i], qLat[i]] = offset(
        homes[2 * s]!,
        homes[2 * s + 1]!,
        (rnd() - 0.5) * 12_000,
        (rnd() - 0.5) * 12_000,
      );
    } else {
      qLon[i] = GB.minLon + rnd() * (GB.maxLon - GB.minLon);
      qLat[i] = GB.minLat + rnd() * (GB.maxLat - GB.minLat);
    }
  }

  console.log(
    `\n${count.toLocaleString('en-GB')} zones, ${subjects.toLocaleString('en-GB')} subjects (compile ${compileMs.toFixed(0)} ms)`,
  );
  // The floor for any subject-keyed lookup: one Map.get per query over the same subjects.
  const bySubject = new Map<string, CompiledZone>();
  for (const z of zones) bySubject.set(z.subjectId, z);
  const nsMap = time(3, (n) => {
    let hits = 0;
    for (let i = 0; i < n; i++) if (bySubject.get(qSubject[i & (Q - 1)]!) !== undefined) hits++;
    return hits;
  });
  console.log(`  baseline Map.get           ${nsMap.toFixed(1).padStart(8)} ns   (one lookup by subjectId)`);
  for (const strategy of ['hybrid', 'rtree'] as const) {
    gc?.();
    t0 = performance.now();
    const index = ZoneIndex.build(zones, { strategy });
    const buildMs = performance.now() - t0;
    let visited = 0;
    let queries = 0;
    const visit = (_z: CompiledZone) => {
      visited++;
    };
    const ns = time(3, (n) => {
      for (let i = 0; i < n; i++) {
        const q = i & (Q - 1);
        index.forEachCandidate(qSubject[q]!, qLat[q]!, qLon[q]!, visit);
      }
      queries += n;
      return visited;
    });
    console.log(
      `  forEachCandidate ${strategy.padEnd(7)} ${ns.toFixed(1).padStart(8)} ns   (build ${buildMs.toFixed(0)} ms, ${(visited / queries).toFixed(2)} visits/query)`,
    );
    if (strategy === 'rtree') {
      visited = 0;
      queries = 0;
      const nsNear = time(3, (n) => {
        for (let i = 0; i < n; i++) {
          const q = i & (Q - 1);
          index.forEachNear(qLat[q]!, qLon[q]!, visit);
        }
        queries += n;
        return visited;
      });
      console.log(
        `  forEachNear (any subject) ${nsNear.toFixed(1).padStart(8)} ns   (${(visited / queries).toFixed(2)} visits/query)`,
      );
      // Live edits: replace a zone in place (remove + insert in the R-tree).
      const upserts = 20_000;
      t0 = performance.now();
      for (let i = 0; i < upserts; i++) index.upsert(zones[Math.floor(rnd() * zones.length)]!);
      console.log(
        `  upsert (replace)          ${(((performance.now() - t0) * 1e3) / upserts).toFixed(2).padStart(8)} µs`,
      );
    }
  }
}

/**
 * Where scanning a subject's own boxes stops beating the R-tree: one subject with k exclusion
 * zones within ~20 km, among `background` zones of other subjects.
 */
function benchScanCrossover(background: number): void {
  const rnd = mulberry32(7);
  const { zones } = makeZones(background, rnd);
  console.log(
    `\nOne subject with k zones among ${background.toLocaleString('en-GB')} others: scan vs R-tree`,
  );
  const Q = 4096;
  for (const k of [4, 16, 64, 256, 1024]) {
    const own: CompiledZone[] = [];
    for (let i = 0; i < k; i++) {
      const [lon, lat] = offset(-1.5, 53, (rnd() - 0.5) * 20_000, (rnd() - 0.5) * 20_000);
      own.push(
        compileZone(
          zone(`big-${i}`, 'big', { type: 'Point', coordinates: [lon, lat] }, 200, { warningM: 100 }),
        ),
      );
    }
    const qLat = new Float64Array(Q);
    const qLon = new Float64Array(Q);
    for (let i = 0; i < Q; i++)
      [qLon[i], qLat[i]] = offset(-1.5, 53, (rnd() - 0.5) * 24_000, (rnd() - 0.5) * 24_000);
    const row: string[] = [];
    for (const [name, options] of [
      ['scan', { scanLimit: Number.POSITIVE_INFINITY }],
      ['rtree', { strategy: 'rtree' }],
    ] as const) {
      const index = ZoneIndex.build([...zones, ...own], options);
      let visited = 0;
      const visit = () => {
        visited++;
      };
      const ns = time(3, (n) => {
        for (let i = 0; i < n; i++)
          index.forEachCandidate('big', qLat[i & (Q - 1)]!, qLon[i & (Q - 1)]!, visit);
        return visited;
      });
      row.push(`${name} ${ns.toFixed(0).padStart(6)} ns`);
    }
    console.log(`  k=${String(k).padEnd(5)} ${row.join('   ')}`);
  }
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
console.log(`node ${process.version}, seeded (mulberry32)${gc ? ', gc between runs' : ''}`);
benchSignedDistance();
for (const n of sizes.length > 0 ? sizes : [10_000, 100_000, 1_000_000]) benchIndex(n);
if (sizes.length === 0 || process.argv.includes('crossover')) benchScanCrossover(100_000);
