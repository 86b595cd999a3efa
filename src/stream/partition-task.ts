/**
 * Everything this worker holds for one owned input partition: its tag states, its sink (one
 * transactional producer), the offset its state corresponds to, its life-cycle phase
 * (partition-lifecycle.ts) and a serial queue through which batches, NO_SIGNAL sweeps, recovery
 * and closing all pass, one at a time.
 *
 * Invariant: `states` equals what the changelog says as of `nextOffset`, the group's committed
 * position, whenever the phase is `ready`. `processing` marks the window between applying a
 * batch (or sweep) and its commit; any failure moves to `recovering`, and nothing is processed
 * again until the state has been re-restored and the consumer re-positioned.
 */

import type { TagState } from '../engine/index.js';
import type { CommitPipeline } from './commit-pipeline.js';
import { type CommitStreak, NO_STREAK } from './commit-streak.js';
import { PartitionLifecycle } from './partition-lifecycle.js';
import type { PartitionSink } from './partition-sink.js';
import { SerialQueue } from './serial-queue.js';

export class PartitionTask {
  readonly queue = new SerialQueue();
  readonly lifecycle: PartitionLifecycle;
  states = new Map<string, TagState>();
  /** Next input offset not yet reflected in `states` (the committed position); undefined until restored. */
  nextOffset: bigint | undefined;
  /** The group's committed position as far as this worker knows (restore, then each commit). */
  committedOffset: bigint | undefined;
  /** After (re)initialisation: make sure the consumer does not start past this offset. */
  seekTo: bigint | undefined;
  /** Broker append time of the last record processed (ms), for the NO_SIGNAL backlog check. */
  lastAppendTs: number | undefined;
  /** Records behind the partition's end after the last batch. */
  lag = 0;
  /** Consecutive commit failures with the same error. */
  streak: CommitStreak = NO_STREAK;
  ready: Promise<void> = Promise.resolve();
  /**
   * PIPELINE_COMMITS only: the commits in flight or waiting (commit-pipeline.ts). Then `ready`
   * means "applied": `states` and `nextOffset` are ahead of the changelog and the committed
   * position by what the pipeline holds, and a failed commit voids them like any failure.
   */
  pipeline: CommitPipeline | undefined;

  constructor(
    readonly partition: number,
    public sink: PartitionSink,
  ) {
    this.lifecycle = new PartitionLifecycle(partition);
  }

  get closed(): boolean {
    return this.lifecycle.is('closed');
  }

  /** Restored (or freshly reset) state and offset, after the sink fenced any predecessor. */
  reset(states: Map<string, TagState> | undefined, nextOffset: bigint): void {
    this.lifecycle.to('ready');
    this.states = states ?? new Map();
    this.nextOffset = nextOffset;
    this.committedOffset = nextOffset;
    this.seekTo = nextOffset;
  }

  /** In-memory state is no longer what the changelog says: throw it away and recover next turn. */
  invalidate(): void {
    if (this.lifecycle.is('closed', 'recovering', 'failed')) return;
    this.lifecycle.to('recovering');
    this.states = new Map();
  }
}

/**
 * An error kafkajs should treat as retriable: it restarts the consumer (rejoin, re-assignment).
 * No `cause`: kafkajs judges retriability by the innermost cause, which would hide this flag.
 */
export class StreamRetriableError extends Error {
  override readonly name = 'StreamRetriableError';
  readonly retriable = true;
}
