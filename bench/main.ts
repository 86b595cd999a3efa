#!/usr/bin/env node
/**
 * `npm run bench` (tsx bench/main.ts): the seeded benchmarks, results under bench/results/.
 * The benchmarks depend on src/, never the reverse, so they are not part of the `fenceline`
 * command or of the package's build.
 * Throughput and latency need a broker: KAFKA_BROKERS (or --brokers), else a throw-away local
 * broker (free port, new state dir, both gone at the end), so results do not depend on what
 * earlier runs left in the shared one; with --keep-broker, the shared local broker on 9092.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { acquireBrokers } from '../src/local-kafka/index.js';
import { exitOnSignals } from './exit-on-signals.js';
import { BENCH_PARTS, type BenchPart, runBench } from './run-bench.js';

const USAGE = `Usage: npm run bench -- [options]

  --quick              small sizes (CI smoke): core 1k/10k zones, quality 1k subjects,
                       throughput 100k pings, latency 1k and 5k pings/s for 10 s
  --only <parts>       comma-separated subset of: ${BENCH_PARTS.join(',')} (default all)
  --brokers <list>     Kafka bootstrap servers (default $KAFKA_BROKERS, else start a throw-away
                       local broker: free port, new state dir, removed at the end)
  --keep-broker        use the shared local broker on 127.0.0.1:9092 instead, and leave it running
  --worker-process     latency: run the worker in a process of its own (as deployed) instead of
                       on the bench's thread next to the simulator, publisher and side consumers
  --out-dir <dir>      default ./bench/results
  --seed <n>           default 1`;

export async function runBenchCli(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let values: ReturnType<typeof parse>;
  let parts: BenchPart[];
  try {
    values = parse(argv);
    parts = (values.only?.split(',').map((s) => s.trim()) ?? [...BENCH_PARTS]) as BenchPart[];
    const bad = parts.filter((p) => !(BENCH_PARTS as readonly string[]).includes(p));
    if (bad.length > 0) throw new Error(`--only: unknown part(s) ${bad.join(', ')}`);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const needsKafka = parts.includes('throughput') || parts.includes('latency');
  const broker = needsKafka
    ? await acquireBrokers(values.brokers, values['keep-broker'] === true, log, { throwaway: true })
    : undefined;
  try {
    const outDir = values['out-dir'] ?? join(process.cwd(), 'bench', 'results');
    await runBench({
      quick: values.quick === true,
      parts,
      ...(broker ? { brokers: broker.brokers } : {}),
      outDir,
      seed: values.seed !== undefined ? Number(values.seed) : 1,
      workerProcess: values['worker-process'] === true,
      log,
    });
    log(`results: ${join(outDir, 'summary.md')} (bench.json, *.svg)`);
    return 0;
  } finally {
    await broker?.release();
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      brokers: { type: 'string' },
      'keep-broker': { type: 'boolean' },
      'worker-process': { type: 'boolean' },
      'out-dir': { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  }).values;
}

exitOnSignals();
runBenchCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  },
);
