/**
 * The one place kafkajs is constructed, so swapping the client later touches one module.
 * kafkajs' own log lines are routed into our pino logger; they carry client internals
 * (broker addresses, group ids, error names), never message payloads.
 */
import { Kafka, type LogEntry, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
// Registers snappy, lz4 and zstd with kafkajs (it decodes only gzip by itself).
import './compression-codecs.js';

const LIMITED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

function bridge(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, timestamp: _ts, logger: _l, ...rest } = log as LogEntry['log'] & { logger?: string };
      const fields = { kafkajs: namespace, ...rest };
      // kafkajs warns on every idempotent producer with finite retries. Ours are finite on
      // purpose (a send must fail so the partition can recover), and a producer that gave up is
      // never reused: recovery builds a new one, so no sequence numbers can drift.
      if (message === LIMITED_RETRIES_WARNING) return;
      switch (level) {
        case logLevel.ERROR:
          logger.error(fields, message);
          return;
        case logLevel.WARN:
          logger.warn(fields, message);
          return;
        case logLevel.INFO:
          logger.info(fields, message);
          return;
        case logLevel.DEBUG:
          logger.debug(fields, message);
          return;
        case logLevel.NOTHING:
          return;
        default:
          logger.debug(fields, message);
      }
    };
}

export function createKafka(opts: { brokers: readonly string[]; clientId: string }, logger: Logger): Kafka {
  return new Kafka({
    clientId: opts.clientId,
    brokers: [...opts.brokers],
    // kafkajs INFO is chatty (every join, every connect); WARN keeps what an operator needs.
    logLevel: logLevel.WARN,
    logCreator: bridge(logger.child({ component: 'kafkajs' })),
    // Ride out a broker restart: ~30 s of retries before an operation gives up.
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 12 },
    connectionTimeout: 3_000,
  });
}
