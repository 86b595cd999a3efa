/**
 * Everything this worker holds for one owned input partition: its tag states, its sink (one
 * transactional producer), the offset its state corresponds to, and a serial queue through which
 * batches, NO_SIGNAL sweeps, recovery and closing all pass, one at a time.
 *
 * Invariant: `states` always equals what the changelog says as of `nextOffset`, the group's
 * committed position, except while a task in the queue is between processing and commit. Any
 * failure sets `needsRecovery`, and nothing is processed again until the state has been
 * re-restored and the consumer re-positioned.
 */
import type { TagState } from '../engine/index.js';
import type { PartitionSink } from './partition-sink.js';
import { SerialQueue } from './serial-queue.js';

export class PartitionTask {
  readonly queue = new SerialQueue();
  states = new Map<string, TagState>();
  /** Next input offset not yet reflected in `states` (the committed position); undefined until initialised. */
  nextOffset: bigint | undefined;
  /** After (re)initialisation: make sure the consumer does not start past this offset. */
  seekTo: bigint | undefined;
  needsRecovery = false;
  initFailed = false;
  closed = false;
  ready: Promise<void> = Promise.resolve();

  constructor(
    readonly partition: number,
    public sink: PartitionSink,
  ) {}

  /** Restored (or freshly reset) state and offset, after the sink fenced any predecessor. */
  reset(states: Map<string, TagState> | undefined, nextOffset: bigint): void {
    this.states = states ?? new Map();
    this.nextOffset = nextOffset;
    this.seekTo = nextOffset;
    this.needsRecovery = false;
    this.initFailed = false;
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
