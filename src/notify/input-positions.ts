/**
 * Where the notifier's input fold stands on each topic-partition, so a new input consumer (after
 * kafkajs gave up on the old one) or a rejoin (kafkajs creates fresh offsets on every join, and the
 * notifier commits none, so it would start again from the beginning) RESUMES exactly there.
 *
 * The routing fold is not idempotent: an alert folded twice would be routed twice, and the ledger
 * read at start-up does not know what was delivered since, so it would page the police again.
 * Hence two guards, both decided here:
 * - on every assignment, seek each assigned partition to its kept position (`seeksFor`);
 * - every record below the kept position is skipped (`shouldFold`): a batch fetched before the
 *   seek took effect must not be folded again.
 *
 * Pure: no I/O, no clock; the state is a map the caller owns, advanced by `advance`.
 */

/** Next offset to fold, per topic, per partition. */
export type InputPositions = Map<string, Map<number, bigint>>;

export function initialPositions(): InputPositions {
  return new Map();
}

export function positionOf(state: InputPositions, topic: string, partition: number): bigint | undefined {
  return state.get(topic)?.get(partition);
}

/** True when the record at `offset` has not been folded yet (at or past the kept position). */
export function shouldFold(state: InputPositions, topic: string, partition: number, offset: string): boolean {
  const next = positionOf(state, topic, partition);
  return next === undefined || BigInt(offset) >= next;
}

/** The record at `offset` has been folded (or rejected): the next one to fold is offset + 1. */
export function advance(state: InputPositions, topic: string, partition: number, offset: string): void {
  let byPartition = state.get(topic);
  if (byPartition === undefined) {
    byPartition = new Map();
    state.set(topic, byPartition);
  }
  const next = BigInt(offset) + 1n;
  const kept = byPartition.get(partition);
  // Never move backwards: positions only grow.
  if (kept === undefined || next > kept) byPartition.set(partition, next);
}

export interface Seek {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * The seeks a consumer needs once assigned `assignment` (topic -> partitions, as in kafkajs'
 * GROUP_JOIN payload). A partition with no kept position has folded nothing: it starts from the
 * beginning, as a fresh consumer does, so it needs no seek.
 */
export function seeksFor(
  state: InputPositions,
  assignment: Readonly<Record<string, readonly number[]>>,
): Seek[] {
  const out: Seek[] = [];
  for (const [topic, partitions] of Object.entries(assignment)) {
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const next = positionOf(state, topic, partition);
      if (next !== undefined) out.push({ topic, partition, offset: next.toString() });
    }
  }
  return out;
}
