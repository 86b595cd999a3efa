/**
 * Repeated commit failures, as a pure fold. A commit that fails is followed by a recovery and a
 * retry of the same input; when the retry fails the same way, the retry will never succeed on
 * its own (a too-large transaction, a missing topic, an authorisation error), so the partition
 * is stuck: that must reach a dashboard, `/readyz` and the log instead of looping silently.
 */

export interface CommitStreak {
  /** Normalised error of the last failure; null after a success. */
  readonly error: string | null;
  /** How many consecutive commits failed with this same error. */
  readonly count: number;
}

export const NO_STREAK: CommitStreak = { error: null, count: 0 };

/** Failing this many times in a row with the same error makes the partition "stuck". */
export const STUCK_AFTER = 2;

/** kafkajs puts broker names, correlation ids and offsets into messages; compare the gist. */
export function failureSignature(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const text = `${e.name}: ${e.message}`.replace(/\d+/g, '#');
  return text.length > 300 ? text.slice(0, 300) : text;
}

export function afterFailure(prev: CommitStreak, signature: string): CommitStreak {
  return prev.error === signature
    ? { error: signature, count: prev.count + 1 }
    : { error: signature, count: 1 };
}

export function isStuck(streak: CommitStreak): boolean {
  return streak.count >= STUCK_AFTER;
}
