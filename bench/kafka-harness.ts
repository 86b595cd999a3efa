/**
 * Shared plumbing of the broker-backed benchmarks: fresh topic names per run (so runs never see
 * each other's records or state), pre-loading a topic from the simulator, an in-process worker
 * that reports when it has processed N pings, and a bare consumer for the no-processing baseline.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';
import pino from 'pino';
import { decodePing, type TopicNames } from '../src/contract/index.js';
import { createKafka } from '../src/kafka/connection.js';
import { createLogger, loadConfig, loadKafkaConnection, type WorkerConfig } from '../src/ops/index.js';
import { startWorker } from '../src/ops/worker-runtime.js';
import { KafkaSink } from '../src/sim/kafka-sink.js';
import { type RunOptions, type RunSummary, runSimulation } from '../src/sim/run-simulation.js';
import type { SimOptions } from '../src/sim/sim-options.js';
import { type BatchCommittedEvent, STREAM_EVENTS } from '../src/stream/events.js';
import { topicsWithPrefix } from '../src/stream/stream-config.js';

export type BenchTopics = TopicNames & { stateChangelog: string };

export const benchTopics: (prefix: string) => BenchTopics = topicsWithPrefix;

export const PINGS_PARTITIONS = 12;
const LOG_APPEND = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }];

/**
 * Security for every bench client: the KAFKA_SSL / KAFKA_SASL_* variables of the shell that runs
 * the bench (unset = plaintext), so the same bench measures a plain and a SASL_SSL broker.
 */
export function benchSecurityEnv(): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (/^KAFKA_(SSL|SASL)/.test(k)) out[k] = v;
  return out;
}

export function kafkaClient(brokers: string[], clientId = 'fenceline-bench'): Kafka {
  // Retriable protocol errors (leader moves right after topic creation) are logged by kafkajs at
  // ERROR though they are retried; failures still surface as exceptions. No logger: dropped.
  const connection = loadKafkaConnection({ ...benchSecurityEnv(), KAFKA_BROKERS: brokers.join(',') });
  return createKafka(connection, clientId, { retry: { retries: 10, initialRetryTime: 300 } });
}

/**
 * Create the run's topics up front: pings and alerts stamped by the broker (LogAppendTime), so
 * latency is broker append to broker append on one clock.
 */
export async function createBenchTopics(admin: Admin, t: BenchTopics): Promise<void> {
  const topics = [
    { topic: t.pings, numPartitions: PINGS_PARTITIONS, configEntries: LOG_APPEND },
    { topic: t.alerts, numPartitions: PINGS_PARTITIONS, configEntries: LOG_APPEND },
    { topic: t.zones, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    { topic: t.enrolments, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
  ];
  // Right after another run deleted its topics the broker's metadata can lag for a moment
  // ("does not host this topic-partition" while waiting for leaders): retry, "exists" is fine.
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((x) => !existing.has(x.topic));
      if (missing.length > 0) await admin.createTopics({ waitForLeaders: true, topics: missing });
      await admin.fetchTopicMetadata({ topics: topics.map((x) => x.topic) });
      return;
    } catch (err) {
      if (attempt >= 8) throw err;
      await sleep(500 * attempt);
    }
  }
}

export async function deleteBenchTopics(admin: Admin, prefix: string): Promise<void> {
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
}

/** Publish a simulated fleet into the run's topics. */
export async function publishFleet(
  brokers: string[],
  topics: BenchTopics,
  opts: SimOptions,
  run: RunOptions = {},
): Promise<RunSummary> {
  const sink = await KafkaSink.connect({
    kafka: kafkaClient(brokers, 'fenceline-bench-sim'),
    topics,
    pingsPartitions: PINGS_PARTITIONS,
    batchSize: 4_000,
  });
  try {
    return await runSimulation(opts, sink, run);
  } finally {
    await sink.close();
  }
}

export function benchWorkerConfig(
  brokers: string[],
  topics: BenchTopics,
  group: string,
  exactlyOnce: boolean,
): WorkerConfig {
  return loadConfig(benchWorkerEnv(brokers, topics, group, exactlyOnce));
}

/** The environment a bench worker runs with (what `fenceline worker` would read). */
export function benchWorkerEnv(
  brokers: string[],
  topics: BenchTopics,
  group: string,
  exactlyOnce: boolean,
): Record<string, string | undefined> {
  return {
    ...benchSecurityEnv(),
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_CLIENT_ID: 'fenceline-bench-worker',
    FENCELINE_GROUP_ID: group,
    TOPIC_PINGS: topics.pings,
    TOPIC_ZONES: topics.zones,
    TOPIC_ENROLMENTS: topics.enrolments,
    TOPIC_ALERTS: topics.alerts,
    TOPIC_PINGS_DLQ: topics.pingsDlq,
    TOPIC_STATE_CHANGELOG: topics.stateChangelog,
    EXACTLY_ONCE: exactlyOnce ? 'true' : 'false',
    PINGS_PARTITIONS: String(PINGS_PARTITIONS),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: 'error',
    FENCELINE_INSTANCE_ID: group,
    // Let a run compare worker tunings without code changes (unset = the worker's default).
    PARTITIONS_CONSUMED_CONCURRENTLY: process.env.PARTITIONS_CONSUMED_CONCURRENTLY,
    PIPELINE_COMMITS: process.env.PIPELINE_COMMITS,
  };
}

export interface ConsumeTiming {
  processed: number;
  /** consumer started -> first batch seen (group join, tables), seconds */
  startupS: number;
  /** first batch -> last record processed, seconds */
  consumeS: number;
  perS: number;
}

/**
 * Run one worker in-process until it has processed `total` pings (sum of batch outcomes), and
 * time consumption from its first commit to its last, counting the pings of batches that began
 * to be applied (commit time minus durationS) after that first commit. Like the bare consumer's
 * clock (which starts after its first batch and leaves that batch out), this keeps start-up out:
 * the first transaction and a cold JIT took ~0.8 s of a 1M-ping run. Counting every batch
 * committed after the first would flatter PIPELINE_COMMITS=true instead: there the worker
 * applies batches on while its first transaction is in flight (~2.5 s under a backlog), and
 * those pings would count without their time. Batches of other partitions that started before
 * the first commit are left out too, which errs slightly against the worker.
 */
export async function timeWorker(
  config: WorkerConfig,
  total: number,
  timeoutMs: number,
  /** Called once each when the first batch has committed and when all have (the timed span). */
  span: { onFirstBatch?: () => void; onLastBatch?: () => void } = {},
): Promise<ConsumeTiming> {
  const t0 = performance.now();
  let first = 0;
  let last = 0;
  let processed = 0;
  let counted = 0;
  const worker = await startWorker(config, {
    logger: createLogger({ level: 'fatal', name: 'bench-worker', destination: pino.destination(2) }),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker processed ${processed}/${total} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      worker.started.catch(reject);
      worker.events.on(STREAM_EVENTS.batchCommitted, (e: BatchCommittedEvent) => {
        let n = 0;
        for (const v of Object.values(e.outcomes)) n += v;
        const now = performance.now();
        if (first === 0) {
          first = now;
          span.onFirstBatch?.();
        } else if (now - e.durationS * 1000 >= first) {
          counted += n;
        }
        processed += n;
        if (processed >= total && last === 0) {
          last = performance.now();
          span.onLastBatch?.();
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    await worker.stop();
  }
  const consumeS = (last - first) / 1000;
  return {
    processed,
    startupS: (first - t0) / 1000,
    consumeS,
    perS: counted / consumeS,
  };
}

/**
 * The no-processing baseline: a kafkajs consumer whose eachBatch does nothing ('none'), or only
 * decodes each ping with the contract decoder ('decode': JSON.parse + zod), to split the cost.
 */
export async function timeBareConsumer(
  brokers: string[],
  topic: string,
  group: string,
  total: number,
  timeoutMs: number,
  work: 'none' | 'decode' = 'none',
): Promise<ConsumeTiming> {
  const kafka = kafkaClient(brokers, 'fenceline-bench-bare');
  // Same fetch sizing as the worker, so the ratio measures processing, not fetch tuning.
  const consumer = kafka.consumer({
    groupId: group,
    maxBytesPerPartition: 5 * 1024 * 1024,
    maxBytes: 25 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  const t0 = performance.now();
  let first = 0;
  let last = 0;
  let processed = 0;
  let firstBatchSize = 0;
  let invalid = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bare consumer read ${processed}/${total}`)),
        timeoutMs,
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const n = batch.messages.length;
            if (work === 'decode') {
              for (const m of batch.messages) if (!decodePing(m.key, m.value).ok) invalid++;
            }
            if (first === 0) {
              first = performance.now();
              firstBatchSize = n;
            }
            processed += n;
            if (processed >= total && last === 0) {
              last = performance.now();
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  if (invalid > 0) throw new Error(`${invalid} pings did not decode`);
  const consumeS = (last - first) / 1000;
  return {
    processed,
    startupS: (first - t0) / 1000,
    consumeS,
    perS: (processed - firstBatchSize) / consumeS,
  };
}
