/**
 * Latency at fixed offered rates through a real broker, one worker (exactly-once on) on the
 * bench's own thread, next to the simulator, the publisher and the side consumers; `ownProcess`
 * runs it in a process of its own, as deployed (bench/worker-child.ts). On a 2-core machine that
 * also runs the broker, its own process measured slower (a third busy process contends for the
 * cores; README "Hot path: latency"), so the thread stays the default.
 * Pings and alerts topics use LogAppendTime, so "append -> alert append" is broker time to broker
 * time on one clock. A side consumer records each ping's append time by (tagId, ts); an alerts
 * consumer (read_committed) records each alert's append time and when it became visible.
 *
 * The first `warmupS` seconds of publishing are not measured: they hold the worker's group join
 * and first transactions, and a cold broker's JIT (the bench starts its broker right before).
 * Their alerts are reported apart, as `warmupAppendToAppendMs`, so start-up is not hidden.
 *
 * To get enough alerts, every subject makes an approach trip (approach share 1) and the fleet is
 * sized so simulated time runs ~600x: at rate r pings/s there are r/12 subjects, starting 09:45
 * local, so the run covers the late-morning trips.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer } from 'kafkajs';
import pino from 'pino';
import { createLogger, loadConfig } from '../src/ops/index.js';
import { round, type Summary, summarise } from '../src/ops/stats.js';
import { startWorker } from '../src/ops/worker-runtime.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../src/sim/sim-options.js';
import { type BatchCommittedEvent, STREAM_EVENTS } from '../src/stream/events.js';
import {
  benchTopics,
  benchWorkerEnv,
  createBenchTopics,
  deleteBenchTopics,
  kafkaClient,
  publishFleet,
} from './kafka-harness.js';
import { type ForkedWorker, forkWorker } from './worker-process.js';

export interface LatencyResult {
  offeredRate: number;
  achievedRate: number;
  durationS: number;
  /** Seconds of publishing before measuring starts (the same offered rate). */
  warmupS: number;
  subjects: number;
  pings: number;
  alerts: number;
  matched: number;
  /** ping append -> alert append (broker timestamps), ms, for pings appended after the warm-up */
  appendToAppendMs: Summary;
  /** the same for pings appended during the warm-up (start-up: group join, first commits) */
  warmupAppendToAppendMs: Summary;
  /** ping append -> alert visible to a read_committed consumer, ms */
  appendToVisibleMs: Summary;
  /** the worker's own sample: ping append -> transaction committed, ms */
  workerAppendToCommitMs: Summary;
  /** seconds the worker needed after the last publish to process everything */
  drainS: number;
  /** Where the worker ran: its own process, or the bench's thread. */
  worker: 'process' | 'in-process';
  /**
   * Event-loop delay of the bench process (publisher and side consumers, and the worker too when
   * in-process) over the measured span, ms: how much of the tail is the bench's own thread.
   */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

/** ts out of a ping's JSON without parsing all of it (the side consumer must stay cheap). */
function tsOf(value: Buffer): number {
  const s = value.toString('latin1');
  const i = s.indexOf('"ts":');
  if (i < 0) return Number.NaN;
  let j = i + 5;
  let n = 0;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return n;
}

/** Long enough for the group join, the first transaction of each of 12 partitions and the JIT. */
export const DEFAULT_WARMUP_S = 5;

export async function runLatencyAt(
  brokers: string[],
  rate: number,
  durationS: number,
  log: (s: string) => void,
  warmupS = DEFAULT_WARMUP_S,
  ownProcess = false,
): Promise<LatencyResult> {
  const prefix = `bench-${Date.now().toString(36)}-lat${rate}`;
  const topics = benchTopics(prefix);
  const kafka = kafkaClient(brokers, 'fenceline-bench-latency');
  const admin = kafka.admin();
  await admin.connect();
  const consumers: Consumer[] = [];
  const pingAppend = new Map<string, number>();
  const alerts: Array<{ key: string; appendTs: number; seenAt: number }> = [];
  const workerSamples: Array<{ at: number; ms: number }> = [];
  let processed = 0;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  let forked: ForkedWorker | undefined;
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  try {
    await createBenchTopics(admin, topics);
    const pingsConsumer = kafka.consumer({ groupId: `${prefix}-pings`, maxWaitTimeInMs: 50 });
    const alertsConsumer = kafka.consumer({
      groupId: `${prefix}-alerts`,
      maxWaitTimeInMs: 20,
      readUncommitted: false,
    });
    consumers.push(pingsConsumer, alertsConsumer);
    for (const [c, topic] of [
      [pingsConsumer, topics.pings],
      [alertsConsumer, topics.alerts],
    ] as const) {
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
    }
    await pingsConsumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (m.value) pingAppend.set(`${m.key?.toString()}|${tsOf(m.value)}`, Number(m.timestamp));
        }
      },
    });
    await alertsConsumer.run({
      eachBatch: async ({ batch }) => {
        const seenAt = Date.now();
        for (const m of batch.messages) {
          const a = JSON.parse(m.value?.toString() ?? '{}') as { tagId?: string; ts?: number };
          alerts.push({ key: `${a.tagId}|${a.ts}`, appendTs: Number(m.timestamp), seenAt });
        }
      },
    });
    const subjects = Math.max(40, Math.round(rate / 12));
    const opts: SimOptions = {
      ...DEFAULT_SIM_OPTIONS,
      subjects,
      approachShare: 1,
      start: DEFAULT_SIM_OPTIONS.start + 9.75 * 3_600_000,
      durationH: 12,
    };
    let publishStart = 0;
    let measuring = false;
    log(`latency: ${rate} pings/s for ${warmupS} s warm-up + ${durationS} s (${subjects} subjects)...`);
    const pub = await publishFleet(brokers, topics, opts, {
      rate,
      beforePings: async () => {
        const env = benchWorkerEnv(brokers, topics, `${prefix}-worker`, true);
        if (!ownProcess) {
          worker = await startWorker(loadConfig(env), {
            logger: createLogger({ level: 'fatal', name: 'bench-worker', destination: pino.destination(2) }),
          });
          worker.events.on(STREAM_EVENTS.batchCommitted, (e: BatchCommittedEvent) => {
            for (const v of Object.values(e.outcomes)) processed += v;
            for (const s of e.alerts)
              if (Number.isFinite(s.fromAppendS))
                workerSamples.push({ at: Date.now(), ms: s.fromAppendS * 1000 });
          });
          await worker.started;
        } else {
          forked = forkWorker(env, (n, samples) => {
            processed += n;
            workerSamples.push(...samples);
          });
          await forked.started;
        }
        publishStart = Date.now();
      },
      shouldStop: () => {
        const elapsed = Date.now() - publishStart;
        if (publishStart > 0 && elapsed >= warmupS * 1000 && !measuring) {
          measuring = true;
          loopDelay.enable();
        }
        return publishStart > 0 && elapsed >= (warmupS + durationS) * 1000;
      },
    });
    const publishEnd = Date.now();
    loopDelay.disable();
    const achievedRate = pub.pings / ((publishEnd - publishStart) / 1000);
    const measureFrom = publishStart + warmupS * 1000;
    const deadline = Date.now() + 120_000;
    while (processed < pub.pings && Date.now() < deadline) {
      if (forked !== undefined) await Promise.race([sleep(50), forked.failed]);
      else await sleep(50);
    }
    const drainS = (Date.now() - publishEnd) / 1000;
    await sleep(1_500); // let the alerts consumer see the last commits
    const a2a: number[] = [];
    const a2v: number[] = [];
    const warm: number[] = [];
    for (const a of alerts) {
      const p = pingAppend.get(a.key);
      if (p === undefined) continue;
      if (p < measureFrom) {
        warm.push(a.appendTs - p);
        continue;
      }
      a2a.push(a.appendTs - p);
      a2v.push(a.seenAt - p);
    }
    const r: LatencyResult = {
      offeredRate: rate,
      achievedRate: Math.round(achievedRate),
      durationS,
      warmupS,
      worker: ownProcess ? 'process' : 'in-process',
      subjects,
      pings: pub.pings,
      alerts: alerts.length,
      matched: a2a.length,
      appendToAppendMs: summarise(a2a),
      warmupAppendToAppendMs: summarise(warm),
      appendToVisibleMs: summarise(a2v),
      // Pings appended after the warm-up (commit time minus the sample's own latency).
      workerAppendToCommitMs: summarise(
        workerSamples.filter((w) => w.at - w.ms >= measureFrom).map((w) => w.ms),
      ),
      drainS: round(drainS, 2),
      eventLoopDelayMs: {
        p50: round(loopDelay.percentile(50) / 1e6, 1),
        p99: round(loopDelay.percentile(99) / 1e6, 1),
        max: round(loopDelay.max / 1e6, 1),
      },
    };
    log(
      `latency (worker ${r.worker}): ${rate}/s offered, ${r.achievedRate}/s achieved, ${r.matched} alerts measured: append->append p50 ${r.appendToAppendMs.p50} p95 ${r.appendToAppendMs.p95} p99 ${r.appendToAppendMs.p99} max ${r.appendToAppendMs.max} ms (warm-up: ${r.warmupAppendToAppendMs.n} alerts, p99 ${r.warmupAppendToAppendMs.p99} max ${r.warmupAppendToAppendMs.max} ms; event-loop delay p99 ${r.eventLoopDelayMs.p99} max ${r.eventLoopDelayMs.max} ms)`,
    );
    return r;
  } finally {
    await worker?.stop();
    await forked?.stop();
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await deleteBenchTopics(admin, prefix);
    await admin.disconnect();
  }
}

export async function runLatency(
  brokers: string[],
  rates: readonly number[],
  durationS: number,
  log: (s: string) => void,
  ownProcess = false,
): Promise<LatencyResult[]> {
  const out: LatencyResult[] = [];
  for (const r of rates)
    out.push(await runLatencyAt(brokers, r, durationS, log, DEFAULT_WARMUP_S, ownProcess));
  return out;
}
