/**
 * `fenceline console` configuration from environment variables, validated once at start-up the
 * same way as the worker's (src/ops/config.ts): defaults are strings that pass the same schema,
 * an empty value counts as unset, a bad value stops start-up naming the variable. File paths
 * (users file, TLS key) are echoed; their contents never are.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
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

export interface ConsoleConfig {
  kafka: { brokers: string[]; clientId: string; tls?: KafkaTls; sasl?: KafkaSasl };
  topics: {
    alerts: string;
    alertActions: string;
    notifications: string;
    consoleAudit: string;
    zones: string;
    enrolments: string;
  };
  createTopics: boolean;
  /** The tags' own pings: device status and recent tracks (src/console/device-feed.ts). */
  devices: { topic: string; windowS: number; fixesPerTag: number; maxTags: number };
  http: { host: string; port: number; tls?: { certFile: string; keyFile: string } };
  usersFile: string;
  sessionIdleS: number;
  login: { maxFailures: number; windowS: number };
  proxy?: { trustedAddresses: string[]; userHeader: string; roleHeader: string };
  tileUrl?: string;
  ackTargetsS: { P1: number; P2: number; P3: number };
  actionTimeoutMs: number;
  logLevel: LogLevel;
  instanceId: string;
}

const optionalText = () => z.string().trim();

const EnvSchema = z.object({
  KAFKA_BROKERS: brokerListVar(),
  KAFKA_CLIENT_ID: tokenVar(255),
  TOPIC_ALERTS: topicVar(),
  TOPIC_ALERT_ACTIONS: topicVar(),
  TOPIC_NOTIFICATIONS: topicVar(),
  TOPIC_CONSOLE_AUDIT: topicVar(),
  TOPIC_ZONES: topicVar(),
  TOPIC_ENROLMENTS: topicVar(),
  TOPIC_PINGS: topicVar(),
  CONSOLE_DEVICE_WINDOW_S: integerVar(0, 7 * 86_400),
  CONSOLE_TRACK_FIXES: integerVar(1, 10_000),
  CONSOLE_DEVICE_MAX_TAGS: integerVar(1, 1_000_000),
  CREATE_TOPICS: booleanVar(),
  CONSOLE_HOST: tokenVar(255),
  CONSOLE_PORT: integerVar(0, 65_535),
  CONSOLE_TLS_CERT: optionalText(),
  CONSOLE_TLS_KEY: optionalText(),
  CONSOLE_USERS_FILE: z.string().trim().min(1, { error: 'expected a file path' }),
  CONSOLE_SESSION_IDLE_S: integerVar(60, 7 * 86_400),
  CONSOLE_LOGIN_MAX_FAILURES: integerVar(1, 1000),
  CONSOLE_LOGIN_WINDOW_S: integerVar(1, 86_400),
  CONSOLE_TRUSTED_PROXIES: optionalText(),
  CONSOLE_PROXY_USER_HEADER: tokenVar(100),
  CONSOLE_PROXY_ROLE_HEADER: tokenVar(100),
  CONSOLE_TILE_URL: z
    .string()
    .trim()
    .refine((s) => s === '' || /^https?:\/\/[^\s]+\{z\}[^\s]*\{x\}[^\s]*\{y\}/.test(s), {
      error: 'expected an http(s) URL template with {z}, {x} and {y}',
    }),
  ACK_TARGET_P1_S: integerVar(1, 86_400),
  ACK_TARGET_P2_S: integerVar(1, 86_400),
  ACK_TARGET_P3_S: integerVar(1, 7 * 86_400),
  CONSOLE_ACTION_TIMEOUT_MS: integerVar(100, 120_000),
  LOG_LEVEL: enumVar(LOG_LEVELS),
  FENCELINE_INSTANCE_ID: tokenVar(200),
});

export type ConsoleEnvVar = keyof z.input<typeof EnvSchema>;

/** Names, defaults and meanings: the README's table and `console --help` come from this. */
export const CONSOLE_ENV_VARS: Readonly<
  Record<ConsoleEnvVar, { default: string | (() => string); meaning: string }>
> = {
  KAFKA_BROKERS: { default: '127.0.0.1:9092', meaning: 'comma-separated host:port list of Kafka brokers' },
  KAFKA_CLIENT_ID: { default: 'fenceline-console', meaning: 'Kafka client id' },
  TOPIC_ALERTS: { default: DEFAULT_TOPICS.alerts, meaning: 'alerts topic (read_committed)' },
  TOPIC_ALERT_ACTIONS: {
    default: DEFAULT_CENTRE_TOPICS.alertActions,
    meaning: 'operator actions (audit trail)',
  },
  TOPIC_NOTIFICATIONS: {
    default: DEFAULT_CENTRE_TOPICS.notifications,
    meaning: "the notifier's delivery ledger",
  },
  TOPIC_CONSOLE_AUDIT: {
    default: DEFAULT_CENTRE_TOPICS.consoleAudit,
    meaning: 'who viewed a zone geometry or a track',
  },
  TOPIC_ZONES: { default: DEFAULT_TOPICS.zones, meaning: 'zones topic (compacted; the map)' },
  TOPIC_ENROLMENTS: {
    default: DEFAULT_TOPICS.enrolments,
    meaning: 'enrolments topic (compacted; subject view)',
  },
  TOPIC_PINGS: { default: DEFAULT_TOPICS.pings, meaning: "the tags' pings (device status, recent tracks)" },
  CONSOLE_DEVICE_WINDOW_S: {
    default: '3600',
    meaning: 'at start, read pings appended this far back (s); 0 = only new ones',
  },
  CONSOLE_TRACK_FIXES: { default: '120', meaning: 'fixes kept per tag for the track (newest by event time)' },
  CONSOLE_DEVICE_MAX_TAGS: {
    default: '20000',
    meaning: 'tags whose device status is kept; the least recently heard is forgotten past this',
  },
  CREATE_TOPICS: { default: 'true', meaning: 'create missing topics at start-up' },
  CONSOLE_HOST: { default: '127.0.0.1', meaning: 'bind address of the console' },
  CONSOLE_PORT: { default: '8480', meaning: 'port of the console; 0 picks a free one' },
  CONSOLE_TLS_CERT: { default: '', meaning: 'PEM certificate file; with CONSOLE_TLS_KEY serves HTTPS' },
  CONSOLE_TLS_KEY: { default: '', meaning: 'PEM private key file' },
  CONSOLE_USERS_FILE: {
    default: 'console-users.json',
    meaning: 'local users (scrypt hashes), managed by `fenceline console users`',
  },
  CONSOLE_SESSION_IDLE_S: { default: '28800', meaning: 'a session ends after this long without a request' },
  CONSOLE_LOGIN_MAX_FAILURES: {
    default: '5',
    meaning: 'failed logins per address (and per user) per window',
  },
  CONSOLE_LOGIN_WINDOW_S: { default: '300', meaning: 'the login rate-limit window' },
  CONSOLE_TRUSTED_PROXIES: {
    default: '',
    meaning: 'off when empty; comma-separated proxy addresses whose user/role headers are trusted',
  },
  CONSOLE_PROXY_USER_HEADER: { default: 'x-forwarded-user', meaning: "the proxy's user header" },
  CONSOLE_PROXY_ROLE_HEADER: { default: 'x-forwarded-role', meaning: "the proxy's role header" },
  CONSOLE_TILE_URL: {
    default: '',
    meaning: 'map tiles under the vectors, e.g. https://tiles.example/{z}/{x}/{y}.png',
  },
  ACK_TARGET_P1_S: { default: '60', meaning: 'acknowledge target for P1 (s)' },
  ACK_TARGET_P2_S: { default: '300', meaning: 'acknowledge target for P2 (s)' },
  ACK_TARGET_P3_S: { default: '3600', meaning: 'acknowledge target for P3 (s)' },
  CONSOLE_ACTION_TIMEOUT_MS: {
    default: '10000',
    meaning: 'how long an action waits for its own record to be folded',
  },
  LOG_LEVEL: { default: 'info', meaning: `pino level: ${LOG_LEVELS.join(', ')}` },
  FENCELINE_INSTANCE_ID: {
    default: () => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    meaning: 'this console instance (consumer group suffix, logs)',
  },
};

export function loadConsoleConfig(env: Record<string, string | undefined>): ConsoleConfig {
  const raw = envWithDefaults(CONSOLE_ENV_VARS, env);
  const e = parseEnv(EnvSchema, raw);
  if ((e.CONSOLE_TLS_CERT === '') !== (e.CONSOLE_TLS_KEY === '')) {
    const missing = e.CONSOLE_TLS_CERT === '' ? 'CONSOLE_TLS_CERT' : 'CONSOLE_TLS_KEY';
    throw new ConfigError(missing, `${missing}: required when the other TLS variable is set`);
  }
  const proxies = e.CONSOLE_TRUSTED_PROXIES.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    kafka: {
      ...kafkaSecurity(env),
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
    },
    topics: {
      alerts: e.TOPIC_ALERTS,
      alertActions: e.TOPIC_ALERT_ACTIONS,
      notifications: e.TOPIC_NOTIFICATIONS,
      consoleAudit: e.TOPIC_CONSOLE_AUDIT,
      zones: e.TOPIC_ZONES,
      enrolments: e.TOPIC_ENROLMENTS,
    },
    devices: {
      topic: e.TOPIC_PINGS,
      windowS: e.CONSOLE_DEVICE_WINDOW_S,
      fixesPerTag: e.CONSOLE_TRACK_FIXES,
      maxTags: e.CONSOLE_DEVICE_MAX_TAGS,
    },
    createTopics: e.CREATE_TOPICS,
    http: {
      host: e.CONSOLE_HOST,
      port: e.CONSOLE_PORT,
      ...(e.CONSOLE_TLS_CERT !== '' && { tls: { certFile: e.CONSOLE_TLS_CERT, keyFile: e.CONSOLE_TLS_KEY } }),
    },
    usersFile: e.CONSOLE_USERS_FILE,
    sessionIdleS: e.CONSOLE_SESSION_IDLE_S,
    login: { maxFailures: e.CONSOLE_LOGIN_MAX_FAILURES, windowS: e.CONSOLE_LOGIN_WINDOW_S },
    ...(proxies.length > 0 && {
      proxy: {
        trustedAddresses: proxies,
        userHeader: e.CONSOLE_PROXY_USER_HEADER.toLowerCase(),
        roleHeader: e.CONSOLE_PROXY_ROLE_HEADER.toLowerCase(),
      },
    }),
    ...(e.CONSOLE_TILE_URL !== '' && { tileUrl: e.CONSOLE_TILE_URL }),
    ackTargetsS: { P1: e.ACK_TARGET_P1_S, P2: e.ACK_TARGET_P2_S, P3: e.ACK_TARGET_P3_S },
    actionTimeoutMs: e.CONSOLE_ACTION_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    instanceId: e.FENCELINE_INSTANCE_ID,
  };
}
