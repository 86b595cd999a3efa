/**
 * A compacted topic read in full by every worker (zones, enrolments): its own unique consumer
 * group, no commits, from the beginning, and it keeps following the topic for live changes.
 * `caughtUp` resolves once the records present at start-up have all been applied.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { EndOffsetTracker } from './end-offsets.js';
import { STREAM_TUNING } from './stream-config.js';

export interface GlobalTableOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  /** Prefix of the per-instance group id; a random suffix makes every start unique. */
  readonly groupPrefix: string;
  readonly logger: Logger;
  /** Apply one record, in partition order. Must not throw for bad data (reject and count instead). */
  readonly apply: (record: KafkaMessage) => void;
  /** Called after each applied batch (to publish the table size once per batch, not per record). */
  readonly afterBatch: () => void;
}

export class GlobalTable {
  private consumer: Consumer | undefined;
  private tracker: EndOffsetTracker | undefined;

  constructor(private readonly opts: GlobalTableOptions) {}

  get isCaughtUp(): boolean {
    return this.tracker?.isDone ?? false;
  }

  detail(): Record<string, unknown> {
    return { caughtUp: this.isCaughtUp, behind: this.tracker?.remaining() ?? 'not started' };
  }

  /** Starts following the topic; resolves once caught up with the start-up end offsets. */
  async start(): Promise<void> {
    const { kafka, topic, logger } = this.opts;
    const admin = kafka.admin();
    await admin.connect();
    try {
      this.tracker = await EndOffsetTracker.snapshot(admin, topic);
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({
      groupId: `${this.opts.groupPrefix}.${randomUUID()}`,
      sessionTimeout: STREAM_TUNING.sessionTimeoutMs,
      rebalanceTimeout: STREAM_TUNING.rebalanceTimeoutMs,
      heartbeatInterval: STREAM_TUNING.heartbeatIntervalMs,
      maxBytesPerPartition: STREAM_TUNING.maxBytesPerPartition,
      maxBytes: STREAM_TUNING.maxBytes,
      maxWaitTimeInMs: 250,
      readUncommitted: false,
    });
    this.consumer = consumer;
    this.tracker.follow(consumer, topic);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        let last = Date.now();
        for (const record of batch.messages) {
          this.opts.apply(record);
          // Zone compilation can be slow for big polygons; keep the group session alive.
          if (Date.now() - last > STREAM_TUNING.inBatchHeartbeatMs) {
            await heartbeat();
            last = Date.now();
          }
        }
        this.opts.afterBatch();
      },
    });
    const started = Date.now();
    await this.tracker.done;
    logger.info({ topic, ms: Date.now() - started }, 'global table caught up');
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
