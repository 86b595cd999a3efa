/**
 * The stream layer's client preset over the one connection module (src/kafka/connection.ts):
 * same connection and security as every other client, plus the worker's own tuning. kafkajs' own
 * log lines are routed into our pino logger; they carry client internals (broker addresses, group
 * ids, error names), never message payloads.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafka as createClient, type KafkaConnectionConfig } from '../kafka/connection.js';

export function createKafka(opts: KafkaConnectionConfig & { clientId: string }, logger: Logger): Kafka {
  return createClient(opts, opts.clientId, {
    logger: logger.child({ component: 'kafkajs' }),
    // kafkajs INFO is chatty (every join, every connect); WARN keeps what an operator needs.
    logLevel: 'warn',
    // Ride out a broker restart: ~30 s of retries before an operation gives up.
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 12 },
    connectionTimeout: 3_000,
  });
}
