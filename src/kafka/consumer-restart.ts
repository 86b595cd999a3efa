/**
 * When to start a new consumer after kafkajs gave up on one (CRASH with restart: false), for the
 * worker's pings consumer and the notifier's input consumer alike: 1 s, doubling, capped at 30 s,
 * for as long as it takes. A worker that stops reading pings, or a notifier that stops reading
 * alerts, protects no one, so there is no final attempt; a refusal by Kafka (credentials, certificate,
 * ACL) is decided elsewhere (explainKafkaFailure) and stops the process instead.
 *
 * Pure: the caller counts the consecutive crashes (reset once a consumer is assigned) and hands in
 * the error; nothing here reads a clock or touches Kafka.
 */
import type { KafkaConnectionConfig } from './connection.js';
import { explainKafkaFailure, type KafkaFailure } from './explain-failure.js';

export const RESTART_FIRST_MS = 1_000;
export const RESTART_MAX_MS = 30_000;

/** Delay before the new consumer, for the `crashes`-th consecutive crash (1-based). */
export function restartDelayMs(crashes: number): number {
  if (!Number.isInteger(crashes) || crashes < 1) throw new RangeError(`crashes must be >= 1, got ${crashes}`);
  return Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** (crashes - 1));
}

export interface CrashFacts {
  /** explainKafkaFailure found a refusal (credentials, certificate, ACL) in the error. */
  readonly refused: boolean;
  /**
   * The refusal is only inferred: kafkajs said "Failed to find group coordinator" to a SASL
   * identity, which explainKafkaFailure reads as a likely missing ACL. A broker outage says
   * exactly the same thing.
   */
  readonly refusalInferred: boolean;
  /** A consumer of this process has been assigned partitions: the identity had access. */
  readonly everAssigned: boolean;
}

/** The facts about a crash error, read with explainKafkaFailure (pure: it walks the error). */
export function crashFacts(
  err: unknown,
  connection: KafkaConnectionConfig,
  everAssigned: boolean,
): CrashFacts & { readonly refusal: KafkaFailure | undefined } {
  const refusal = explainKafkaFailure(err, connection);
  // Without the SASL identity, explainKafkaFailure finds only the refusals Kafka stated.
  const { sasl: _identity, ...anonymous } = connection;
  const stated = refusal && explainKafkaFailure(err, anonymous);
  return {
    refusal,
    refused: refusal !== undefined,
    refusalInferred: refusal !== undefined && stated === undefined,
    everAssigned,
  };
}

/**
 * What to do with a consumer kafkajs gave up on: a refusal by Kafka is fatal (a new consumer
 * cannot help); anything else gets a new consumer. The inferred refusal after the process was
 * already reading is an outage in all likelihood (the identity had a working coordinator minutes
 * ago; a revoked ACL shows as an explicit GROUP_AUTHORIZATION_FAILED): treated as fatal, every
 * long outage on a SASL cluster would stop the worker or the police notifier.
 */
export function crashVerdict(facts: CrashFacts): 'fatal' | 'replace' {
  if (!facts.refused) return 'replace';
  if (facts.refusalInferred && facts.everAssigned) return 'replace';
  return 'fatal';
}
