/**
 * Rebuild tag states for some partitions from the compacted, co-partitioned changelog.
 *
 * Read with read_committed so writes from aborted transactions are never restored: state must
 * match the committed input offsets exactly. kafkajs has no manual assignment, so a short-lived
 * consumer with a unique group subscribes to the whole topic, pauses the partitions it does not
 * want and reads the wanted ones from the beginning until EndOffsetTracker says it has reached
 * the end offsets snapshotted after our transactional producer fenced any previous owner.
 * Only the newest value per tag is kept while reading; JSON decoding happens once per tag at the end.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { decodeTagState, type TagState } from '../engine/index.js';
import { EndOffsetTracker } from './end-offsets.js';
import { withRetry } from './retry.js';
import { STREAM_TUNING } from './stream-config.js';

export interface RestoreResult {
  /** partition → (tagId → state) */
  readonly states: Map<number, Map<string, TagState>>;
  readonly records: number;
  readonly tags: number;
  readonly durationS: number;
}

export interface RestoreOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly partitions: readonly number[];
  readonly groupPrefix: string;
  readonly logger: Logger;
  /** Called about once a second while waiting, e.g. to heartbeat the main consumer group. */
  readonly keepAlive?: () => Promise<void>;
}

export async function restoreChangelog(opts: RestoreOptions): Promise<RestoreResult> {
  const started = performance.now();
  const { kafka, topic, partitions, logger } = opts;
  const latest = new Map<number, Map<string, Buffer>>();
  for (const p of partitions) latest.set(p, new Map());
  let records = 0;

  const admin = kafka.admin();
  await admin.connect();
  let tracker: EndOffsetTracker;
  let all: number[];
  try {
    tracker = await EndOffsetTracker.snapshot(admin, topic, partitions);
    all = (await withRetry(() => admin.fetchTopicOffsets(topic))).map((o) => o.partition);
  } finally {
    await admin.disconnect();
  }

  if (!tracker.isDone) {
    const consumer = kafka.consumer({
      groupId: `${opts.groupPrefix}.restore.${randomUUID()}`,
      sessionTimeout: STREAM_TUNING.sessionTimeoutMs,
      heartbeatInterval: STREAM_TUNING.heartbeatIntervalMs,
      maxBytesPerPartition: STREAM_TUNING.maxBytesPerPartition,
      maxBytes: STREAM_TUNING.maxBytes,
      maxWaitTimeInMs: 100,
      readUncommitted: false,
    });
    tracker.follow(consumer, topic);
    // A restore consumer that crashed for good would leave the wait below pending forever, and
    // the partition silently unprocessed: fail the restore instead, so the partition says so
    // and initialisation is retried.
    let crashed!: (err: Error) => void;
    const gaveUp = new Promise<never>((_, reject) => {
      crashed = reject;
    });
    gaveUp.catch(() => undefined);
    consumer.on(consumer.events.CRASH, (e) => {
      if (!e.payload.restart)
        crashed(new Error(`changelog restore consumer crashed: ${e.payload.error.message}`));
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: Math.min(4, partitions.length),
        eachBatch: async ({ batch }) => {
          const map = latest.get(batch.partition);
          if (map === undefined) return;
          for (const m of batch.messages) {
            const key = m.key?.toString('utf8');
            if (key === undefined) continue;
            records++;
            if (m.value === null) map.delete(key);
            else map.set(key, m.value);
          }
        },
      });
      const others = all.filter((p) => !latest.has(p));
      if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
      await waitWithKeepAlive(Promise.race([tracker.done, gaveUp]), opts.keepAlive);
    } finally {
      await consumer.disconnect();
    }
  }

  const states = new Map<number, Map<string, TagState>>();
  let tags = 0;
  for (const [p, raw] of latest) {
    const m = new Map<string, TagState>();
    for (const [tagId, value] of raw) {
      try {
        m.set(tagId, decodeTagState(value.toString('utf8')));
      } catch {
        // Our own data; garbage here is a bug. The tag starts afresh rather than wedging the partition.
        logger.error({ tagId, partition: p }, 'changelog value does not decode; tag state reset');
      }
    }
    tags += m.size;
    states.set(p, m);
  }
  return { states, records, tags, durationS: (performance.now() - started) / 1000 };
}

export async function waitWithKeepAlive(
  done: Promise<void>,
  keepAlive: (() => Promise<void>) | undefined,
): Promise<void> {
  if (keepAlive === undefined) return done;
  let finished = false;
  // Both outcomes end the wait; the caller sees a rejection through its own await below.
  const settle = () => {
    finished = true;
  };
  done.then(settle, settle);
  while (!finished) {
    await Promise.race([done, new Promise((r) => setTimeout(r, STREAM_TUNING.inBatchHeartbeatMs))]);
    if (!finished) await keepAlive().catch(() => undefined);
  }
  return done;
}
