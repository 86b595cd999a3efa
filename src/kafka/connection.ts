/**
 * The ONE place a kafkajs client is constructed: the worker, the simulator's sink (handed a client
 * by the CLI), the demo, the benchmarks, the local broker's readiness probe and the tests all call
 * `createKafka`. Security (TLS, mutual TLS, SASL) is decided here from a validated
 * KafkaConnectionConfig, so no caller can forget it and a future client swap touches one file.
 *
 * This folder imports nothing else of ours: ops parses the environment into a
 * KafkaConnectionConfig (src/ops/kafka-env.ts); stream, ops, cli and local-kafka import it.
 */
// Registers snappy, lz4 and zstd with kafkajs (it decodes only gzip by itself), for every client:
// case-management systems and tag gateways often compress with other codecs.
import './compression-codecs.js';
// Decodes fetched records' offsets and timestamps without kafkajs' Long: record-decoder.ts.
import './record-decoder.js';
// Makes read_committed hide every aborted record (kafkajs' own filter misses some): read-committed.ts.
import './read-committed.js';
// Remembers group and transaction coordinators (kafkajs asks four times per commit): coordinator-lookup.ts.
import './coordinator-lookup.js';
import {
  Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  type RetryOptions,
  type SASLOptions,
} from 'kafkajs';
import type { Secret } from './secret.js';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** TLS material as PEM text (already read from files at start-up). No `ca` = the system's CAs. */
export interface KafkaTls {
  readonly ca?: string;
  /** Client certificate and key for mutual TLS: both or neither. */
  readonly cert?: string;
  readonly key?: string;
}

export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: Secret;
}

/** Where the brokers are and how to prove who we are. No tls/sasl = plaintext, no identity. */
export interface KafkaConnectionConfig {
  readonly brokers: readonly string[];
  readonly tls?: KafkaTls;
  readonly sasl?: KafkaSasl;
}

/** Structural: a pino logger fits, and this folder stays free of pino. */
export interface KafkaLogSink {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

/** Per-client tuning; connection and security are not tunable here on purpose. */
export interface ClientTuning {
  /** Where kafkajs' own log lines go; without one they are dropped. */
  readonly logger?: KafkaLogSink;
  /** Default 'warn' with a logger, 'nothing' without. */
  readonly logLevel?: KafkaLogLevel;
  readonly retry?: RetryOptions;
  readonly connectionTimeout?: number;
  readonly requestTimeout?: number;
}

const LEVELS: Record<KafkaLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

const LIMITED_RETRIES_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** kafkajs' log lines carry client internals (broker addresses, group ids, error names), never payloads. */
function bridge(sink: KafkaLogSink) {
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
          sink.error(fields, message);
          return;
        case logLevel.WARN:
          sink.warn(fields, message);
          return;
        case logLevel.INFO:
          sink.info(fields, message);
          return;
        case logLevel.NOTHING:
          return;
        default:
          sink.debug(fields, message);
      }
    };
}

function saslOptions(sasl: KafkaSasl): SASLOptions {
  const { username, mechanism } = sasl;
  // The only place the password is revealed: straight into kafkajs, never into a log or error.
  return { mechanism, username, password: sasl.password.reveal() } as SASLOptions;
}

/** The kafkajs `ssl` option: certificate checks always on (a test CA is passed as `ca`, never disabled). */
function tlsOptions(tls: KafkaTls): KafkaConfig['ssl'] {
  return {
    rejectUnauthorized: true,
    ...(tls.ca !== undefined ? { ca: [tls.ca] } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
  };
}

/**
 * A kafkajs client for `connection`, named `clientId` (it shows in broker logs and quotas).
 * Plain when the config has neither tls nor sasl; SASL_SSL when it has both.
 */
export function createKafka(
  connection: KafkaConnectionConfig,
  clientId: string,
  tuning: ClientTuning = {},
): Kafka {
  const level = tuning.logLevel ?? (tuning.logger ? 'warn' : 'nothing');
  const config: KafkaConfig = {
    clientId,
    brokers: [...connection.brokers],
    logLevel: LEVELS[level],
    ...(tuning.logger ? { logCreator: bridge(tuning.logger) } : {}),
    ...(tuning.retry ? { retry: tuning.retry } : {}),
    ...(tuning.connectionTimeout !== undefined ? { connectionTimeout: tuning.connectionTimeout } : {}),
    ...(tuning.requestTimeout !== undefined ? { requestTimeout: tuning.requestTimeout } : {}),
    ...(connection.tls ? { ssl: tlsOptions(connection.tls) } : {}),
    ...(connection.sasl ? { sasl: saslOptions(connection.sasl), authenticationTimeout: 10_000 } : {}),
  };
  return new Kafka(config);
}

/** A plaintext connection to `brokers` (the default local broker, tests against it). */
export function plainConnection(brokers: string | readonly string[]): KafkaConnectionConfig {
  const list = typeof brokers === 'string' ? brokers.split(',') : brokers;
  return { brokers: list.map((b) => b.trim()).filter((b) => b.length > 0) };
}

/** One line for logs and `kafka start`: protocol and identity, never the password or key. */
export function describeConnection(connection: KafkaConnectionConfig): string {
  const protocol = connection.tls
    ? connection.sasl
      ? 'SASL_SSL'
      : 'SSL'
    : connection.sasl
      ? 'SASL_PLAINTEXT'
      : 'PLAINTEXT';
  const who = connection.sasl ? ` as ${connection.sasl.username} (${connection.sasl.mechanism})` : '';
  const mtls = connection.tls?.cert ? ' with a client certificate' : '';
  return `${protocol} to ${connection.brokers.join(',')}${who}${mtls}`;
}
