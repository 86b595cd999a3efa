/**
 * "Ready" means a client gets a metadata answer naming at least one broker: the port being open
 * is not enough (the socket server binds before the broker has caught up with the metadata log
 * and unfenced itself, and early requests fail). Polls with a fresh admin client each time
 * because kafkajs's own retry backoff would overshoot the moment the broker comes up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafka, type KafkaSasl, type KafkaTls } from '../kafka/connection.js';
import { LocalKafkaError } from './errors.js';

export interface ReadinessOptions {
  brokers: string[];
  timeoutMs: number;
  /** Checked between attempts: a broker that died is reported at once, not after the timeout. */
  isAlive?: () => boolean;
  pollMs?: number;
  /** For a secured broker: how to connect (the admin user's SCRAM login and the local CA). */
  security?: { tls?: KafkaTls; sasl?: KafkaSasl };
}

/** One attempt; resolves to the number of brokers in the cluster, or throws. */
export async function describeClusterOnce(
  brokers: string[],
  timeoutMs = 3000,
  security: ReadinessOptions['security'] = {},
): Promise<number> {
  const kafka = createKafka({ brokers, ...security }, 'fenceline-readiness', {
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export async function waitForBrokerReady(options: ReadinessOptions): Promise<void> {
  const { brokers, timeoutMs, isAlive, pollMs = 250, security } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt made';
  for (;;) {
    if (isAlive && !isAlive()) {
      throw new LocalKafkaError('FL_KAFKA_EXITED', `the broker process exited before it became ready`);
    }
    try {
      const count = await describeClusterOnce(
        brokers,
        Math.max(1000, Math.min(5000, deadline - Date.now())),
        security,
      );
      if (count > 0) return;
      lastError = 'metadata named no brokers yet';
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new LocalKafkaError(
        'FL_KAFKA_NOT_READY',
        `no metadata answer from ${brokers.join(',')} within ${Math.round(timeoutMs / 1000)} s (last error: ${lastError})`,
      );
    }
    await sleep(pollMs);
  }
}
