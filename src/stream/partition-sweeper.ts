/**
 * The periodic sweep of one owned partition, in the task's serial queue: NO_SIGNAL for silent
 * tags (unless the partition is catching up) and tombstones for states that outlived their
 * enrolment, through the same commit path as batches (partition-commit.ts).
 */
import type { Message } from 'kafkajs';
import { type EngineConfig, encodeTagStateCompact, type World } from '../engine/index.js';
import { alertMessage, alertSamples } from './batch-processor.js';
import { STREAM_EVENTS } from './events.js';
import { type CommitDeps, commitTask } from './partition-commit.js';
import { type BacklogLimits, isBehind, planSweep } from './partition-sweep.js';
import type { PartitionTask } from './partition-task.js';

export interface SweepDeps {
  readonly world: World;
  readonly engine: EngineConfig;
  readonly commit: CommitDeps;
  readonly limits: BacklogLimits;
  readonly retentionMs: number;
  readonly isRunning: () => boolean;
  readonly recover: (task: PartitionTask) => Promise<void>;
  readonly afterCommit: () => void;
}

/**
 * `endOffset`: the partition's end at sweep time; undefined when it could not be read (then:
 * behind). `enrolledTags`: the enrolled tags whose pings land on this partition.
 */
export async function sweepTask(
  deps: SweepDeps,
  task: PartitionTask,
  endOffset: bigint | undefined,
  enrolledTags: readonly string[],
) {
  if (!deps.isRunning()) return;
  await task.pipeline?.idle(); // one transaction at a time on the partition's producer
  if (task.lifecycle.is('recovering')) await deps.recover(task);
  if (!task.lifecycle.is('ready') || task.nextOffset === undefined) return;
  const now = Date.now();
  const lag = endOffset === undefined ? Number.POSITIVE_INFINITY : Number(endOffset - task.nextOffset);
  const behind = isBehind({ lag: Math.max(0, lag), lastAppendTs: task.lastAppendTs }, deps.limits, now);
  task.lifecycle.to('processing');
  let plan: ReturnType<typeof planSweep>;
  try {
    plan = planSweep({
      world: deps.world,
      engine: deps.engine,
      states: task.states,
      enrolledTags,
      now,
      retentionMs: deps.retentionMs,
      behind,
    });
  } catch (err) {
    task.invalidate(); // some states may have changed: restore them from the changelog
    throw err;
  }
  if (plan.changed.length === 0 && plan.expired.length === 0) {
    task.lifecycle.to('ready');
    return;
  }
  const changelog: Message[] = plan.changed.map((s) => ({
    key: s.tagId,
    value: encodeTagStateCompact(s),
    partition: task.partition,
  }));
  for (const tagId of plan.expired) changelog.push({ key: tagId, value: null, partition: task.partition });
  const outputs = { alerts: plan.alerts.map(alertMessage), dlq: [], changelog };
  if (!(await commitTask(deps.commit, task, outputs, undefined))) return; // the next turn recovers
  for (const tagId of plan.expired) task.states.delete(tagId);
  deps.commit.events.emit(STREAM_EVENTS.sweepCommitted, {
    partition: task.partition,
    alerts: alertSamples(plan.alerts, [], Date.now()),
    changedTags: changelog.length,
  });
  deps.afterCommit();
}
