/**
 * The life cycle of one owned pings partition, as a table of legal moves (kafkajs' transaction
 * state machine is the model). Anything else throws, so a code path that would, say, recover a
 * partition this worker no longer owns (and fence its new owner) fails loudly instead.
 *
 *   initialising ─▶ restoring ─▶ ready ⇄ processing
 *        │              │          │         │
 *        ▼              ▼          ▼         ▼
 *      failed ◀──── (any) ───── recovering ◀─┘   (a failed commit, or a batch that threw)
 *        │
 *        └─▶ initialising (the next batch retries)          (any) ─▶ closed (final)
 *
 *  - initialising: the sink is connecting; its initTransactions fences any previous owner.
 *  - restoring: tag states are read back from the changelog, then the committed offset.
 *  - ready: states equal the changelog as of the committed offset; batches and sweeps may run.
 *  - processing: a batch or sweep is between applying pings and its commit (state is dirty).
 *  - recovering: in-memory state is void; the next turn re-fences, re-restores, re-positions.
 *  - failed: initialisation or recovery threw; the next batch for the partition starts over.
 *  - closed: the partition was revoked or the worker stops. Nothing may fence or commit again.
 */

export const PARTITION_PHASES = [
  'initialising',
  'restoring',
  'ready',
  'processing',
  'recovering',
  'failed',
  'closed',
] as const;
export type PartitionPhase = (typeof PARTITION_PHASES)[number];

export const LEGAL_MOVES: Readonly<Record<PartitionPhase, readonly PartitionPhase[]>> = {
  initialising: ['restoring', 'failed', 'closed'],
  restoring: ['ready', 'failed', 'closed'],
  ready: ['processing', 'recovering', 'closed'],
  processing: ['ready', 'recovering', 'closed'],
  recovering: ['restoring', 'failed', 'closed'],
  failed: ['initialising', 'closed'],
  closed: [],
};

export class IllegalPartitionTransition extends Error {
  override readonly name = 'IllegalPartitionTransition';
  constructor(
    readonly partition: number,
    readonly from: PartitionPhase,
    readonly to: PartitionPhase,
  ) {
    super(`partition ${partition}: illegal move ${from} -> ${to}`);
  }
}

export function canMove(from: PartitionPhase, to: PartitionPhase): boolean {
  return LEGAL_MOVES[from].includes(to);
}

export class PartitionLifecycle {
  private current: PartitionPhase = 'initialising';

  constructor(readonly partition: number) {}

  get phase(): PartitionPhase {
    return this.current;
  }

  is(...phases: PartitionPhase[]): boolean {
    return phases.includes(this.current);
  }

  /** Make a legal move, or throw IllegalPartitionTransition and stay where we are. */
  to(next: PartitionPhase): void {
    if (!canMove(this.current, next))
      throw new IllegalPartitionTransition(this.partition, this.current, next);
    this.current = next;
  }

  /** Closing is legal from every live phase and idempotent once closed. */
  close(): void {
    if (this.current !== 'closed') this.to('closed');
  }
}
