/**
 * When to start a new input consumer after kafkajs gave up on one (CRASH with restart: false):
 * 1 s, doubling, capped at 30 s, for as long as it takes. A notifier that stops reading alerts
 * protects no one, so there is no final attempt; a refusal by Kafka (credentials, certificate,
 * ACL) is decided elsewhere (explainKafkaFailure) and stops the process instead.
 *
 * Pure: the caller counts the consecutive crashes and resets the count once a consumer is assigned.
 */

export const RESTART_FIRST_MS = 1_000;
export const RESTART_MAX_MS = 30_000;

/** Delay before the new consumer, for the `crashes`-th consecutive crash (1-based). */
export function restartDelayMs(crashes: number): number {
  if (!Number.isInteger(crashes) || crashes < 1) throw new RangeError(`crashes must be >= 1, got ${crashes}`);
  return Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** (crashes - 1));
}
