/**
 * The pings consumer group: assignment, per-partition restore, batch processing, commit, recovery
 * and the NO_SIGNAL sweep. One PartitionTask per owned partition; everything touching a task's
 * state or producer runs through that task's serial queue.
 */
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Alert } from '../contract/index.js';
import {
  type EngineConfig,
  encodeTagState,
  sweepNoSignal,
  type TagState,
  type World,
} from '../engine/index.js';
import { alertMessage, alertSamples, processBatch } from './batch-processor.js';
import { restoreChangelog, waitWithKeepAlive } from './changelog-restore.js';
import { STREAM_EVENTS, type StreamEvents } from './events.js';
import { createPlainSink, createTransactionalSink, type PartitionSink } from './partition-sink.js';
import { PartitionTask, StreamRetriableError } from './partition-task.js';
import { withRetry } from './retry.js';
import { resolveEngineConfig, STREAM_TUNING, type StreamConfig } from './stream-config.js';

export interface PingPipelineOptions {
  readonly kafka: Kafka;
  readonly config: StreamConfig;
  readonly world: World;
  readonly logger: Logger;
  readonly events: StreamEvents;
  /** The consumer crashed with an error kafkajs will not restart from. */
  readonly onFatal: (err: Error) => void;
}

export class PingPipeline {
  private readonly tasks = new Map<number, PartitionTask>();
  private readonly log: Logger;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly engine: EngineConfig;
  private sweepTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly opts: PingPipelineOptions) {
    const { kafka, config } = opts;
    this.log = opts.logger.child({ component: 'pings' });
    this.engine = resolveEngineConfig(config.engine);
    this.admin = kafka.admin();
    this.consumer = kafka.consumer({
      groupId: config.kafka.groupId,
      sessionTimeout: STREAM_TUNING.sessionTimeoutMs,
      rebalanceTimeout: STREAM_TUNING.rebalanceTimeoutMs,
      heartbeatInterval: STREAM_TUNING.heartbeatIntervalMs,
      maxBytesPerPartition: STREAM_TUNING.maxBytesPerPartition,
      maxBytes: STREAM_TUNING.maxBytes,
      maxWaitTimeInMs: STREAM_TUNING.maxWaitTimeInMs,
      readUncommitted: false,
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  ownedPartitions(): number[] {
    return [...this.tasks.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    const { config } = this.opts;
    const c = this.consumer;
    c.on(c.events.GROUP_JOIN, (e) =>
      this.onAssignment(e.payload.memberAssignment[config.topics.pings] ?? []),
    );
    c.on(c.events.CRASH, (e) => {
      this.log.error({ err: e.payload.error.message, restart: e.payload.restart }, 'pings consumer crashed');
      if (!e.payload.restart) this.opts.onFatal(e.payload.error);
    });
    await this.admin.connect();
    await c.connect();
    // A new group starts at the beginning: a monitoring system must not skip pings it never saw.
    await c.subscribe({ topic: config.topics.pings, fromBeginning: true });
    // Set before run(): a batch can arrive before run() resolves, and must not be dropped.
    this.running = true;
    await c.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    const intervalMs = config.noSignalSweepIntervalS * 1000;
    this.sweepTimer = setInterval(() => this.sweepAll(), intervalMs);
    this.sweepTimer.unref();
  }

  /** Finish the current batch, commit, leave the group, close producers. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.consumer.disconnect();
    const tasks = [...this.tasks.values()];
    this.tasks.clear();
    await Promise.all(
      tasks.map((t) => {
        t.closed = true;
        return t.queue.run(() => t.sink.close()).catch(() => undefined);
      }),
    );
    await this.admin.disconnect();
  }

  private makeSink(partition: number): PartitionSink {
    const { kafka, config } = this.opts;
    const ctx = {
      kafka,
      topics: config.topics,
      groupId: config.kafka.groupId,
      partition,
      commitOffset: (p: number, offset: string) =>
        this.consumer.commitOffsets([{ topic: config.topics.pings, partition: p, offset }]),
    };
    return config.exactlyOnce ? createTransactionalSink(ctx) : createPlainSink(ctx);
  }

  private onAssignment(assigned: number[]): void {
    this.log.info({ partitions: assigned }, 'pings partitions assigned');
    this.opts.events.emit(STREAM_EVENTS.assignmentChanged, { partitions: assigned });
    for (const [p, task] of this.tasks) {
      if (assigned.includes(p)) continue;
      this.tasks.delete(p);
      task.closed = true;
      void task.queue.run(() => task.sink.close()).catch(() => undefined);
    }
    const fresh = assigned.filter((p) => {
      const t = this.tasks.get(p);
      return t === undefined || t.initFailed;
    });
    if (fresh.length > 0) this.initTasks(fresh);
  }

  /** Create tasks, fence predecessors, restore state for all of them with one restore consumer. */
  private initTasks(partitions: number[], keepAlive?: () => Promise<void>): void {
    const created = partitions.map((p) => {
      const old = this.tasks.get(p);
      if (old) void old.queue.run(() => old.sink.close()).catch(() => undefined);
      const task = new PartitionTask(p, this.makeSink(p));
      this.tasks.set(p, task);
      return task;
    });
    const shared = (async () => {
      await Promise.all(created.map((t) => t.sink.init()));
      const restored = await this.restore(partitions, keepAlive);
      const committed = await this.committedOffsets(partitions);
      for (const t of created) t.reset(restored.get(t.partition), committed.get(t.partition) ?? 0n);
    })();
    // Each task's queue observes `shared` only when its turn comes; until then a rejection would
    // count as unhandled and kill the process. The tasks still see the failure through `ready`.
    shared.catch(() => undefined);
    for (const t of created) {
      t.ready = t.queue.run(() => shared);
      t.ready.catch((err: Error) => {
        t.initFailed = true;
        this.log.warn({ partition: t.partition, err: err.message }, 'partition initialisation failed');
      });
    }
  }

  private async restore(
    partitions: number[],
    keepAlive?: () => Promise<void>,
  ): Promise<Map<number, Map<string, TagState>>> {
    const { kafka, config, events } = this.opts;
    const r = await restoreChangelog({
      kafka,
      topic: config.topics.stateChangelog,
      partitions,
      groupPrefix: `${config.kafka.groupId}.${config.instanceId}`,
      logger: this.log,
      ...(keepAlive ? { keepAlive } : {}),
    });
    this.log.info(
      { partitions, tags: r.tags, records: r.records, ms: Math.round(r.durationS * 1000) },
      'state restored',
    );
    events.emit(STREAM_EVENTS.stateRestored, {
      partitions,
      tags: r.tags,
      records: r.records,
      durationS: r.durationS,
    });
    return r.states;
  }

  /** The group's committed positions, read after fencing; the earliest offset where none is committed. */
  private async committedOffsets(partitions: number[]): Promise<Map<number, bigint>> {
    const topic = this.opts.config.topics.pings;
    const [committed, bounds] = await withRetry(() =>
      Promise.all([
        this.admin.fetchOffsets({ groupId: this.opts.config.kafka.groupId, topics: [topic] }),
        this.admin.fetchTopicOffsets(topic),
      ]),
    );
    const out = new Map<number, bigint>();
    for (const p of partitions) {
      const c = committed[0]?.partitions.find((x) => x.partition === p)?.offset;
      const low = bounds.find((x) => x.partition === p)?.low ?? '0';
      out.set(p, c !== undefined && BigInt(c) >= 0n ? BigInt(c) : BigInt(low));
    }
    return out;
  }

  /** Throw away in-memory state, fence with a fresh producer, re-restore, re-read the committed offset. */
  private async recover(task: PartitionTask, keepAlive?: () => Promise<void>): Promise<void> {
    task.needsRecovery = true;
    task.states = new Map();
    await task.sink.close().catch(() => undefined);
    task.sink = this.makeSink(task.partition);
    await task.sink.init();
    const restored = await this.restore([task.partition], keepAlive);
    const committed = await this.committedOffsets([task.partition]);
    task.reset(restored.get(task.partition), committed.get(task.partition) ?? 0n);
    this.log.info({ partition: task.partition, offset: String(task.nextOffset) }, 'partition recovered');
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat } = payload;
    let task = this.tasks.get(batch.partition);
    if (task === undefined) {
      // The GROUP_JOIN event normally comes first; this covers any ordering surprise.
      this.initTasks([batch.partition]);
      task = this.tasks.get(batch.partition)!;
    }
    const t = task;
    try {
      await waitWithKeepAlive(t.ready, heartbeat);
    } catch (err) {
      throw new StreamRetriableError(
        `partition ${batch.partition} not initialised: ${(err as Error).message}`,
      );
    }
    await t.queue.run(() => this.processTaskBatch(t, payload));
  }

  private async processTaskBatch(task: PartitionTask, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isStale } = payload;
    const { config, world, events } = this.opts;
    if (task.closed || isStale() || !this.running) return;
    let heartbeatError: unknown;
    const keepAlive = async () => {
      try {
        await heartbeat();
      } catch (err) {
        heartbeatError ??= err;
      }
    };
    if (task.needsRecovery) {
      try {
        await this.recover(task, keepAlive);
      } catch (err) {
        throw new StreamRetriableError(
          `partition ${task.partition} recovery failed: ${(err as Error).message}`,
        );
      }
    }
    const first = BigInt(batch.firstOffset() ?? batch.lastOffset());
    if (task.seekTo !== undefined) {
      const target = task.seekTo;
      task.seekTo = undefined;
      if (first > target) {
        // The consumer is past the committed position (e.g. after an aborted transaction): go back.
        this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(target) });
        return;
      }
    }
    let messages = batch.messages;
    const next = task.nextOffset;
    if (next !== undefined && first < next) {
      // Already committed by us or a predecessor (kafkajs read the position before we fenced).
      messages = messages.filter((m) => BigInt(m.offset) >= next);
    }
    const lastData = batch.messages.at(-1);
    if (messages.length === 0) {
      if (lastData) resolveOffset(lastData.offset);
      return;
    }

    const started = performance.now();
    const result = await processBatch({
      topic: batch.topic,
      partition: batch.partition,
      messages,
      world,
      engine: this.engine,
      maxPingBytes: config.maxPingBytes,
      clockGlitchMarginMs: config.clockGlitchMarginS * 1000,
      states: task.states,
      keepAlive,
    });
    const nextOffset = BigInt(batch.lastOffset()) + 1n;
    try {
      await task.sink.commit(result.outputs, String(nextOffset));
    } catch (err) {
      task.needsRecovery = true;
      const error = (err as Error).message;
      this.log.warn({ partition: task.partition, err: error }, 'commit failed; recovering partition');
      events.emit(STREAM_EVENTS.commitFailed, { partition: task.partition, error });
      try {
        await this.recover(task, keepAlive);
      } catch (err2) {
        throw new StreamRetriableError(
          `partition ${task.partition} recovery failed: ${(err2 as Error).message}`,
        );
      }
      return;
    }
    const committedAt = Date.now();
    task.nextOffset = nextOffset;
    if (lastData) resolveOffset(lastData.offset);
    events.emit(STREAM_EVENTS.batchCommitted, {
      partition: task.partition,
      durationS: (performance.now() - started) / 1000,
      outcomes: result.outcomes,
      dlq: result.dlq,
      alerts: result.alerts.length > 0 ? alertSamples(result.alerts, result.alertAppendTs, committedAt) : [],
      changedTags: result.changedTags,
    });
    events.emit(STREAM_EVENTS.consumerLag, { partition: task.partition, lag: Number(batch.offsetLag()) });
    this.emitStateSize();
    if (heartbeatError !== undefined) throw heartbeatError; // let kafkajs rejoin, now that we committed
  }

  private emitStateSize(): void {
    let tags = 0;
    for (const t of this.tasks.values()) tags += t.states.size;
    this.opts.events.emit(STREAM_EVENTS.stateSize, { tags });
  }

  private sweepAll(): void {
    for (const task of this.tasks.values()) {
      if (task.closed || task.initFailed) continue;
      task.queue
        .run(() => this.sweep(task))
        .catch((err: Error) =>
          this.log.warn({ partition: task.partition, err: err.message }, 'sweep failed'),
        );
    }
  }

  /** NO_SIGNAL on the wall clock, through the same transactional path as batches. */
  private async sweep(task: PartitionTask): Promise<void> {
    if (task.closed || !this.running || task.nextOffset === undefined) return;
    if (task.needsRecovery) await this.recover(task);
    const { world, events } = this.opts;
    const now = Date.now();
    const alerts: Alert[] = [];
    const changed: TagState[] = [];
    for (const state of task.states.values()) {
      if (sweepNoSignal(world, this.engine, state, now, alerts)) changed.push(state);
    }
    if (changed.length === 0) return;
    const outputs = {
      alerts: alerts.map(alertMessage),
      dlq: [],
      changelog: changed.map((s) => ({ key: s.tagId, value: encodeTagState(s), partition: task.partition })),
    };
    try {
      await task.sink.commit(outputs, undefined);
    } catch (err) {
      task.needsRecovery = true;
      events.emit(STREAM_EVENTS.commitFailed, { partition: task.partition, error: (err as Error).message });
      throw err;
    }
    const committedAt = Date.now();
    events.emit(STREAM_EVENTS.sweepCommitted, {
      partition: task.partition,
      alerts: alertSamples(alerts, [], committedAt),
      changedTags: changed.length,
    });
  }
}
