/**
 * The one commit path, shared by batches and NO_SIGNAL sweeps: publish a task's outputs (and,
 * for a batch, its next offset) through its sink, then settle the life cycle. A failure voids
 * the in-memory state (recovering), is counted, and when it repeats the same way it becomes an
 * error an operator sees: a metric (fenceline_commit_failure_streak), `/readyz` and an error log.
 */
import type { Logger } from 'pino';
import { afterFailure, failureSignature, isStuck, NO_STREAK } from './commit-streak.js';
import { STREAM_EVENTS, type StreamEvents } from './events.js';
import type { PartitionOutputs } from './output-sends.js';
import type { PartitionTask } from './partition-task.js';

export interface CommitDeps {
  readonly log: Logger;
  readonly events: StreamEvents;
}

/** Returns true when committed; false when the commit failed and the task must recover. */
export async function commitTask(
  deps: CommitDeps,
  task: PartitionTask,
  outputs: PartitionOutputs,
  nextOffset: bigint | undefined,
): Promise<boolean> {
  if (!(await publishTask(deps, task, outputs, nextOffset))) return false;
  if (nextOffset !== undefined) task.nextOffset = nextOffset;
  if (task.lifecycle.is('processing')) task.lifecycle.to('ready');
  return true;
}

/**
 * The transaction alone, with the failure handling: what a pipelined commit uses
 * (commit-pipeline.ts), where the task has already moved on past `nextOffset`'s batch.
 */
export async function publishTask(
  deps: CommitDeps,
  task: PartitionTask,
  outputs: PartitionOutputs,
  nextOffset: bigint | undefined,
): Promise<boolean> {
  try {
    await task.sink.commit(outputs, nextOffset === undefined ? undefined : String(nextOffset));
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    task.streak = afterFailure(task.streak, failureSignature(err));
    task.invalidate();
    const fields = { partition: task.partition, err, failures: task.streak.count };
    if (isStuck(task.streak)) {
      deps.log.error(fields, 'commit keeps failing the same way; partition is not progressing');
    } else {
      deps.log.warn(fields, 'commit failed; recovering partition');
    }
    deps.events.emit(STREAM_EVENTS.commitFailed, {
      partition: task.partition,
      error,
      consecutive: task.streak.count,
    });
    return false;
  }
  task.streak = NO_STREAK;
  if (nextOffset !== undefined) task.committedOffset = nextOffset;
  return true;
}
