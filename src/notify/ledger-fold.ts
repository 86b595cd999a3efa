/**
 * The ledger (the notifications topic) is the notifier's only durable state. At start-up it is
 * read to its end and folded into one entry per webhook-id: how many attempts were made, and
 * whether the delivery is finished (delivered, exhausted, endpoint disabled) or still owes an
 * attempt at `nextAttemptAt`. Pure: records in, state out.
 *
 * A delivery's life is a table of legal moves; the fold refuses (and counts) a record that would
 * make an illegal one, e.g. an attempt after `delivered`, so a stray record cannot revive a
 * finished delivery.
 */
import type { NotificationOutcome, NotificationRecord } from '../contract/index.js';

export type DeliveryStatus = 'new' | NotificationOutcome;

/** From each status, the outcomes a next record may carry. */
const LEGAL_MOVES: Readonly<Record<DeliveryStatus, readonly NotificationOutcome[]>> = {
  new: ['delivered', 'retrying', 'exhausted', 'endpoint_disabled'],
  retrying: ['delivered', 'retrying', 'exhausted', 'endpoint_disabled'],
  delivered: [],
  exhausted: [],
  endpoint_disabled: [],
};

export class IllegalDeliveryMove extends Error {
  override readonly name = 'IllegalDeliveryMove';
}

/** The next status, or a throw naming the illegal move. */
export function nextStatus(from: DeliveryStatus, outcome: NotificationOutcome): NotificationOutcome {
  if (!LEGAL_MOVES[from].includes(outcome)) {
    throw new IllegalDeliveryMove(`a ${outcome} record cannot follow ${from}`);
  }
  return outcome;
}

export function isFinished(status: DeliveryStatus): boolean {
  switch (status) {
    case 'new':
    case 'retrying':
      return false;
    case 'delivered':
    case 'exhausted':
    case 'endpoint_disabled':
      return true;
    default: {
      const never: never = status;
      throw new Error(`unknown status ${String(never)}`);
    }
  }
}

export interface LedgerEntry {
  readonly last: NotificationRecord;
  readonly status: NotificationOutcome;
}

export interface LedgerState {
  readonly entries: Map<string, LedgerEntry>;
  /** Records that made an illegal move or went backwards in attempts; ignored. */
  ignored: number;
}

export function initialLedgerState(): LedgerState {
  return { entries: new Map(), ignored: 0 };
}

/** Fold one record in (records of one id arrive in order: the key pins them to one partition). */
export function foldLedgerRecord(state: LedgerState, record: NotificationRecord): void {
  const prev = state.entries.get(record.notificationId);
  const from: DeliveryStatus = prev?.status ?? 'new';
  if (prev && record.attempt < prev.last.attempt) {
    state.ignored++;
    return;
  }
  try {
    state.entries.set(record.notificationId, { last: record, status: nextStatus(from, record.outcome) });
  } catch (err) {
    if (!(err instanceof IllegalDeliveryMove)) throw err;
    state.ignored++;
  }
}

/** What the notifier owes for one webhook-id, given the ledger. */
export type Resume =
  | { readonly kind: 'start' }
  | { readonly kind: 'finished'; readonly status: NotificationOutcome }
  | { readonly kind: 'continue'; readonly attempt: number; readonly dueAt: number };

export function resumeFor(state: LedgerState, notificationId: string): Resume {
  const entry = state.entries.get(notificationId);
  if (!entry) return { kind: 'start' };
  if (isFinished(entry.status)) return { kind: 'finished', status: entry.status };
  return {
    kind: 'continue',
    attempt: entry.last.attempt + 1,
    dueAt: entry.last.nextAttemptAt ?? entry.last.at,
  };
}

/** Ids the ledger says are still owed an attempt. */
export function pendingIds(state: LedgerState): string[] {
  const out: string[] = [];
  for (const [id, entry] of state.entries) if (!isFinished(entry.status)) out.push(id);
  return out;
}
