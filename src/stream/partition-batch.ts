/**
 * One fetched batch of one owned partition, in the task's serial queue: recover first if the
 * state was voided, position (seek back, or skip what is already committed), apply the pings,
 * then the one commit path. The life cycle says what may happen: a closed partition (revoked, or
 * stopping) never recovers, so a worker that lost a partition never fences its new owner.
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { EngineConfig, World } from '../engine/index.js';
import { batchPosition } from './batch-position.js';
import { alertSamples, processBatch } from './batch-processor.js';
import { STREAM_EVENTS } from './events.js';
import { type CommitDeps, commitTask } from './partition-commit.js';
import { type PartitionTask, StreamRetriableError } from './partition-task.js';

export interface BatchDeps {
  readonly consumer: Consumer;
  readonly world: World;
  readonly engine: EngineConfig;
  readonly maxPingBytes: number;
  /** A fix this far ahead of its record's append time is a clock glitch (DLQ, not applied). */
  readonly clockGlitchMarginMs: number;
  readonly commit: CommitDeps;
  readonly isRunning: () => boolean;
  /** Re-fence, re-restore and re-position a task whose state was voided (recovering → ready). */
  readonly recover: (task: PartitionTask, keepAlive?: () => Promise<void>) => Promise<void>;
  /** Called after every committed batch (state size gauge). */
  readonly afterCommit: () => void;
}

/** May the task recover now? Only while we still own it: recovering means fencing. */
export function mayRecover(task: PartitionTask, stale: boolean): boolean {
  return task.lifecycle.is('recovering') && !stale;
}

async function recoverOrThrow(deps: BatchDeps, task: PartitionTask, keepAlive: () => Promise<void>) {
  try {
    await deps.recover(task, keepAlive);
  } catch (err) {
    throw new StreamRetriableError(`partition ${task.partition} recovery failed: ${(err as Error).message}`);
  }
}

/** A batch ready to apply: what is left of it after positioning, and its keep-alive. */
export interface PreparedBatch {
  readonly messages: readonly KafkaMessage[];
  readonly lastData: KafkaMessage | undefined;
  readonly keepAlive: () => Promise<void>;
  /** The first heartbeat failure seen while applying (kafkajs must rejoin once we are done). */
  readonly heartbeatError: () => unknown;
}

/**
 * The start every batch shares, committed in place or pipelined: nothing for a closed or stale
 * task; recover a voided one; refuse one that is not ready; then seek back or skip what the
 * state already holds. Undefined when there is nothing to apply.
 */
export async function prepareBatch(
  deps: BatchDeps,
  task: PartitionTask,
  payload: EachBatchPayload,
): Promise<PreparedBatch | undefined> {
  const { batch, resolveOffset, heartbeat, isStale } = payload;
  if (task.closed || isStale() || !deps.isRunning()) return undefined;
  let heartbeatError: unknown;
  const keepAlive = async () => {
    try {
      await heartbeat();
    } catch (err) {
      heartbeatError ??= err;
    }
  };
  if (mayRecover(task, isStale())) await recoverOrThrow(deps, task, keepAlive);
  if (!task.lifecycle.is('ready') || task.nextOffset === undefined) {
    throw new StreamRetriableError(`partition ${task.partition} is ${task.lifecycle.phase}, not ready`);
  }
  const lastData = batch.messages.at(-1);
  const position = batchPosition({
    firstOffset: BigInt(batch.firstOffset() ?? batch.lastOffset()),
    records: batch.messages,
    nextOffset: task.nextOffset,
    seekTo: task.seekTo,
  });
  task.seekTo = undefined;
  if (position.kind === 'seek') {
    deps.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(position.offset) });
    return undefined;
  }
  if (position.kind === 'skip') {
    if (lastData) resolveOffset(lastData.offset);
    return undefined;
  }
  return {
    messages: position.from === 0 ? batch.messages : batch.messages.slice(position.from),
    lastData,
    keepAlive,
    heartbeatError: () => heartbeatError,
  };
}

/** Apply the pings (processing); a throw leaves the committed state as it was (ready). */
export async function applyPings(
  deps: BatchDeps,
  task: PartitionTask,
  batch: EachBatchPayload['batch'],
  prepared: PreparedBatch,
): Promise<Awaited<ReturnType<typeof processBatch>>> {
  task.lifecycle.to('processing');
  try {
    return await processBatch({
      topic: batch.topic,
      partition: batch.partition,
      messages: prepared.messages,
      world: deps.world,
      engine: deps.engine,
      maxPingBytes: deps.maxPingBytes,
      clockGlitchMarginMs: deps.clockGlitchMarginMs,
      states: task.states,
      keepAlive: prepared.keepAlive,
    });
  } catch (err) {
    // processBatch rolled its changes back; the state is still the committed one.
    if (task.lifecycle.is('processing')) task.lifecycle.to('ready');
    throw err;
  }
}

export async function runTaskBatch(deps: BatchDeps, task: PartitionTask, payload: EachBatchPayload) {
  const { batch, resolveOffset, isStale } = payload;
  const { events } = deps.commit;
  const prepared = await prepareBatch(deps, task, payload);
  if (prepared === undefined) return;
  const { lastData } = prepared;
  const started = performance.now();
  const result = await applyPings(deps, task, batch, prepared);
  const nextOffset = BigInt(batch.lastOffset()) + 1n;
  const committed = await commitTask(deps.commit, task, result.outputs, nextOffset);
  if (!committed) {
    // A partition we no longer own is left alone: recovering would fence its new owner.
    if (mayRecover(task, isStale())) await recoverOrThrow(deps, task, prepared.keepAlive);
    return;
  }
  const committedAt = Date.now();
  if (lastData) {
    resolveOffset(lastData.offset);
    task.lastAppendTs = Number(lastData.timestamp);
  }
  task.lag = Number(batch.offsetLag());
  events.emit(STREAM_EVENTS.batchCommitted, {
    partition: task.partition,
    durationS: (performance.now() - started) / 1000,
    outcomes: result.outcomes,
    dlq: result.dlq,
    alerts: result.alerts.length > 0 ? alertSamples(result.alerts, result.alertAppendTs, committedAt) : [],
    changedTags: result.changedTags,
  });
  events.emit(STREAM_EVENTS.consumerLag, { partition: task.partition, lag: task.lag });
  deps.afterCommit();
  const heartbeatError = prepared.heartbeatError();
  if (heartbeatError !== undefined) throw heartbeatError; // let kafkajs rejoin, now that we committed
}
