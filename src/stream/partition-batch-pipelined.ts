/**
 * One fetched batch with PIPELINE_COMMITS=true: as partition-batch.ts, except that the batch is
 * only applied here. Its outputs go to the task's commit pipeline (commit-pipeline.ts) and the
 * offset is resolved at once, so kafkajs fetches on while the transaction is in flight; events go
 * out when the commit holding the batch succeeds.
 *
 * Why: kafkajs fetches again only when every batch of the last fetch has returned, so with
 * commits inside the batch a record waits for the slowest commit of its fetch and then its own.
 *
 * A commit that fails invalidates the task (publishTask), which drops whatever the pipeline
 * still held, and seeks the consumer back to the committed offset at once (kafkajs had moved
 * on); the batch that comes again recovers the task (after the pipeline is idle), so the dropped
 * batches are read again even when no new ping arrives. A batch still being applied when that
 * happens notices that its phase moved on and hands nothing to the pipeline.
 */
import type { EachBatchPayload } from 'kafkajs';
import { alertSamples } from './batch-processor.js';
import { STREAM_EVENTS } from './events.js';
import { applyPings, type BatchDeps, prepareBatch } from './partition-batch.js';
import type { PartitionTask } from './partition-task.js';

/** More than this many messages waiting for a commit: apply no more until it has gone out. */
export const MAX_WAITING_MESSAGES = 200_000;

function seekBack(deps: BatchDeps, task: PartitionTask, topic: string): void {
  const at = task.committedOffset;
  if (at === undefined || task.closed) return;
  try {
    deps.consumer.seek({ topic, partition: task.partition, offset: String(at) });
  } catch {
    // The consumer was replaced or stopped: the new one starts from the committed offset anyway.
  }
}

export async function applyTaskBatch(deps: BatchDeps, task: PartitionTask, payload: EachBatchPayload) {
  const { batch, resolveOffset } = payload;
  const pipeline = task.pipeline;
  if (pipeline === undefined) throw new Error(`partition ${task.partition}: no commit pipeline`);
  const { events } = deps.commit;
  if (pipeline.waiting > MAX_WAITING_MESSAGES) await pipeline.idle();
  const prepared = await prepareBatch(deps, task, payload);
  if (prepared === undefined) return;
  const { lastData } = prepared;
  const started = performance.now();
  const result = await applyPings(deps, task, batch, prepared);
  // A commit of an earlier batch failed while this one was applied (at a keep-alive): the state
  // it was applied on is void. Hand nothing on; the next batch recovers and reads it again.
  if (!task.lifecycle.is('processing')) return;
  task.lifecycle.to('ready');
  const nextOffset = BigInt(batch.lastOffset()) + 1n;
  task.nextOffset = nextOffset;
  if (lastData) {
    resolveOffset(lastData.offset);
    task.lastAppendTs = Number(lastData.timestamp);
  }
  task.lag = Number(batch.offsetLag());
  const partition = task.partition;
  pipeline.submit(result.outputs, nextOffset, (committed) => {
    if (!committed) {
      // kafkajs has moved past this batch (its offset was resolved when it was applied) and may
      // have nothing more to fetch: go back to the committed position now, so the batch comes
      // again and recovers the task, instead of waiting for pings that may never arrive.
      seekBack(deps, task, batch.topic);
      return;
    }
    const committedAt = Date.now();
    events.emit(STREAM_EVENTS.batchCommitted, {
      partition,
      durationS: (performance.now() - started) / 1000,
      outcomes: result.outcomes,
      dlq: result.dlq,
      alerts: result.alerts.length > 0 ? alertSamples(result.alerts, result.alertAppendTs, committedAt) : [],
      changedTags: result.changedTags,
    });
    deps.afterCommit();
  });
  events.emit(STREAM_EVENTS.consumerLag, { partition, lag: task.lag });
  const heartbeatError = prepared.heartbeatError();
  if (heartbeatError !== undefined) throw heartbeatError; // let kafkajs rejoin; the commit goes on
}
