/**
 * Which broker coordinates a group or a transactional id, remembered between requests.
 *
 * kafkajs 2.2.4 asks the cluster (a FindCoordinator round trip) every time it needs a coordinator.
 * A transactional commit needs one four times: add partitions, add offsets, the group's offset
 * commit and end the transaction. The Java client remembers the coordinator until a request to it
 * fails; this does the same, with a time limit as a safety net.
 *
 * Pure: the caller passes the time and the failure epoch. Any failure that may mean "the
 * coordinator moved" (a coordinator error, a lost connection, a timeout, anything not a protocol
 * error) bumps the epoch, which forgets every remembered coordinator at once. Protocol errors
 * that say nothing about where the coordinator is (CONCURRENT_TRANSACTIONS, a fenced epoch...)
 * leave the cache alone, so back-to-back transactions keep their savings.
 */

/** Forget a coordinator after this long even without a failure. */
export const COORDINATOR_TTL_MS = 30_000;

/** kafkajs' names for "not the coordinator (any more)", old and new spellings. */
const STALE_COORDINATOR_TYPES: ReadonlySet<string> = new Set([
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_COORDINATOR',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_LOAD_IN_PROGRESS',
  'COORDINATOR_LOAD_IN_PROGRESS',
]);

export interface CoordinatorEntry {
  readonly nodeId: number;
  readonly at: number;
  readonly epoch: number;
}

/** Does this failure of a request mean the remembered coordinators may be wrong? */
export function forgetsCoordinators(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return true;
  const { name, type } = err as { name?: unknown; type?: unknown };
  if (name !== 'KafkaJSProtocolError') return true;
  return typeof type === 'string' && STALE_COORDINATOR_TYPES.has(type);
}

/** May a remembered coordinator still be used? */
export function isUsable(
  entry: CoordinatorEntry | undefined,
  now: number,
  epoch: number,
  ttlMs: number = COORDINATOR_TTL_MS,
): entry is CoordinatorEntry {
  return entry !== undefined && entry.epoch === epoch && now - entry.at >= 0 && now - entry.at < ttlMs;
}

/** The cache key: kafkajs' coordinator type (0 group, 1 transaction) and the id. */
export function coordinatorKey(groupId: string, coordinatorType: number | undefined): string {
  return `${coordinatorType ?? 0}|${groupId}`;
}
