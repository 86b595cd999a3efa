/**
 * The zone index alone, at a given count of circle zones (shaped like bench/core.bench.ts's: two
 * exclusion circles of 100-500 m with 500-1000 m warning rings per subject, over Great Britain):
 *
 * - build: ZoneIndex.build over already compiled zones (start-up from a snapshot), with the
 *   default strategy ('hybrid', the worker's) and with 'rtree' (every zone in the R-tree);
 * - streamed: a fresh default index fed one upsert per zone (how the worker loads the zones topic);
 * - heap: bytes per zone held by each built index alone (JS heap plus typed-array storage);
 * - near / rtree: ns per point query over the whole index (forEachNear, and forEachCandidate
 *   with strategy 'rtree'); hybrid: the default per-subject path;
 * - upsert: µs per live replacement, on the default index and on the 'rtree' one.
 *
 *   node --expose-gc --max-old-space-size=8192 --import tsx bench/core-index.bench.ts 100000
 *   ... --src <dir>    measure another checkout's src/geo (e.g. the commit before, for a ratio)
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Zone } from '../src/contract/index.js';
import type * as Geo from '../src/geo/index.js';
import { Rng } from '../src/sim/prng.js';

const M_PER_DEG = 6371008.8 * (Math.PI / 180);
const GB = { minLon: -5.5, maxLon: 1.7, minLat: 50.0, maxLat: 58.5 };

const argv = process.argv.slice(2);
const srcIdx = argv.indexOf('--src');
const srcDir = srcIdx >= 0 ? resolve(argv[srcIdx + 1]!) : resolve(import.meta.dirname, '../src');
const count = Number(argv.find((a, i) => /^\d+$/.test(a) && argv[i - 1] !== '--src') ?? 100_000);
const geo = (await import(pathToFileURL(`${srcDir}/geo/index.ts`).href)) as typeof Geo;

const gc = () => {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
};
const heap = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const rng = Rng.derive(1, count, 1);
const zones: Geo.CompiledZone[] = [];
for (let s = 0; zones.length < count; s++) {
  const lat0 = rng.uniform(GB.minLat, GB.maxLat);
  const lon0 = rng.uniform(GB.minLon, GB.maxLon);
  for (let k = 0; k < 2 && zones.length < count; k++) {
    const lat = lat0 + rng.uniform(-2000, 2000) / M_PER_DEG;
    const lon = lon0 + rng.uniform(-2000, 2000) / (M_PER_DEG * Math.cos((lat0 * Math.PI) / 180));
    const z: Zone = {
      zoneId: `Z${zones.length}`,
      subjectId: `S${s}`,
      kind: 'exclusion',
      warningM: Math.round(rng.uniform(500, 1000)),
      geometry: { type: 'Point', coordinates: [lon, lat] },
      radiusM: rng.uniform(100, 500),
    };
    zones.push(geo.compileZone(z));
  }
}
const Q = 1 << 15;
const qLat = new Float64Array(Q);
const qLon = new Float64Array(Q);
const qSubject: string[] = [];
for (let i = 0; i < Q; i++) {
  const z = zones[rng.int(0, zones.length - 1)]!;
  qLat[i] = (z.minLat + z.maxLat) / 2 + rng.uniform(-0.02, 0.02);
  qLon[i] = (z.minLon + z.maxLon) / 2 + rng.uniform(-0.03, 0.03);
  qSubject.push(z.subjectId);
}

/** Build an index of every zone: seconds, and heap bytes per zone it holds. */
function timedBuild(options: Geo.ZoneIndexOptions): { index: Geo.ZoneIndex; s: number; bytes: number } {
  gc();
  const heap0 = heap();
  const t = performance.now();
  const index = geo.ZoneIndex.build(zones, options);
  const s = (performance.now() - t) / 1000;
  gc();
  return { index, s, bytes: (heap() - heap0) / count };
}
// A first build pays one-time costs (~45 B a zone on the heap, and time) that later builds do
// not: discard it, so the two measured builds compare.
timedBuild({});
const hybridBuild = timedBuild({});
const hybrid = hybridBuild.index;
const rtreeBuild = timedBuild({ strategy: 'rtree' });
const built = rtreeBuild.index;
let t0 = 0;

gc();
t0 = performance.now();
const streamed = new geo.ZoneIndex();
for (const z of zones) streamed.upsert(z);
const streamedS = (performance.now() - t0) / 1000;

function nsPerQuery(run: (i: number) => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) {
    t0 = performance.now();
    for (let i = 0; i < 4 * Q; i++) run(i & (Q - 1));
    best = Math.min(best, ((performance.now() - t0) * 1e6) / (4 * Q));
  }
  return best;
}
let visits = 0;
const visit = () => {
  visits++;
};
const nearNs = nsPerQuery((i) => built.forEachNear(qLat[i]!, qLon[i]!, visit));
const rtreeNs = nsPerQuery((i) => built.forEachCandidate(qSubject[i]!, qLat[i]!, qLon[i]!, visit));
const hybridNs = nsPerQuery((i) => hybrid.forEachCandidate(qSubject[i]!, qLat[i]!, qLon[i]!, visit));
const upserts = 20_000;
function upsertUs(index: Geo.ZoneIndex): number {
  const t = performance.now();
  for (let i = 0; i < upserts; i++) index.upsert(zones[rng.int(0, zones.length - 1)]!);
  return ((performance.now() - t) * 1000) / upserts;
}
const hybridUpsertUs = upsertUs(hybrid);
const rtreeUpsertUs = upsertUs(built);

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
console.log(
  JSON.stringify({
    src: srcDir,
    zones: count,
    buildS: round(hybridBuild.s, 3),
    rtreeBuildS: round(rtreeBuild.s, 3),
    streamedS: round(streamedS, 3),
    heapBytesPerZone: Math.round(hybridBuild.bytes),
    rtreeHeapBytesPerZone: Math.round(rtreeBuild.bytes),
    nearNs: round(nearNs, 1),
    rtreeNs: round(rtreeNs, 1),
    hybridNs: round(hybridNs, 1),
    upsertUs: round(hybridUpsertUs, 2),
    rtreeUpsertUs: round(rtreeUpsertUs, 2),
    sizes: [streamed.size, visits > 0],
  }),
);
