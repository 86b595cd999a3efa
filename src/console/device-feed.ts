/**
 * Feeds the DeviceBook (src/centre/device-book.ts) from the pings topic: the tags' own reports,
 * for last fix, battery, strap and a recent track on the subject and incident views.
 *
 * How it reads, and why:
 * - A fresh consumer group per process (`<prefix>.<uuid>`) that never commits: like every
 *   console table, each process needs all partitions (any tag may be looked at), and a restart
 *   must not resume from a stored offset but from the window (kafkajs has no manual assignment;
 *   see /work/shared/notes/kafka-local.md).
 * - Bounded in time: at start it asks the broker for each partition's first offset at
 *   `now - window` (ListOffsets by timestamp) and seeks there, so start-up reads about one window
 *   of pings, not the topic's whole retention. Records below those offsets (fetched before the
 *   seek takes hold) are skipped unread.
 * - Not part of the console's readiness: the incident queue must not wait for an hour of pings.
 *   Whether device status is caught up (every partition read to the end offset taken at start)
 *   is reported in `/readyz`'s detail and on every subject answer (`devices.caughtUp`).
 * - A malformed ping is counted and logged by offset and reason, never its content; the fixes
 *   never reach a log line.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { applyPing, countMalformed, type DeviceBook, emptyDeviceBook } from '../centre/device-book.js';
import { DEFAULT_MAX_PING_BYTES, decodePing } from '../contract/index.js';
import { withRetry } from '../stream/retry.js';
import type { ConsoleConfig } from './config.js';
import type { ConsoleMetrics } from './metrics.js';

export type DeviceFeedState = 'idle' | 'waiting_for_topic' | 'loading' | 'live' | 'failed' | 'stopped';

export interface DeviceFeedStatus {
  state: DeviceFeedState;
  caughtUp: boolean;
  /** Records appended from this time on (epoch ms) were read at start: the window. */
  windowStart: number | null;
  /** Partition → end offset still to reach, while loading. */
  behind?: Record<string, string>;
  tags: number;
  lastError?: string;
}

export class DeviceFeed {
  readonly book: DeviceBook;
  private state: DeviceFeedState = 'idle';
  private consumer: Consumer | undefined;
  /** Partition → first offset of the window. */
  private readonly starts = new Map<number, bigint>();
  /** Partition → end offset at start, until read. */
  private readonly pending = new Map<number, bigint>();
  private windowStart: number | null = null;
  private lastError: string | undefined;
  private caughtUpAt: number | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ConsoleConfig,
    private readonly metrics: ConsoleMetrics,
    private readonly logger: Logger,
  ) {
    this.book = emptyDeviceBook({ maxTags: config.devices.maxTags, fixesPerTag: config.devices.fixesPerTag });
  }

  /** A method, not a comparison inline: the state changes under awaits (stop()). */
  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  get caughtUp(): boolean {
    return this.caughtUpAt !== undefined;
  }

  status(): DeviceFeedStatus {
    const behind: Record<string, string> = {};
    for (const [p, end] of this.pending) behind[String(p)] = String(end);
    return {
      state: this.state,
      caughtUp: this.caughtUp,
      windowStart: this.windowStart,
      ...(this.state === 'loading' && { behind }),
      tags: this.book.tags.size,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }

  /**
   * Starts reading; resolves once the window is loaded (or the feed is stopped). A consumer that
   * fails is replaced after a back-off by a new generation that reads the window again from
   * `clock() - window` (a replay is harmless: the book ignores pings it holds), and until it has
   * caught up the status says so.
   */
  start(clock: () => number = Date.now): Promise<void> {
    this.clock = clock;
    this.launch();
    return this.firstLoad;
  }

  private clock: () => number = Date.now;
  private generation = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private resolveFirstLoad!: () => void;
  private readonly firstLoad = new Promise<void>((resolve) => {
    this.resolveFirstLoad = resolve;
  });

  private launch(): void {
    const gen = ++this.generation;
    this.caughtUpAt = undefined;
    this.run(gen).catch((err: unknown) => this.fail(gen, err));
  }

  private async run(gen: number): Promise<void> {
    const topic = this.config.devices.topic;
    await this.waitForTopic(topic);
    if (gen !== this.generation || this.isStopped()) return;
    await this.snapshotOffsets(topic, this.clock() - this.config.devices.windowS * 1000);
    if (gen !== this.generation || this.isStopped()) return;
    this.state = 'loading';
    if (this.pending.size === 0) this.loaded();
    await this.consume(topic, gen);
  }

  private fail(gen: number, err: unknown): void {
    if (gen !== this.generation || this.isStopped()) return;
    this.generation++;
    this.failures++;
    this.state = 'failed';
    this.caughtUpAt = undefined;
    this.lastError = err instanceof Error ? err.message : String(err);
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(5, this.failures - 1));
    this.logger.error(
      {
        err: err instanceof Error ? err : new Error(this.lastError),
        topic: this.config.devices.topic,
        retryInMs: delay,
      },
      'device feed consumer failed; reading the window again after a back-off',
    );
    const old = this.consumer;
    this.consumer = undefined;
    void old?.disconnect().catch(() => undefined);
    this.timer = setTimeout(() => {
      if (!this.isStopped()) this.launch();
    }, delay);
    this.timer.unref();
  }

  private loaded(): void {
    if (this.caughtUpAt !== undefined) return;
    this.caughtUpAt = this.clock();
    this.state = 'live';
    this.failures = 0;
    this.lastError = undefined;
    this.logger.info({ tags: this.book.tags.size, pings: this.book.counts.pings }, 'device status caught up');
    this.resolveFirstLoad();
  }

  private async waitForTopic(topic: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (;;) {
        if (this.isStopped()) return;
        const topics = await withRetry(() => admin.listTopics());
        if (topics.includes(topic)) return;
        this.state = 'waiting_for_topic';
        await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async snapshotOffsets(topic: string, from: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await withRetry(() => admin.fetchTopicOffsets(topic));
      // kafkajs answers the end offset for a partition with nothing at or after `from`.
      const starts = await withRetry(() => admin.fetchTopicOffsetsByTimestamp(topic, from));
      this.windowStart = from;
      this.starts.clear();
      this.pending.clear();
      for (const s of starts) this.starts.set(s.partition, BigInt(s.offset));
      for (const e of ends) {
        const start = this.starts.get(e.partition) ?? BigInt(e.high);
        if (BigInt(e.high) > start) this.pending.set(e.partition, BigInt(e.high));
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private advance(partition: number, lastOffset: string): void {
    const end = this.pending.get(partition);
    if (end === undefined || BigInt(lastOffset) + 1n < end) return;
    this.pending.delete(partition);
    if (this.pending.size === 0) this.loaded();
  }

  private async consume(topic: string, gen: number): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `fenceline-console.${this.config.instanceId}.pings.${randomUUID()}`,
      maxBytes: 16 * 1024 * 1024,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 250,
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => this.fail(gen, e.payload.error));
    // Every batch, data or filtered, says how far the partition has been read.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (gen === this.generation && e.payload.topic === topic) {
        this.advance(e.payload.partition, e.payload.lastOffset);
      }
    });
    await consumer.connect();
    // From the beginning, not the end: a batch fetched before the seek below takes hold then lies
    // below the window (skipped unread), never past the end offsets (which would mark the
    // partition read before its window was).
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const start = this.starts.get(batch.partition) ?? 0n;
        let last = Date.now();
        for (const record of batch.messages) {
          if (gen !== this.generation || this.isStopped()) return;
          if (BigInt(record.offset) < start) continue;
          const d = decodePing(record.key, record.value, DEFAULT_MAX_PING_BYTES);
          if (d.ok) {
            applyPing(this.book, d.value);
          } else {
            countMalformed(this.book);
            this.metrics.malformed.inc({ topic: 'pings' });
            this.logger.warn(
              { topic, partition: batch.partition, offset: record.offset, reason: d.error },
              'malformed ping skipped',
            );
          }
          if (Date.now() - last > 2000) {
            await heartbeat();
            last = Date.now();
          }
        }
      },
    });
    for (const [partition, offset] of this.starts)
      consumer.seek({ topic, partition, offset: String(offset) });
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    this.generation++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.resolveFirstLoad();
    const c = this.consumer;
    this.consumer = undefined;
    await c?.disconnect().catch(() => undefined);
  }
}
