/**
 * Pipelined commits for one partition (PIPELINE_COMMITS=true): a batch is applied and handed
 * here, and the consumer fetches on while its transaction is in flight. At most one commit is in
 * flight; whatever is applied meanwhile waits in one pending commit that grows batch by batch
 * (output-merge.ts), so the next transaction carries all of it and the offset of the newest.
 *
 * A failed commit means the state the pending batches were applied on is void (the caller's
 * commit function invalidates the task): they are dropped and told so, and the partition recovers
 * from the changelog and the committed offset, which re-reads them. Nothing is ever committed out
 * of order, since commits run one after another on the partition's one producer.
 */
import { mergeOutputs, outputCount } from './output-merge.js';
import type { PartitionOutputs } from './output-sends.js';

/** Publish outputs and commit the offset; false when it failed (and the task was invalidated). */
export type CommitFn = (outputs: PartitionOutputs, nextOffset: bigint) => Promise<boolean>;

/** Told once, when the commit holding the batch succeeded (true) or failed or was dropped. */
export type Settled = (committed: boolean) => void;

interface Pending {
  outputs: PartitionOutputs;
  nextOffset: bigint;
  settled: Settled[];
}

/** Settled callbacks must not throw; if one does anyway, the others are still told. */
function tell(settled: readonly Settled[], committed: boolean): void {
  for (const s of settled) {
    try {
      s(committed);
    } catch {
      // nothing to do here: the commit's outcome stands
    }
  }
}

export class CommitPipeline {
  private pending: Pending | undefined;
  private pump: Promise<void> | undefined;

  constructor(private readonly commit: CommitFn) {}

  /** Messages applied but not yet in a transaction that has started. */
  get waiting(): number {
    return this.pending === undefined ? 0 : outputCount(this.pending.outputs);
  }

  /** True while a commit is in flight or waiting. */
  get busy(): boolean {
    return this.pump !== undefined;
  }

  /** Queue a batch's outputs; `nextOffset` is the input offset after the batch. */
  submit(outputs: PartitionOutputs, nextOffset: bigint, settled: Settled): void {
    if (this.pending === undefined) this.pending = { outputs, nextOffset, settled: [settled] };
    else {
      this.pending.outputs = mergeOutputs(this.pending.outputs, outputs);
      this.pending.nextOffset = nextOffset;
      this.pending.settled.push(settled);
    }
    this.kick();
  }

  private kick(): void {
    if (this.pump !== undefined || this.pending === undefined) return;
    this.pump = this.run().finally(() => {
      this.pump = undefined;
      this.kick(); // a batch submitted while the last commit was settling
    });
  }

  /** Resolves once nothing is in flight or waiting (before a sweep, a recovery or a close). */
  async idle(): Promise<void> {
    while (this.pump !== undefined) await this.pump;
  }

  private async run(): Promise<void> {
    while (this.pending !== undefined) {
      const next = this.pending;
      this.pending = undefined;
      let ok = false;
      try {
        ok = await this.commit(next.outputs, next.nextOffset);
      } catch {
        ok = false;
      }
      tell(next.settled, ok);
      if (!ok) {
        const dropped = this.pending as Pending | undefined;
        this.pending = undefined;
        if (dropped !== undefined) tell(dropped.settled, false);
        return;
      }
    }
  }
}
