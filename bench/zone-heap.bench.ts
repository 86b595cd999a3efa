/**
 * Heap per circle zone, by part, as a worker holds them: the compiled zones (source messages
 * dropped after compiling), the zone index built over them, and the enrolment table (one tag per
 * subject, two zones per subject, as bench/core.bench.ts). JS heap plus typed-array storage,
 * measured after two forced GCs. Seeded, so two checkouts measure the same zones.
 *
 *   node --expose-gc --import tsx bench/zone-heap.bench.ts 100000
 *   ... --src <dir>    measure another checkout's src (e.g. the commit before)
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Engine from '../src/engine/index.js';
import type * as Geo from '../src/geo/index.js';
import { Rng } from '../src/sim/prng.js';

const argv = process.argv.slice(2);
const srcIdx = argv.indexOf('--src');
const srcDir = srcIdx >= 0 ? resolve(argv[srcIdx + 1]!) : resolve(import.meta.dirname, '../src');
const count = Number(argv.find((a, i) => /^\d+$/.test(a) && argv[i - 1] !== '--src') ?? 100_000);
const geo = (await import(pathToFileURL(`${srcDir}/geo/index.ts`).href)) as typeof Geo;
const engine = (await import(pathToFileURL(`${srcDir}/engine/index.ts`).href)) as typeof Engine;

const gcFn = (globalThis as { gc?: () => void }).gc;
if (gcFn === undefined) throw new Error('run with node --expose-gc');
const heap = (): number => {
  gcFn();
  gcFn();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const rng = Rng.derive(1, count, 3);
const h0 = heap();
const compiled: Geo.CompiledZone[] = [];
for (let i = 0; i < count; i++) {
  compiled.push(
    geo.compileZone({
      zoneId: `zone-${i}`,
      subjectId: `subject-${i >> 1}`,
      kind: 'exclusion',
      geometry: { type: 'Point', coordinates: [rng.uniform(-5.5, 1.7), rng.uniform(50, 58.5)] },
      radiusM: rng.uniform(100, 500),
      warningM: rng.uniform(500, 1000),
    }),
  );
}
const h1 = heap();
const index = geo.ZoneIndex.build(compiled);
const h2 = heap();
const enrolments = new engine.EnrolmentTable();
for (let s = 0; s < count / 2; s++) enrolments.upsert({ tagId: `T${s}`, subjectId: `subject-${s}` });
const h3 = heap();
const per = (bytes: number): number => Math.round(bytes / count);
console.log(
  JSON.stringify({
    src: srcDir,
    zones: count,
    compiledZoneB: per(h1 - h0),
    indexB: per(h2 - h1),
    enrolmentsB: per(h3 - h2),
    totalB: per(h3 - h0),
    // Keep all three alive until measured.
    sizes: [compiled.length, index.size, enrolments.size],
  }),
);
