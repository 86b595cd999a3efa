/**
 * `fenceline bench`: every benchmark in one run, results under bench/results/:
 *   bench.json   all numbers (plus machine and options)
 *   summary.md   the tables, the goals and the matching rules
 *   *.svg        throughput, latency, detection quality, decision core
 * The decision-core microbenchmark runs in a child process with --expose-gc and a large heap
 * (1M zones), exactly as `npx tsx bench/core.bench.ts` would.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SIM_OPTIONS } from '../src/sim/sim-options.js';
import { type ClosedLoopResult, runClosedLoop } from './closed-loop.js';
import { CORE_SIZES, type CoreResult } from './core.bench.js';
import { type QualityResult, runDetectionQuality } from './detection-quality.js';
import { type LatencyResult, runLatency } from './latency.js';
import { renderSummary } from './summary.js';
import { barChart, logXLineChart } from './svg-chart.js';
import { runThroughput, type ThroughputResult } from './throughput.js';

export const BENCH_PARTS = ['core', 'quality', 'throughput', 'latency', 'closed-loop'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

export interface BenchOptions {
  quick: boolean;
  parts: readonly BenchPart[];
  /** Needed for throughput and latency. */
  brokers?: string[];
  outDir: string;
  seed: number;
  /** Latency: the worker in a process of its own instead of on the bench's thread. */
  workerProcess?: boolean;
  log: (s: string) => void;
}

export interface BenchResults {
  startedAt: string;
  /** When each part was last measured: `--only` re-runs some parts and keeps the others. */
  measuredAt: Partial<Record<BenchPart, string>>;
  quick: boolean;
  machine: { node: string; cpus: number; cpuModel: string; memGiB: number };
  core?: CoreResult[];
  quality?: QualityResult;
  throughput?: ThroughputResult;
  latency?: LatencyResult[];
  closedLoop?: ClosedLoopResult;
}

function runCoreChild(sizes: readonly number[], outDir: string, log: (s: string) => void): CoreResult[] {
  const js = fileURLToPath(new URL('./core.bench.js', import.meta.url));
  const script = existsSync(js) ? js : fileURLToPath(new URL('./core.bench.ts', import.meta.url));
  // Under tsx the loader flags are in execArgv; compiled, they are empty.
  const args = [
    ...process.execArgv,
    '--expose-gc',
    '--max-old-space-size=8192',
    script,
    ...sizes.map(String),
    '--out-dir',
    outDir,
  ];
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  for (const line of (r.stderr ?? '').split('\n')) if (line.trim()) log(line);
  if (r.status !== 0) throw new Error(`core benchmark failed (exit ${r.status})`);
  return (JSON.parse(readFileSync(join(outDir, 'core.json'), 'utf8')) as { results: CoreResult[] }).results;
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  mkdirSync(o.outDir, { recursive: true });
  const cpu = cpus();
  const file = join(o.outDir, 'bench.json');
  // With --only, keep the other parts' last results (same quick-ness) so summary.md stays whole.
  const previous =
    o.parts.length < BENCH_PARTS.length && existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchResults>)
      : undefined;
  const keep = previous && previous.quick === o.quick ? previous : {};
  const res: BenchResults = {
    ...keep,
    measuredAt: { ...(keep.measuredAt ?? {}) },
    startedAt: new Date().toISOString(),
    quick: o.quick,
    machine: {
      node: process.version,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      memGiB: Math.round(totalmem() / 2 ** 30),
    },
  };
  const stamp = (part: BenchPart) => {
    res.measuredAt[part] = new Date().toISOString();
  };
  const save = () => writeFileSync(file, `${JSON.stringify(res, null, 2)}\n`);
  if (o.parts.includes('core')) {
    res.core = runCoreChild(o.quick ? CORE_SIZES.quick : CORE_SIZES.full, o.outDir, o.log);
    stamp('core');
    save();
  }
  if (o.parts.includes('quality')) {
    const subjects = o.quick ? 1_000 : 10_000;
    o.log(`quality: ${subjects} subjects x 24 h through the pure engine and the naive baselines...`);
    res.quality = runDetectionQuality(
      { ...DEFAULT_SIM_OPTIONS, seed: o.seed, subjects, durationH: 24 },
      o.log,
    );
    stamp('quality');
    save();
  }
  if (o.parts.includes('closed-loop')) {
    const subjects = o.quick ? 500 : 2_000;
    o.log(`closed loop: ${subjects} subjects x 24 h, device profiles off vs on...`);
    res.closedLoop = runClosedLoop(
      { ...DEFAULT_SIM_OPTIONS, seed: o.seed, subjects, durationH: 24 },
      undefined,
      o.log,
    );
    stamp('closed-loop');
    save();
  }
  const needsKafka = o.parts.includes('throughput') || o.parts.includes('latency');
  if (needsKafka && !o.brokers) throw new Error('throughput and latency need a broker');
  if (o.parts.includes('throughput')) {
    res.throughput = await runThroughput(o.brokers!, o.quick ? 100_000 : 1_000_000, o.log, o.seed);
    stamp('throughput');
    save();
  }
  if (o.parts.includes('latency')) {
    res.latency = await runLatency(
      o.brokers!,
      o.quick ? [1_000, 5_000] : [1_000, 5_000, 20_000],
      o.quick ? 10 : 30,
      o.log,
      o.workerProcess === true,
    );
    stamp('latency');
    save();
  }
  writeCharts(res, o.outDir);
  writeFileSync(join(o.outDir, 'summary.md'), renderSummary(res));
  return res;
}

function writeCharts(res: BenchResults, dir: string): void {
  if (res.throughput) {
    const t = res.throughput;
    writeFileSync(
      join(dir, 'throughput.svg'),
      barChart(`End-to-end throughput, one worker (${t.pings.toLocaleString('en-GB')} pings)`, 'pings/s', [
        { label: 'bare consume (no-op)', bars: [{ label: 'pings/s', value: t.bare.perS }] },
        { label: 'consume + decode', bars: [{ label: 'pings/s', value: t.bareDecode.perS }] },
        { label: 'worker, exactly-once', bars: [{ label: 'pings/s', value: t.exactlyOnce.perS }] },
        { label: 'worker, at-least-once', bars: [{ label: 'pings/s', value: t.atLeastOnce.perS }] },
      ]),
    );
  }
  if (res.latency && res.latency.length > 0) {
    writeFileSync(
      join(dir, 'latency.svg'),
      barChart(
        'Ping append to alert append (broker LogAppendTime), exactly-once',
        'ms',
        res.latency.map((l) => ({
          label: `${l.offeredRate.toLocaleString('en-GB')} pings/s`,
          bars: [
            { label: 'p50', value: l.appendToAppendMs.p50 },
            { label: 'p95', value: l.appendToAppendMs.p95 },
            { label: 'p99', value: l.appendToAppendMs.p99 },
            { label: 'max', value: l.appendToAppendMs.max },
          ],
        })),
      ),
    );
  }
  if (res.quality) {
    const q = res.quality;
    const days = (q.subjects * q.durationH) / 24;
    writeFileSync(
      join(dir, 'quality.svg'),
      barChart(
        `False ENTERED alerts per 1,000 subject-days (${q.subjects.toLocaleString('en-GB')} subjects, 24 h)`,
        'per 1,000 subject-days',
        [
          {
            label: `Fenceline (recall ${(q.fenceline.recall * 100).toFixed(1)}%)`,
            bars: [{ label: 'false alerts', value: (q.fenceline.falseAlerts / days) * 1000 }],
          },
          {
            label: `naive on-entry (recall ${(q.naiveOnEntry.recall * 100).toFixed(1)}%)`,
            bars: [{ label: 'false alerts', value: (q.naiveOnEntry.falseAlerts / days) * 1000 }],
          },
          {
            label: `naive every-fix (recall ${(q.naiveEveryFix.recall * 100).toFixed(1)}%)`,
            bars: [{ label: 'false alerts', value: (q.naiveEveryFix.falseAlerts / days) * 1000 }],
          },
        ],
      ),
    );
  }
  if (res.core && res.core.length > 0) {
    const series = (['circle', 'polygon'] as const).map((shape) => ({
      label: `${shape} zones`,
      points: res.core!.filter((r) => r.shape === shape).map((r) => ({ x: r.zones, y: r.fixesPerS })),
    }));
    writeFileSync(
      join(dir, 'core.svg'),
      logXLineChart('Decision core, one core: fixes/s (applyPing)', 'zones', 'fixes/s', series),
    );
  }
}
