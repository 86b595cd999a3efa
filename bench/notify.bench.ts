/**
 * Police notification latency: from an alert's commit on the alerts topic (its record timestamp)
 * to the first 2xx at a real local receiver, at 100 alerts/s for 30 s, twice:
 *   1. a healthy receiver;
 *   2. 5% of attempts failing (seeded mix of 500, hang past the timeout, connection reset, 429
 *      Retry-After: 1), with the SHIPPED retry schedule and 10 s timeout, so the tail shows what a
 *      force would see.
 * Run: npx tsx bench/notify.bench.ts  (KAFKA_BROKERS, else the local broker is started and stopped)
 * Writes bench/results/notify.json and prints a Markdown table.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Partitioners } from 'kafkajs';
import { startNotify } from '../src/cli/notify-command.js';
import { startLocalKafka, stopLocalKafka } from '../src/local-kafka/index.js';
import { findFreePort } from '../src/local-kafka/ports.js';
import { resolveRouting } from '../src/notify/load-routing.js';
import { loadNotifyConfig } from '../src/notify/notify-config.js';
import { DEFAULT_RETRY } from '../src/notify/routing-config.js';
import { webhookIdOf } from '../src/notify/webhook-id.js';
import { createLogger } from '../src/ops/index.js';
import { round, summarise } from '../src/ops/stats.js';
import { Rng } from '../src/sim/prng.js';
import { withRetry } from '../src/stream/retry.js';
import { FlakyReceiver } from '../test/notify/fixtures/flaky-receiver.js';
import { SECRET, SECRET_ENV, testAlert } from '../test/notify/fixtures/notify-harness.js';
import { createTopics, testKafka } from '../test/setup/kafka-test-utils.js';

const RATE = 100;
const SECONDS = Number(process.env.NOTIFY_BENCH_SECONDS ?? 30);

interface RunResult {
  name: string;
  alerts: number;
  attempts: number;
  failedAttempts: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** 1-minute load average at the end of the run: the machine is shared, read numbers with it. */
  loadAvg1m: number;
  /** CPU of this whole process (producer, notifier, receiver) per measured alert: robust to load. */
  cpuMsPerAlert: number;
}

async function run(brokers: string, name: string, failureRate: number, seed: number): Promise<RunResult> {
  const id = `bench-notify-${name}-${Date.now().toString(36)}`;
  const topics = { alerts: `${id}.alerts`, actions: `${id}.actions`, notifications: `${id}.notifications` };
  await withRetry(() =>
    createTopics(brokers, [
      { topic: topics.alerts, numPartitions: 3 },
      { topic: topics.actions, numPartitions: 1 },
      { topic: topics.notifications, numPartitions: 3 },
    ]),
  );
  const receiver = new FlakyReceiver({
    secret: SECRET,
    seed,
    ...(failureRate > 0 ? { failureRate, mode: 'flaky' as const } : { mode: 'healthy' as const }),
  });
  await receiver.start();
  const config = loadNotifyConfig({
    KAFKA_BROKERS: brokers,
    NOTIFY_ROUTES_FILE: '(bench)',
    TOPIC_ALERTS: topics.alerts,
    TOPIC_ALERT_ACTIONS: topics.actions,
    TOPIC_NOTIFICATIONS: topics.notifications,
    NOTIFY_HTTP_PORT: '0',
  });
  const routing = resolveRouting(
    {
      consoleBaseUrl: 'https://console.centre.example',
      endpoints: [
        {
          name: 'force',
          url: receiver.url,
          secrets: [{ env: 'TEST_NOTIFY_SECRET' }],
        },
      ],
      rules: [{ name: 'all-p1', mode: 'immediate', endpoints: ['force'], match: { severities: ['P1'] } }],
      retry: { ...DEFAULT_RETRY, delaysMs: [...DEFAULT_RETRY.delaysMs] },
    },
    SECRET_ENV,
  );
  const notify = await startNotify(config, routing, {
    logger: createLogger({ level: process.env.NOTIFY_BENCH_LOG ?? 'warn', name: 'bench-notify' }),
    random: (() => {
      const rng = new Rng(seed);
      return () => rng.next();
    })(),
  });
  await notify.started;

  const producer = testKafka(brokers, 'bench-notify').producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  // Warm-up, not measured: JIT, keep-alive sockets, the idempotent producer's id and the first
  // fetches of a fresh group otherwise add a start-up lag that the steady rate never drains.
  const warm = Array.from({ length: 200 }, (_, k) => testAlert({ alertId: `${name}-warm-${k}` }));
  await producer.send({
    topic: topics.alerts,
    acks: -1,
    messages: warm.map((a) => ({ key: a.tagId, value: JSON.stringify(a) })),
  });
  const warmIds = new Set(warm.map((a) => webhookIdOf(a.alertId, 'force')));
  while ([...warmIds].some((w) => !receiver.delivered.has(w))) await new Promise((r) => setTimeout(r, 100));
  const committedAt = new Map<string, number>();
  const total = RATE * SECONDS;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  for (let i = 0; i < total; i += 10) {
    const due = t0 + (i / RATE) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const now = Date.now();
    const batch = Array.from({ length: 10 }, (_, k) => testAlert({ alertId: `${name}-${i + k}` }));
    await producer.send({
      topic: topics.alerts,
      acks: -1,
      messages: batch.map((a) => ({ key: a.tagId, value: JSON.stringify(a), timestamp: String(now) })),
    });
    for (const a of batch) committedAt.set(webhookIdOf(a.alertId, 'force'), now);
  }
  await producer.disconnect();
  const deadline = Date.now() + 120_000;
  while (receiver.delivered.size < total + warm.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  const cpu = process.cpuUsage(cpu0);
  const latencies: number[] = [];
  for (const [wid, at] of receiver.delivered)
    if (!warmIds.has(wid)) latencies.push(at - committedAt.get(wid)!);
  await notify.stop();
  await receiver.close();
  const admin = testKafka(brokers).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
  await admin.disconnect();
  const s = summarise(latencies);
  const measured = receiver.requests.filter((r) => !warmIds.has(r.id));
  return {
    name,
    alerts: latencies.length,
    attempts: measured.length,
    failedAttempts: measured.filter((r) => r.answered !== 'ok' && r.answered !== 'duplicate').length,
    p50Ms: round(s.p50, 0),
    p95Ms: round(s.p95, 0),
    p99Ms: round(s.p99, 0),
    maxMs: round(s.max, 0),
    loadAvg1m: round(loadavg()[0]!, 1),
    cpuMsPerAlert: round((cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length), 2),
  };
}

async function main(): Promise<void> {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  // KAFKA_BROKERS, else a throwaway local broker on a free port (never someone else's 9092).
  let brokers = process.env.KAFKA_BROKERS ?? '';
  let release = async () => {};
  if (!brokers) {
    const stateDir = await mkdtemp(join(tmpdir(), 'fenceline-bench-notify-'));
    const port = await findFreePort();
    const started = await startLocalKafka({ port, stateDir, readyTimeoutMs: 180_000, log });
    brokers = started.brokers;
    release = async () => {
      await stopLocalKafka({ port, stateDir });
      await rm(stateDir, { recursive: true, force: true });
    };
  }
  try {
    const results: RunResult[] = [];
    for (const [name, rate, seed] of [
      ['healthy', 0, 1],
      ['failing-5pct', 0.05, 2],
    ] as const) {
      results.push(await run(brokers, name, rate, seed));
      log(JSON.stringify(results.at(-1)));
    }
    const lines = [
      `| receiver | alerts delivered | attempts (failed) | p50 | p95 | p99 | max | load avg | CPU/alert |`,
      `|---|---|---|---|---|---|---|---|---|`,
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.alerts} | ${r.attempts} (${r.failedAttempts}) | ${r.p50Ms} ms | ${r.p95Ms} ms | ${r.p99Ms} ms | ${r.maxMs} ms | ${r.loadAvg1m} | ${r.cpuMsPerAlert} ms |`,
      ),
    ];
    console.log(lines.join('\n'));
    const out = join(process.cwd(), 'bench', 'results');
    await mkdir(out, { recursive: true });
    await writeFile(
      join(out, 'notify.json'),
      `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rate: RATE, seconds: SECONDS, results }, null, 2)}\n`,
    );
  } finally {
    await release();
  }
}

await main();
