/**
 * `fenceline notify` configuration from environment variables, in the style of the worker's
 * (src/ops/config.ts): every variable validated once at start-up, a bad one named with what was
 * expected. Routing (endpoints, rules, secrets) lives in the file NOTIFY_ROUTES_FILE names.
 */
import { z } from 'zod';
import { DEFAULT_CENTRE_TOPICS, DEFAULT_TOPICS } from '../contract/index.js';
import type { KafkaSasl, KafkaTls } from '../kafka/connection.js';
import { ConfigError } from '../ops/config.js';
import {
  booleanVar,
  brokerListVar,
  enumVar,
  integerVar,
  LOG_LEVELS,
  type LogLevel,
  tokenVar,
  topicVar,
} from '../ops/env-parsers.js';
import { envWithDefaults, parseEnv } from '../ops/env-table.js';
import { kafkaSecurity } from '../ops/kafka-env.js';

export interface NotifyConfig {
  kafka: { brokers: string[]; clientId: string; tls?: KafkaTls; sasl?: KafkaSasl };
  topics: { alerts: string; alertActions: string; notifications: string };
  routesFile: string;
  createTopics: boolean;
  /** Alerts and escalations older than this at start-up are not sent if the ledger never saw them. */
  catchUpMs: number;
  http: { host: string; port: number };
  logLevel: LogLevel;
}

const EnvSchema = z.object({
  NOTIFY_ROUTES_FILE: z.string().trim().min(1, { error: 'expected the path of the routing file (JSON)' }),
  KAFKA_BROKERS: brokerListVar(),
  NOTIFY_CLIENT_ID: tokenVar(255),
  TOPIC_ALERTS: topicVar(),
  TOPIC_ALERT_ACTIONS: topicVar(),
  TOPIC_NOTIFICATIONS: topicVar(),
  CREATE_TOPICS: booleanVar(),
  NOTIFY_CATCH_UP_S: integerVar(0, 30 * 24 * 3600),
  NOTIFY_HTTP_HOST: tokenVar(255),
  NOTIFY_HTTP_PORT: integerVar(0, 65_535),
  LOG_LEVEL: enumVar(LOG_LEVELS),
});
type NotifyVar = keyof z.input<typeof EnvSchema>;

export const NOTIFY_ENV_VARS: Readonly<Record<NotifyVar, { default: string; meaning: string }>> = {
  NOTIFY_ROUTES_FILE: {
    default: '',
    meaning: 'routing file: endpoints, secrets sources, rules, retry (required)',
  },
  KAFKA_BROKERS: { default: '127.0.0.1:9092', meaning: 'comma-separated host:port list of Kafka brokers' },
  NOTIFY_CLIENT_ID: { default: 'fenceline-notify', meaning: 'Kafka client id' },
  TOPIC_ALERTS: { default: DEFAULT_TOPICS.alerts, meaning: 'alerts topic (input, read_committed)' },
  TOPIC_ALERT_ACTIONS: {
    default: DEFAULT_CENTRE_TOPICS.alertActions,
    meaning: 'operator actions topic (input: escalations)',
  },
  TOPIC_NOTIFICATIONS: {
    default: DEFAULT_CENTRE_TOPICS.notifications,
    meaning: 'delivery ledger topic (output; read at start-up to resume)',
  },
  CREATE_TOPICS: { default: 'true', meaning: 'create the ledger and actions topics if missing' },
  NOTIFY_CATCH_UP_S: {
    default: '21600',
    meaning: 'at start-up, alerts/escalations older than this with no ledger record are not sent',
  },
  NOTIFY_HTTP_HOST: { default: '127.0.0.1', meaning: 'bind address of /metrics /healthz /readyz' },
  NOTIFY_HTTP_PORT: { default: '9465', meaning: 'port of that server; 0 picks a free one' },
  LOG_LEVEL: { default: 'info', meaning: `pino level: ${LOG_LEVELS.join(', ')}` },
};

export function loadNotifyConfig(env: Record<string, string | undefined>): NotifyConfig {
  const raw = envWithDefaults(NOTIFY_ENV_VARS, env);
  const e = parseEnv(EnvSchema, raw);
  const topics = [e.TOPIC_ALERTS, e.TOPIC_ALERT_ACTIONS, e.TOPIC_NOTIFICATIONS];
  if (new Set(topics).size !== topics.length) {
    throw new ConfigError(
      'TOPIC_NOTIFICATIONS',
      'TOPIC_ALERTS, TOPIC_ALERT_ACTIONS and TOPIC_NOTIFICATIONS must differ',
    );
  }
  return {
    kafka: {
      ...kafkaSecurity(env),
      brokers: e.KAFKA_BROKERS,
      clientId: e.NOTIFY_CLIENT_ID,
    },
    topics: {
      alerts: e.TOPIC_ALERTS,
      alertActions: e.TOPIC_ALERT_ACTIONS,
      notifications: e.TOPIC_NOTIFICATIONS,
    },
    routesFile: e.NOTIFY_ROUTES_FILE,
    createTopics: e.CREATE_TOPICS,
    catchUpMs: e.NOTIFY_CATCH_UP_S * 1000,
    http: { host: e.NOTIFY_HTTP_HOST, port: e.NOTIFY_HTTP_PORT },
    logLevel: e.LOG_LEVEL,
  };
}
