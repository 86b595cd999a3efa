/**
 * The decision-core microbenchmark: per-fix cost of the engine (applyPing: enrolment lookup,
 * zone candidates from the index, signed distance, state machine) on one core, with 1k / 10k /
 * 100k / 1M zones over Great Britain as circles and as polygons. Seeded (src/sim/prng), so runs
 * are comparable between commits.
 *
 * Each subject has two exclusion zones near each other (100-500 m, 500-1000 m warning ring). Fixes
 * are drawn around a subject's zones so ~1% land inside a zone and ~10% in a warning ring; the
 * shares actually hit are measured and reported. Per-fix times are measured over groups of 64
 * fixes (hrtime per group) to keep timer overhead out; p50/p99 are over those group means.
 *
 *   npx tsx bench/core.bench.ts            # 1k, 10k, 100k, 1M
 *   npx tsx bench/core.bench.ts --quick    # 1k, 10k
 *   npx tsx bench/core.bench.ts 100000     # given zone counts only
 *   ... --out-dir <dir>                      # default ./bench/results (core.json, core.md)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Alert, decodePing, type Ping, type Zone } from '../src/contract/index.js';
import {
  applyPing,
  cloneTagState,
  DEFAULT_ENGINE_CONFIG,
  decodeTagState,
  EnrolmentTable,
  encodeTagState,
  encodeTagStateCompact,
  newTagState,
  type TagState,
  type World,
} from '../src/engine/index.js';
import { type CompiledZone, compileZone, signedDistanceM, ZoneIndex } from '../src/geo/index.js';
import { round } from '../src/ops/stats.js';
import { Rng } from '../src/sim/prng.js';

const M_PER_DEG = 6371008.8 * (Math.PI / 180);
const GB = { minLon: -5.5, maxLon: 1.7, minLat: 50.0, maxLat: 58.5 };
const GROUP = 64;

export type CoreShape = 'circle' | 'polygon';

export interface CoreResult {
  zones: number;
  shape: CoreShape;
  compileS: number;
  buildS: number;
  heapBytesPerZone: number;
  fixes: number;
  shareInZone: number;
  shareInRing: number;
  /** applyPing only. */
  fixesPerS: number;
  p50Us: number;
  p99Us: number;
  /** applyPing only, per second of this process's CPU time: steadier than wall time on a shared machine. */
  cpuFixesPerS: number;
  /** decodePing (JSON.parse + zod) + applyPing. */
  decodedFixesPerS: number;
  decodedP50Us: number;
  decodedP99Us: number;
  decodedCpuFixesPerS: number;
  alerts: number;
  /** Tag states held after the run (the active tags). */
  tagStates: number;
  /** Retained heap per tag state (state objects and the Map entry), measured by dropping them. */
  heapBytesPerTagState: number;
  /** Changelog value of each final tag state (what the worker writes per touched tag): format 2. */
  encodedBytesMean: number;
  encodedBytesP99: number;
  /** The same states in format 1 (the changelog format before format 2). */
  encodedV1BytesMean: number;
  encodedV1BytesP99: number;
  /** Per state, mean over the final states: encode in each format, decode each, the undo copy. */
  encodeUs: number;
  encodeV1Us: number;
  decodeUs: number;
  decodeV1Us: number;
  cloneUs: number;
}

function offset(lat: number, lon: number, east: number, north: number): [number, number] {
  return [lat + north / M_PER_DEG, lon + east / (M_PER_DEG * Math.cos((lat * Math.PI) / 180))];
}

function makeZone(rng: Rng, id: number, subject: number, lat: number, lon: number, shape: CoreShape): Zone {
  const radiusM = rng.uniform(100, 500);
  const base = {
    zoneId: `Z${id}`,
    subjectId: `S${subject}`,
    kind: 'exclusion' as const,
    warningM: Math.round(rng.uniform(500, 1000)),
  };
  if (shape === 'circle') return { ...base, geometry: { type: 'Point', coordinates: [lon, lat] }, radiusM };
  // A 16-vertex star-ish polygon of about that radius.
  const ring: number[][] = [];
  for (let i = 0; i < 16; i++) {
    const a = (i / 16) * 2 * Math.PI;
    const r = radiusM * rng.uniform(0.85, 1.15);
    const [plat, plon] = offset(lat, lon, r * Math.cos(a), r * Math.sin(a));
    ring.push([plon, plat]);
  }
  ring.push([...ring[0]!]);
  return { ...base, geometry: { type: 'Polygon', coordinates: [ring] } };
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

export interface Fixture {
  pings: Ping[];
  buffers: Buffer[];
  inZone: number;
  inRing: number;
}

/** Called around the timed engine-only run (after warm-up): e.g. to take a CPU profile of it. */
export interface TimedRunHook {
  start(): void;
  stop(): void;
}

export interface CoreFixture {
  world: World;
  fx: Fixture;
  /** Tags that send fixes (their states are created by the first `active` fixes). */
  active: number;
  compileS: number;
  buildS: number;
  heapBytesPerZone: number;
}

/** The seeded zones, enrolments and fixes of one case (shared with bench/core-ab.ts). */
export function buildCoreFixture(
  zoneCount: number,
  shape: CoreShape,
  fixCount: number,
  seed: number,
): CoreFixture {
  const rng = Rng.derive(seed, zoneCount, shape === 'circle' ? 1 : 2);
  const subjects = Math.max(1, Math.floor(zoneCount / 2));
  gc();
  // Typed-array storage (flatbush's boxes, polygon coordinates) lives outside the JS heap: count it.
  const heapNow = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  // The bench's own bookkeeping (each zone's centre, the list of compiled zones) is allocated
  // before the baseline, so heap per zone counts only what a worker holds. (Until 2026-12-01
  // the centres were counted: ~70 B a zone, as [lat, lon] arrays.)
  const centres = new Float64Array(2 * zoneCount);
  // Filled: V8 may give a large `new Array(n)` dictionary elements, which would grow later.
  const compiled = new Array<CompiledZone>(zoneCount).fill(undefined as unknown as CompiledZone);
  gc();
  const heap0 = heapNow();
  const zones: Zone[] = [];
  for (let s = 0; s < subjects; s++) {
    const lat = rng.uniform(GB.minLat, GB.maxLat);
    const lon = rng.uniform(GB.minLon, GB.maxLon);
    const [lat2, lon2] = offset(lat, lon, rng.uniform(-2000, 2000), rng.uniform(-2000, 2000));
    centres[2 * zones.length] = lat;
    centres[2 * zones.length + 1] = lon;
    zones.push(makeZone(rng, 2 * s, s, lat, lon, shape));
    if (zones.length < zoneCount) {
      centres[2 * zones.length] = lat2;
      centres[2 * zones.length + 1] = lon2;
      zones.push(makeZone(rng, 2 * s + 1, s, lat2, lon2, shape));
    }
  }
  let t = performance.now();
  for (let i = 0; i < zones.length; i++) compiled[i] = compileZone(zones[i]!);
  const compileS = (performance.now() - t) / 1000;
  // The worker decodes a zone, compiles it and keeps only the compiled form: so does the bench,
  // or heap per zone would count source messages the worker never holds.
  zones.length = 0;
  // Collect compiling's garbage first, or the build's time depends on whether the heap's next
  // full collection happens to fall in it (a change that made compiling allocate less moved it
  // there and doubled the build's figure without slowing the build itself).
  gc();
  t = performance.now();
  const index = ZoneIndex.build(compiled);
  const buildS = (performance.now() - t) / 1000;
  const enrolments = new EnrolmentTable();
  for (let s = 0; s < subjects; s++) enrolments.upsert({ tagId: `T${s}`, subjectId: `S${s}` });
  gc();
  const heapBytesPerZone = (heapNow() - heap0) / zoneCount;

  // Fixes: one of `active` tags (a worker's share of a fleet: at most 10k, spread over all the
  // zones), one of its zones, a distance class, a bearing. Each tag's fixes are 10 minutes apart,
  // so hopping between its two zones stays under the 70 m/s speed limit.
  const active = Math.min(subjects, 10_000);
  const fx: Fixture = { pings: [], buffers: [], inZone: 0, inRing: 0 };
  const tagClock = new Float64Array(subjects);
  for (let i = 0; i < fixCount; i++) {
    // The first `active` fixes visit every active tag once, so the warm-up creates all states.
    const k = i < active ? i : rng.int(0, active - 1);
    const s = Math.floor((k * subjects) / active);
    const zi = Math.min(compiled.length - 1, 2 * s + rng.int(0, 1));
    const z = compiled[zi]!;
    const r0 =
      shape === 'circle' ? z.radiusM : Math.max(50, (z.maxLat - z.minLat) * M_PER_DEG * 0.5 - z.warningM);
    const u = rng.next();
    const d =
      u < 0.01
        ? rng.uniform(0, 0.8) * r0
        : u < 0.11
          ? r0 * 1.15 + rng.uniform(0, 0.95) * z.warningM
          : r0 + z.warningM * 1.05 + rng.uniform(0, 3000);
    const a = rng.uniform(0, 2 * Math.PI);
    const clat = centres[2 * zi]!;
    const clon = centres[2 * zi + 1]!;
    const [lat, lon] = offset(clat, clon, d * Math.cos(a), d * Math.sin(a));
    const sd = signedDistanceM(z, lat, lon);
    if (sd <= 0) fx.inZone++;
    else if (sd <= z.warningM) fx.inRing++;
    tagClock[s] = tagClock[s]! + 600_000;
    const ping: Ping = {
      tagId: `T${s}`,
      ts: 1_750_000_000_000 + tagClock[s]!,
      lat,
      lon,
      accuracyM: round(rng.uniform(5, 30), 1),
    };
    fx.pings.push(ping);
    fx.buffers.push(Buffer.from(JSON.stringify(ping)));
  }

  return { world: { zones: index, enrolments }, fx, active, compileS, buildS, heapBytesPerZone };
}

export function runCoreCase(
  zoneCount: number,
  shape: CoreShape,
  fixCount = 300_000,
  seed = 1,
  hook?: TimedRunHook,
): CoreResult {
  const { world, fx, active, compileS, buildS, heapBytesPerZone } = buildCoreFixture(
    zoneCount,
    shape,
    fixCount,
    seed,
  );
  // Typed-array storage (flatbush's boxes, polygon coordinates) lives outside the JS heap: count it.
  const heapNow = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const time = (decode: boolean) => {
    const states = new Map<string, TagState>();
    const out: Alert[] = [];
    let alerts = 0;
    const groups: number[] = [];
    const run = (from: number, to: number, record: boolean) => {
      for (let g = from; g < to; g += GROUP) {
        const end = Math.min(to, g + GROUP);
        const t0 = process.hrtime.bigint();
        for (let i = g; i < end; i++) {
          let ping = fx.pings[i]!;
          if (decode) {
            const d = decodePing(ping.tagId, fx.buffers[i]!);
            if (!d.ok) throw new Error(d.error);
            ping = d.value;
          }
          let st = states.get(ping.tagId);
          if (st === undefined) {
            st = newTagState(ping.tagId);
            states.set(ping.tagId, st);
          }
          out.length = 0;
          applyPing(world, DEFAULT_ENGINE_CONFIG, st, ping, ping.ts, ping.ts, out);
          alerts += out.length;
        }
        if (record) groups.push(Number(process.hrtime.bigint() - t0) / 1000 / (end - g));
      }
    };
    // Warm-up (JIT, every tag's state created), then time the rest.
    const warm = Math.min(fixCount >> 1, Math.max(Math.floor(fixCount / 10), active));
    run(0, warm, false);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    if (!decode) hook?.start();
    run(warm, fixCount, true);
    if (!decode) hook?.stop();
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpuS = (c.user + c.system) / 1e6;
    groups.sort((a, b) => a - b);
    const pct = (p: number) => groups[Math.min(groups.length - 1, Math.ceil((p / 100) * groups.length) - 1)]!;
    return {
      states,
      perS: (fixCount - warm) / s,
      cpuPerS: (fixCount - warm) / cpuS,
      p50: pct(50),
      p99: pct(99),
      alerts,
    };
  };
  const plain = time(false);
  const decoded = time(true);
  // Tag state cost: encoded size of each final state, codec and undo-copy time, and the heap the
  // states retain.
  const codec = measureCodec([...plain.states.values()]);
  const tagStates = plain.states.size;
  decoded.states.clear();
  gc();
  const heapWithStates = heapNow();
  plain.states.clear();
  gc();
  const heapBytesPerTagState = (heapWithStates - heapNow()) / Math.max(1, tagStates);
  return {
    zones: zoneCount,
    shape,
    compileS: round(compileS, 3),
    buildS: round(buildS, 3),
    heapBytesPerZone: Math.round(heapBytesPerZone),
    fixes: fixCount,
    shareInZone: round(fx.inZone / fixCount, 4),
    shareInRing: round(fx.inRing / fixCount, 4),
    fixesPerS: Math.round(plain.perS),
    cpuFixesPerS: Math.round(plain.cpuPerS),
    p50Us: round(plain.p50, 3),
    p99Us: round(plain.p99, 3),
    decodedFixesPerS: Math.round(decoded.perS),
    decodedP50Us: round(decoded.p50, 3),
    decodedP99Us: round(decoded.p99, 3),
    decodedCpuFixesPerS: Math.round(decoded.cpuPerS),
    alerts: plain.alerts,
    tagStates,
    heapBytesPerTagState: Math.round(heapBytesPerTagState),
    ...codec,
  };
}

/** Sizes and per-state times of the changelog codec and the undo copy over `states`. */
function measureCodec(states: readonly TagState[]) {
  const v2 = states.map(encodeTagStateCompact);
  const v1 = states.map(encodeTagState);
  const bytes = (list: string[]) => {
    const b = list.map((x) => Buffer.byteLength(x)).sort((x, y) => x - y);
    return {
      mean: Math.round(b.reduce((x, y) => x + y, 0) / Math.max(1, b.length)),
      p99: b[Math.min(b.length - 1, Math.ceil(0.99 * b.length) - 1)] ?? 0,
    };
  };
  const perState = <T>(items: readonly T[], f: (x: T) => unknown) => {
    let sink = 0;
    for (const x of items) sink += f(x) === null ? 1 : 0; // warm-up
    const reps = 5;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) for (const x of items) sink += f(x) === null ? 1 : 0;
    if (sink < 0) console.error(sink);
    return round(((performance.now() - t0) * 1000) / (reps * Math.max(1, items.length)), 3);
  };
  const b2 = bytes(v2);
  const b1 = bytes(v1);
  return {
    encodedBytesMean: b2.mean,
    encodedBytesP99: b2.p99,
    encodedV1BytesMean: b1.mean,
    encodedV1BytesP99: b1.p99,
    encodeUs: perState(states, encodeTagStateCompact),
    encodeV1Us: perState(states, encodeTagState),
    decodeUs: perState(v2, decodeTagState),
    decodeV1Us: perState(v1, decodeTagState),
    cloneUs: perState(states, cloneTagState),
  };
}

export function coreMarkdown(results: readonly CoreResult[]): string {
  const lines = [
    '| zones | shape | fixes/s (engine) | p50 µs | p99 µs | fixes/s (decode+engine) | p50 µs | p99 µs | compile s | index build s | heap B/zone | in zone | in ring |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.zones.toLocaleString('en-GB')} | ${r.shape} | ${r.fixesPerS.toLocaleString('en-GB')} | ${r.p50Us} | ${r.p99Us} | ${r.decodedFixesPerS.toLocaleString('en-GB')} | ${r.decodedP50Us} | ${r.decodedP99Us} | ${r.compileS} | ${r.buildS} | ${r.heapBytesPerZone} | ${(r.shareInZone * 100).toFixed(1)}% | ${(r.shareInRing * 100).toFixed(1)}% |`,
    );
  }
  return lines.join('\n');
}

/**
 * Each case runs in its own process: a clean heap (so heap per zone is not skewed by the last
 * case's garbage) and a JIT that has not been trained on another zone count.
 */
function runCaseInChild(n: number, shape: CoreShape): CoreResult {
  const r = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      '--expose-gc',
      '--max-old-space-size=8192',
      process.argv[1]!,
      '--case',
      String(n),
      shape,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) throw new Error(`core case ${n} ${shape} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as CoreResult;
}

export function runCoreBench(
  sizes: readonly number[],
  log: (s: string) => void = console.error,
): CoreResult[] {
  const results: CoreResult[] = [];
  for (const n of sizes) {
    for (const shape of ['circle', 'polygon'] as const) {
      log(`core: ${n} ${shape} zones...`);
      const r = runCaseInChild(n, shape);
      log(
        `core: ${n} ${shape}: ${r.fixesPerS} fixes/s, p50 ${r.p50Us} µs, p99 ${r.p99Us} µs, build ${r.buildS} s, ${r.heapBytesPerZone} B/zone`,
      );
      results.push(r);
    }
  }
  return results;
}

export const CORE_SIZES = { full: [1_000, 10_000, 100_000, 1_000_000], quick: [1_000, 10_000] } as const;

/** Large zone counts need more heap than Node's default, and gc() for heap-per-zone. */
export function needsRespawn(): boolean {
  return (globalThis as { gc?: unknown }).gc === undefined;
}

async function main(argv: string[]): Promise<void> {
  const caseIdx = argv.indexOf('--case');
  if (caseIdx >= 0) {
    const shape = argv[caseIdx + 2] === 'polygon' ? 'polygon' : 'circle';
    process.stdout.write(`${JSON.stringify(runCoreCase(Number(argv[caseIdx + 1]), shape))}\n`);
    return;
  }
  if (needsRespawn()) {
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, '--expose-gc', '--max-old-space-size=8192', ...process.argv.slice(1)],
      { stdio: 'inherit' },
    );
    process.exit(r.status ?? 1);
  }
  const outIdx = argv.indexOf('--out-dir');
  const resultsDir = outIdx >= 0 ? argv[outIdx + 1]! : join(process.cwd(), 'bench', 'results');
  const explicit = argv.filter((a, i) => /^\d+$/.test(a) && argv[i - 1] !== '--out-dir').map(Number);
  const sizes =
    explicit.length > 0 ? explicit : argv.includes('--quick') ? CORE_SIZES.quick : CORE_SIZES.full;
  const results = runCoreBench(sizes);
  const md = coreMarkdown(results);
  console.log(md);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, 'core.json'),
    `${JSON.stringify({ node: process.version, results }, null, 2)}\n`,
  );
  writeFileSync(join(resultsDir, 'core.md'), `# Decision core, one core (${process.version})\n\n${md}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
