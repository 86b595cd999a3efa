/**
 * The pings consumer group: membership, assignment and dispatch. One PartitionTask per owned
 * partition; everything touching a task's state or producer runs through that task's serial
 * queue, and what may happen to it is decided by its life cycle (partition-lifecycle.ts).
 * The work itself lives next door: bring-up (partition-restore.ts), batches
 * (partition-batch.ts), sweeps (partition-sweeper.ts), one commit path (partition-commit.ts).
 */
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { EngineConfig, World } from '../engine/index.js';
import { ConsumerKeeper } from '../kafka/consumer-keeper.js';
import { waitWithKeepAlive } from './changelog-restore.js';
import { CommitPipeline } from './commit-pipeline.js';
import { isStuck } from './commit-streak.js';
import { STREAM_EVENTS, type StreamEvents } from './events.js';
import { type BatchDeps, runTaskBatch } from './partition-batch.js';
import { applyTaskBatch } from './partition-batch-pipelined.js';
import { publishTask } from './partition-commit.js';
import { PartitionRestorer } from './partition-restore.js';
import { createPlainSink, createTransactionalSink, type PartitionSink } from './partition-sink.js';
import { type SweepDeps, sweepTask } from './partition-sweeper.js';
import { PartitionTask, StreamRetriableError } from './partition-task.js';
import { withRetry } from './retry.js';
import { resolveEngineConfig, STREAM_TUNING, type StreamConfig } from './stream-config.js';
import { TagPartitions } from './tag-partition.js';

export interface PingPipelineOptions {
  readonly kafka: Kafka;
  readonly config: StreamConfig;
  readonly world: World;
  readonly logger: Logger;
  readonly events: StreamEvents;
  /**
   * Kafka refused us (credentials, certificate, ACL): restarting the consumer cannot help.
   * Any other crash kafkajs will not restart from gets a new consumer after a back-off.
   */
  readonly onFatal: (err: Error) => void;
}

export class PingPipeline {
  private readonly tasks = new Map<number, PartitionTask>();
  private readonly log: Logger;
  /**
   * The pings consumer, replaced by a new one when kafkajs gives up on it (e.g. the group
   * coordinator stayed unreachable through a broker restart longer than its retries). The tasks
   * keep their state; the new member's assignment decides which of them live on.
   */
  private readonly keeper: ConsumerKeeper;
  private readonly admin: Admin;
  private readonly engine: EngineConfig;
  private readonly restorer: PartitionRestorer;
  private readonly batchDeps: Omit<BatchDeps, 'consumer'>;
  private readonly sweepDeps: SweepDeps;
  private readonly tagPartitions = new TagPartitions();
  private sweepTimer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly opts: PingPipelineOptions) {
    const { kafka, config, events, world } = opts;
    this.log = opts.logger.child({ component: 'pings' });
    this.engine = resolveEngineConfig(config.engine);
    this.admin = kafka.admin();
    this.keeper = new ConsumerKeeper({
      name: 'pings consumer',
      connection: config.kafka,
      log: this.log,
      create: () => this.newConsumer(),
      run: (c) => this.runConsumer(c),
      onJoin: (_c, e) => this.onAssignment(e.payload.memberAssignment[config.topics.pings] ?? []),
      wanted: () => this.running,
      onFatal: opts.onFatal,
    });
    this.restorer = new PartitionRestorer({ kafka, admin: this.admin, config, log: this.log, events });
    const commit = { log: this.log, events };
    const isRunning = () => this.running;
    const recover = (task: PartitionTask, keepAlive?: () => Promise<void>) => this.recover(task, keepAlive);
    const afterCommit = () => this.emitStateSize();
    this.batchDeps = {
      world,
      engine: this.engine,
      maxPingBytes: config.maxPingBytes,
      clockGlitchMarginMs: config.clockGlitchMarginS * 1000,
      commit,
      isRunning,
      recover,
      afterCommit,
    };
    this.sweepDeps = {
      world,
      engine: this.engine,
      commit,
      limits: {
        maxLag: config.noSignalBacklog.maxLag,
        maxBehindMs: config.noSignalBacklog.maxBehindS * 1000,
      },
      retentionMs: config.stateRetentionS * 1000,
      isRunning,
      recover,
      afterCommit,
    };
  }

  get isRunning(): boolean {
    return this.running;
  }

  ownedPartitions(): number[] {
    return [...this.tasks.keys()].sort((a, b) => a - b);
  }

  /** Partitions whose commits keep failing the same way, with the error (for /readyz). */
  stuckPartitions(): Record<number, string> {
    const out: Record<number, string> = {};
    for (const t of this.tasks.values()) if (isStuck(t.streak)) out[t.partition] = t.streak.error ?? '';
    return out;
  }

  /** Why pings are not being consumed right now (undefined while the consumer runs), for /readyz. */
  consumerProblem(): string | undefined {
    return this.keeper.problem();
  }

  async start(): Promise<void> {
    const { config } = this.opts;
    this.log.info(
      {
        pipelineCommits: config.pipelineCommits === true,
        partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      },
      'pings consumer starting',
    );
    await this.admin.connect();
    // Set before run(): a batch can arrive before run() resolves, and must not be dropped.
    this.running = true;
    await this.keeper.start();
    this.sweepTimer = setInterval(() => void this.sweepAll(), this.opts.config.noSignalSweepIntervalS * 1000);
    this.sweepTimer.unref();
  }

  private newConsumer(): Consumer {
    return this.opts.kafka.consumer({
      groupId: this.opts.config.kafka.groupId,
      sessionTimeout: STREAM_TUNING.sessionTimeoutMs,
      rebalanceTimeout: STREAM_TUNING.rebalanceTimeoutMs,
      heartbeatInterval: STREAM_TUNING.heartbeatIntervalMs,
      maxBytesPerPartition: STREAM_TUNING.maxBytesPerPartition,
      maxBytes: STREAM_TUNING.maxBytes,
      maxWaitTimeInMs: STREAM_TUNING.maxWaitTimeInMs,
      readUncommitted: false,
    });
  }

  private async runConsumer(c: Consumer): Promise<void> {
    const { config } = this.opts;
    await c.connect();
    // A new group starts at the beginning: a monitoring system must not skip pings it never saw.
    await c.subscribe({ topic: config.topics.pings, fromBeginning: true });
    const batchDeps: BatchDeps = { ...this.batchDeps, consumer: c };
    await c.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(batchDeps, payload),
    });
  }

  /** Finish the current batch, commit, leave the group, close producers. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.keeper.stop();
    const tasks = [...this.tasks.values()];
    this.tasks.clear();
    await Promise.all(tasks.map((t) => this.close(t)));
    await this.admin.disconnect();
  }

  private close(task: PartitionTask): Promise<void> {
    task.lifecycle.close();
    // A pipelined commit in flight finishes first (or is fenced by the partition's new owner).
    return task.queue
      .run(async () => {
        await task.pipeline?.idle();
        await task.sink.close();
      })
      .catch(() => undefined);
  }

  private makeSink(partition: number): PartitionSink {
    const { kafka, config } = this.opts;
    const ctx = {
      kafka,
      topics: config.topics,
      groupId: config.kafka.groupId,
      partition,
      commitOffset: (p: number, offset: string) =>
        this.keeper.consumer!.commitOffsets([{ topic: config.topics.pings, partition: p, offset }]),
    };
    return config.exactlyOnce ? createTransactionalSink(ctx) : createPlainSink(ctx);
  }

  private onAssignment(assigned: number[]): void {
    this.log.info({ partitions: assigned }, 'pings partitions assigned');
    this.opts.events.emit(STREAM_EVENTS.assignmentChanged, { partitions: assigned });
    for (const [p, task] of this.tasks) {
      if (assigned.includes(p)) continue;
      this.tasks.delete(p);
      void this.close(task);
    }
    const fresh = assigned.filter((p) => {
      const t = this.tasks.get(p);
      return t === undefined || t.lifecycle.is('failed');
    });
    if (fresh.length > 0) this.initTasks(fresh);
  }

  /** Create tasks and bring them up together (one restore consumer for all of them). */
  private initTasks(partitions: number[]): void {
    const created = partitions.map((p) => {
      const old = this.tasks.get(p);
      if (old) void this.close(old);
      const task = new PartitionTask(p, this.makeSink(p));
      if (this.opts.config.pipelineCommits) {
        task.pipeline = new CommitPipeline((out, next) =>
          publishTask(this.batchDeps.commit, task, out, next),
        );
      }
      this.tasks.set(p, task);
      return task;
    });
    const shared = this.restorer.bringUp(created);
    // Each task's queue observes `shared` only when its turn comes; until then a rejection would
    // count as unhandled and kill the process. The tasks still see the failure through `ready`.
    shared.catch(() => undefined);
    for (const t of created) {
      t.ready = t.queue.run(() => shared);
      t.ready.catch((err: unknown) => {
        this.log.warn({ partition: t.partition, err }, 'partition initialisation failed');
      });
    }
  }

  /** Throw away the sink (a fresh one fences), re-restore, re-read the committed offset. */
  private async recover(task: PartitionTask, keepAlive?: () => Promise<void>): Promise<void> {
    await task.pipeline?.idle(); // the failed commit's successors are dropped, not sent
    await task.sink.close().catch(() => undefined);
    task.sink = this.makeSink(task.partition);
    await this.restorer.bringUp([task], keepAlive);
    this.log.info({ partition: task.partition, offset: String(task.nextOffset) }, 'partition recovered');
  }

  private async eachBatch(deps: BatchDeps, payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat } = payload;
    let task = this.tasks.get(batch.partition);
    if (task === undefined) {
      // The GROUP_JOIN event normally comes first; this covers any ordering surprise.
      this.initTasks([batch.partition]);
      task = this.tasks.get(batch.partition)!;
    }
    // A failed task is not re-initialised here, one partition at a time: the retriable error
    // (from `ready`, or runTaskBatch's phase check) makes kafkajs rejoin, and onAssignment
    // brings all failed partitions up together with one restore, as before.
    const t = task;
    try {
      await waitWithKeepAlive(t.ready, heartbeat);
    } catch (err) {
      throw new StreamRetriableError(
        `partition ${batch.partition} not initialised: ${(err as Error).message}`,
      );
    }
    await t.queue.run(() => (t.pipeline ? applyTaskBatch(deps, t, payload) : runTaskBatch(deps, t, payload)));
  }

  private emitStateSize(): void {
    let tags = 0;
    for (const t of this.tasks.values()) tags += t.states.size;
    this.opts.events.emit(STREAM_EVENTS.stateSize, { tags });
  }

  private async sweepAll(): Promise<void> {
    // One end-offset read for all partitions: how far behind each one is (NO_SIGNAL gate).
    const ends = new Map<number, bigint>();
    try {
      const offsets = await withRetry(() => this.admin.fetchTopicOffsets(this.opts.config.topics.pings));
      for (const o of offsets) ends.set(o.partition, BigInt(o.high));
    } catch (err) {
      this.log.warn({ err }, 'could not read pings end offsets; no NO_SIGNAL this sweep');
    }
    const enrolled =
      ends.size > 0
        ? this.tagPartitions.group(this.opts.world.enrolments.tagIds(), ends.size)
        : new Map<number, string[]>();
    for (const task of this.tasks.values()) {
      if (!task.lifecycle.is('ready', 'recovering')) continue;
      const tags = enrolled.get(task.partition) ?? [];
      task.queue
        .run(() => sweepTask(this.sweepDeps, task, ends.get(task.partition), tags))
        .catch((err: unknown) => this.log.warn({ partition: task.partition, err }, 'sweep failed'));
    }
  }
}
