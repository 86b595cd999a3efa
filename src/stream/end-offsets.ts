/**
 * "Have I read everything that was there when I started?" for a topic read with read_committed.
 *
 * The trap: with transactions the last offset of a partition is a commit marker, which a
 * read_committed consumer never sees as a message, so "saw offset end-1" never happens. kafkajs
 * does report how far it got, though: its END_BATCH_PROCESS instrumentation event fires for data
 * batches AND for batches that held only control records or aborted data, and its `lastOffset`
 * counts those filtered records. So a partition is caught up once some batch's lastOffset + 1
 * reaches the end offset taken at start (or the partition was empty to begin with).
 */
import type { Admin, Consumer } from 'kafkajs';
import { withRetry } from './retry.js';

export class EndOffsetTracker {
  private readonly pending = new Map<number, bigint>();
  private resolveDone!: () => void;
  readonly done: Promise<void>;

  private constructor(ends: Map<number, bigint>) {
    this.pending = ends;
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    if (this.pending.size === 0) this.resolveDone();
  }

  /**
   * Snapshot the end offsets of `partitions` of `topic` (all when omitted); partitions that hold
   * nothing readable (end == start) are caught up from the outset.
   */
  static async snapshot(
    admin: Admin,
    topic: string,
    partitions?: readonly number[],
  ): Promise<EndOffsetTracker> {
    const offsets = await withRetry(() => admin.fetchTopicOffsets(topic));
    const ends = new Map<number, bigint>();
    for (const o of offsets) {
      if (partitions !== undefined && !partitions.includes(o.partition)) continue;
      const high = BigInt(o.high);
      if (high > BigInt(o.low)) ends.set(o.partition, high);
    }
    return new EndOffsetTracker(ends);
  }

  get isDone(): boolean {
    return this.pending.size === 0;
  }

  /** Partitions still behind, with their target end offsets (for /readyz detail). */
  remaining(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [p, end] of this.pending) out[String(p)] = String(end);
    return out;
  }

  /** Record that everything up to and including `lastOffset` of `partition` has been applied. */
  advance(partition: number, lastOffset: string): void {
    const end = this.pending.get(partition);
    if (end === undefined) return;
    if (BigInt(lastOffset) + 1n >= end) {
      this.pending.delete(partition);
      if (this.pending.size === 0) this.resolveDone();
    }
  }

  /** Wire to a consumer: every processed (or filtered-only) batch advances the tracker. */
  follow(consumer: Consumer, topic: string): () => void {
    return consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (e.payload.topic === topic) this.advance(e.payload.partition, e.payload.lastOffset);
    });
  }
}
