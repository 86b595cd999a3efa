/**
 * A compacted table read in full by every worker (zones, enrolments): its own unique consumer
 * group, no commits, from the beginning, and it keeps following its topics for live changes.
 *
 * Life cycle, one *generation* at a time:
 *   building --(caught up with the end offsets snapshotted at its start)--> live
 *   building | live --(consumer crash)--> a new generation after a back-off
 *   any --(stop)--> stopped
 * While building, records go to the handler's staging area, never to the table in force: a
 * replay from the beginning holds deleted zones and superseded versions, and none of them may be
 * applied, even briefly. The handler swaps the staged table in at once when the generation
 * catches up (finishBuild). A crash (e.g. an undecodable batch, a broker error kafkajs gives up
 * on) makes the table not ready, says why (log, /readyz, an event), and rebuilds aside with a new
 * consumer: the table in force keeps protecting until the rebuilt one replaces it.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { EndOffsetTracker } from './end-offsets.js';
import { STREAM_TUNING } from './stream-config.js';

export interface TableHandler {
  /** A new generation starts building aside: drop whatever an earlier one staged. */
  beginBuild(): void;
  /** A record read while building (per partition in offset order). Must not throw. */
  stage(topic: string, partition: number, record: KafkaMessage): void;
  /** The generation caught up: swap the staged table in, in one synchronous step. */
  finishBuild(): void;
  /** A record read once live. Must not throw for bad data (reject and count instead). */
  applyLive(topic: string, partition: number, record: KafkaMessage): void;
}

export interface GlobalTableOptions {
  readonly kafka: Kafka;
  /** Table name for logs and /readyz ("zones", "enrolments"). */
  readonly name: string;
  /** Every topic of the table (its input topic, and where kept, its accepted-versions topic). */
  readonly topics: readonly string[];
  /** Prefix of the per-generation group id; a random suffix makes every generation unique. */
  readonly groupPrefix: string;
  readonly logger: Logger;
  readonly handler: TableHandler;
  /** Called after each live batch (to publish the table size once per batch, not per record). */
  readonly afterBatch: () => void;
  /** Called when a generation's consumer crashed (the table rebuilds after a back-off). */
  readonly onCrash?: (error: string) => void;
  /** Called when a table rebuilt after a crash was swapped in. */
  readonly onRebuilt?: () => void;
  /** Back-off before the n-th consecutive rebuild: default min(30 s, 1 s * 2^(n-1)). */
  readonly backoffMs?: (attempt: number) => number;
}

export type GlobalTableState = 'idle' | 'building' | 'live' | 'stopped';

const defaultBackoff = (attempt: number) => Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));

export class GlobalTable {
  private state: GlobalTableState = 'idle';
  private generation = 0;
  private consumer: Consumer | undefined;
  private trackers: EndOffsetTracker[] = [];
  private timer: NodeJS.Timeout | undefined;
  private crashes = 0;
  private lastError: string | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: GlobalTableOptions) {}

  get isCaughtUp(): boolean {
    return this.state === 'live';
  }

  /** For /readyz: state, what is still behind, and why the table is not ready if it failed. */
  detail(): Record<string, unknown> {
    const behind: Record<string, unknown> = {};
    for (const [i, t] of this.trackers.entries()) {
      const left = t.remaining();
      if (Object.keys(left).length > 0) behind[this.opts.topics[i]!] = left;
    }
    return {
      state: this.state,
      caughtUp: this.isCaughtUp,
      ...(this.state === 'building' ? { behind } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError, crashes: this.crashes } : {}),
    };
  }

  /** Why the table is not ready, in words for /readyz; undefined when it is. */
  notReadyReason(): string | undefined {
    if (this.state === 'live') return undefined;
    const base = `${this.opts.name} table ${this.state === 'building' ? 'loading' : this.state}`;
    return this.lastError === undefined ? base : `${base}: consumer failed (${this.lastError}), rebuilding`;
  }

  /** Starts following the topics; resolves once live (caught up) or stopped, whichever is first. */
  async start(): Promise<void> {
    const live = new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    this.launch();
    const started = Date.now();
    await live;
    if (this.state === 'live') {
      this.opts.logger.info({ table: this.opts.name, ms: Date.now() - started }, 'global table caught up');
    }
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    const c = this.consumer;
    this.consumer = undefined;
    await c?.disconnect().catch(() => undefined);
  }

  private launch(): void {
    const gen = ++this.generation;
    this.state = 'building';
    this.runGeneration(gen).catch((err: unknown) => this.onCrash(gen, err));
  }

  private async runGeneration(gen: number): Promise<void> {
    const { kafka, topics, handler } = this.opts;
    const admin = kafka.admin();
    await admin.connect();
    let trackers: EndOffsetTracker[];
    try {
      trackers = await Promise.all(topics.map((t) => EndOffsetTracker.snapshot(admin, t)));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (gen !== this.generation) return;
    this.trackers = trackers;
    handler.beginBuild();
    const consumer = kafka.consumer({
      groupId: `${this.opts.groupPrefix}.${randomUUID()}`,
      sessionTimeout: STREAM_TUNING.sessionTimeoutMs,
      rebalanceTimeout: STREAM_TUNING.rebalanceTimeoutMs,
      heartbeatInterval: STREAM_TUNING.heartbeatIntervalMs,
      maxBytesPerPartition: STREAM_TUNING.maxBytesPerPartition,
      maxBytes: STREAM_TUNING.maxBytes,
      maxWaitTimeInMs: 250,
      readUncommitted: false,
      // A crash is ours to handle: a new generation rebuilds aside (kafkajs would replay the
      // topic from the beginning straight into the table in force).
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => this.onCrash(gen, e.payload.error));
    for (const [i, t] of topics.entries()) trackers[i]!.follow(consumer, t);
    void Promise.all(trackers.map((t) => t.done)).then(() => this.caughtUp(gen));
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        let last = Date.now();
        for (const record of batch.messages) {
          if (gen !== this.generation) return;
          if (this.state === 'live') handler.applyLive(batch.topic, batch.partition, record);
          else handler.stage(batch.topic, batch.partition, record);
          // Zone compilation can be slow for big polygons; keep the group session alive.
          if (Date.now() - last > STREAM_TUNING.inBatchHeartbeatMs) {
            await heartbeat();
            last = Date.now();
          }
        }
        if (this.state === 'live') this.opts.afterBatch();
      },
    });
  }

  private caughtUp(gen: number): void {
    if (gen !== this.generation || this.state !== 'building') return;
    this.opts.handler.finishBuild();
    this.state = 'live';
    this.crashes = 0;
    if (this.lastError !== undefined) {
      this.opts.logger.info({ table: this.opts.name }, 'global table rebuilt and swapped in');
      this.opts.onRebuilt?.();
    }
    this.lastError = undefined;
    this.opts.afterBatch();
    this.wake?.();
  }

  private onCrash(gen: number, err: unknown): void {
    if (gen !== this.generation || this.state === 'stopped') return;
    const message = err instanceof Error ? err.message : String(err);
    this.crashes++;
    this.lastError = message;
    this.state = 'building';
    this.generation++;
    const delay = (this.opts.backoffMs ?? defaultBackoff)(this.crashes);
    this.opts.logger.error(
      // An Error (not its text): the logger's serializer keeps the message and scrubs it.
      {
        table: this.opts.name,
        err: err instanceof Error ? err : new Error(message),
        crashes: this.crashes,
        retryInMs: delay,
      },
      'global table consumer failed; the table in force stays until a rebuilt one replaces it',
    );
    this.opts.onCrash?.(message);
    const old = this.consumer;
    this.consumer = undefined;
    void old?.disconnect().catch(() => undefined);
    this.timer = setTimeout(() => {
      if (this.state !== 'stopped') this.launch();
    }, delay);
    this.timer.unref();
  }
}

/**
 * A handler for readers whose apply is a fold that tolerates a replay (keyed by id, last write
 * wins, repeats counted once): the console's incident fold, the profile publisher's tables. Every
 * record, built or live, goes straight to `apply`; a rebuild after a crash replays into the same
 * fold. Readers that must never apply a superseded version, even briefly (the worker's zones),
 * stage and swap instead.
 */
export function foldingHandler(apply: (record: KafkaMessage) => void): TableHandler {
  return {
    beginBuild() {},
    stage: (_topic, _partition, record) => apply(record),
    finishBuild() {},
    applyLive: (_topic, _partition, record) => apply(record),
  };
}
