/**
 * Configuration of the `fenceline profiles` process, from environment variables, validated once
 * at start-up like the worker's (config.ts): a bad value stops it naming the variable. The one
 * secret, PROFILE_SECRET, is never echoed: its error says what is wrong, not what it was.
 */
import { z } from 'zod';
import { DEFAULT_DEVICE_CONFIG_TOPIC, DEFAULT_TOPICS } from '../contract/index.js';
import type { KafkaSasl, KafkaTls } from '../kafka/connection.js';
import { ConfigError } from './config.js';
import {
  booleanVar,
  brokerListVar,
  enumVar,
  integerVar,
  LOG_LEVELS,
  type LogLevel,
  numberVar,
  tokenVar,
  topicVar,
} from './env-parsers.js';
import { envWithDefaults, parseEnv } from './env-table.js';
import { kafkaSecurity } from './kafka-env.js';

export interface ProfilesConfig {
  kafka: { brokers: string[]; clientId: string; tls?: KafkaTls; sasl?: KafkaSasl };
  topics: { zones: string; enrolments: string; deviceConfig: string };
  createTopics: boolean;
  deviceConfigPartitions: number;
  transactionalId: string;
  /** Never log or print this. */
  secret: string;
  offsetRadiusM: number;
  speedMarginM: number;
  horizonH: number;
  curfewInsetM: number;
  fixIntervalS: number;
  uploadWithinS: number;
  flushIntervalMs: number;
  /** /metrics, /healthz, /readyz. */
  http: { host: string; port: number };
  logLevel: LogLevel;
}

export interface ProfilesVarDoc {
  readonly default: string | undefined;
  readonly meaning: string;
}

export const PROFILES_ENV_VARS = {
  KAFKA_BROKERS: { default: '127.0.0.1:9092', meaning: 'comma-separated host:port list' },
  KAFKA_CLIENT_ID: { default: 'fenceline-profiles', meaning: 'Kafka client id' },
  TOPIC_ZONES: { default: DEFAULT_TOPICS.zones, meaning: 'zones topic (read in full)' },
  TOPIC_ENROLMENTS: { default: DEFAULT_TOPICS.enrolments, meaning: 'enrolments topic (read in full)' },
  TOPIC_DEVICE_CONFIG: { default: DEFAULT_DEVICE_CONFIG_TOPIC, meaning: 'compacted output topic, key tagId' },
  CREATE_TOPICS: { default: 'true', meaning: 'create missing topics at start-up' },
  DEVICE_CONFIG_PARTITIONS: {
    default: '6',
    meaning: 'partitions of the device-config topic when creating it',
  },
  PROFILES_TRANSACTIONAL_ID: {
    default: 'fenceline-profiles',
    meaning: 'transactional id; a second instance with the same id fences the first',
  },
  PROFILE_SECRET: {
    default: undefined,
    meaning: 'REQUIRED, >= 32 characters: key of the hash that offsets trigger circles; never on a device',
  },
  PROFILE_OFFSET_RADIUS_M: {
    default: '500',
    meaning: 'privacy radius: trigger centres lie within this of the zone',
  },
  PROFILE_SPEED_MARGIN_M: { default: '900', meaning: 'travel between two default fixes (15 m/s x 60 s)' },
  PROFILE_HORIZON_H: { default: '168', meaning: 'zones starting later than this are not pushed yet' },
  PROFILE_CURFEW_INSET_M: { default: '50', meaning: 'curfew quiet circle stays this far inside the zone' },
  PROFILE_FIX_INTERVAL_S: { default: '15', meaning: 'real-time mode: seconds between fixes' },
  PROFILE_UPLOAD_WITHIN_S: { default: '0', meaning: 'real-time mode: upload each fix within (0 = at once)' },
  PROFILE_FLUSH_MS: { default: '250', meaning: 'changes are batched into one transaction this often' },
  PROFILES_HTTP_HOST: { default: '127.0.0.1', meaning: 'bind address of /metrics /healthz /readyz' },
  PROFILES_HTTP_PORT: { default: '9466', meaning: 'port of that server; 0 picks a free one' },
  LOG_LEVEL: { default: 'info', meaning: LOG_LEVELS.join(', ') },
} as const satisfies Record<string, ProfilesVarDoc>;

const SECRET_ERROR = 'expected at least 32 characters (the value is not shown)';

const Schema = z.object({
  KAFKA_BROKERS: brokerListVar(),
  KAFKA_CLIENT_ID: tokenVar(255),
  TOPIC_ZONES: topicVar(),
  TOPIC_ENROLMENTS: topicVar(),
  TOPIC_DEVICE_CONFIG: topicVar(),
  CREATE_TOPICS: booleanVar(),
  DEVICE_CONFIG_PARTITIONS: integerVar(1, 10_000),
  PROFILES_TRANSACTIONAL_ID: tokenVar(255),
  PROFILE_SECRET: z
    .string({ error: 'required: set it (it is never shown)' })
    .min(32, { error: SECRET_ERROR }),
  PROFILE_OFFSET_RADIUS_M: numberVar({ min: 0, max: 100_000 }),
  PROFILE_SPEED_MARGIN_M: numberVar({ min: 0, max: 100_000 }),
  PROFILE_HORIZON_H: numberVar({ min: 0, max: 24 * 366 }),
  PROFILE_CURFEW_INSET_M: numberVar({ min: 0, max: 10_000 }),
  PROFILE_FIX_INTERVAL_S: integerVar(1, 3600),
  PROFILE_UPLOAD_WITHIN_S: integerVar(0, 3600),
  PROFILE_FLUSH_MS: integerVar(10, 60_000),
  PROFILES_HTTP_HOST: tokenVar(255),
  PROFILES_HTTP_PORT: integerVar(0, 65_535),
  LOG_LEVEL: enumVar(LOG_LEVELS),
});

export function loadProfilesConfig(env: Record<string, string | undefined>): ProfilesConfig {
  const raw = envWithDefaults(PROFILES_ENV_VARS, env);
  // The secret's value is never shown, not even in an error.
  const e = parseEnv(Schema, raw, ['PROFILE_SECRET']);
  const topics = [e.TOPIC_ZONES, e.TOPIC_ENROLMENTS, e.TOPIC_DEVICE_CONFIG];
  if (new Set(topics).size !== topics.length) {
    throw new ConfigError(
      'TOPIC_DEVICE_CONFIG',
      'TOPIC_DEVICE_CONFIG: must differ from TOPIC_ZONES and TOPIC_ENROLMENTS',
    );
  }
  return {
    kafka: {
      ...kafkaSecurity(env),
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
    },
    topics: { zones: e.TOPIC_ZONES, enrolments: e.TOPIC_ENROLMENTS, deviceConfig: e.TOPIC_DEVICE_CONFIG },
    createTopics: e.CREATE_TOPICS,
    deviceConfigPartitions: e.DEVICE_CONFIG_PARTITIONS,
    transactionalId: e.PROFILES_TRANSACTIONAL_ID,
    secret: e.PROFILE_SECRET,
    offsetRadiusM: e.PROFILE_OFFSET_RADIUS_M,
    speedMarginM: e.PROFILE_SPEED_MARGIN_M,
    horizonH: e.PROFILE_HORIZON_H,
    curfewInsetM: e.PROFILE_CURFEW_INSET_M,
    fixIntervalS: e.PROFILE_FIX_INTERVAL_S,
    uploadWithinS: e.PROFILE_UPLOAD_WITHIN_S,
    flushIntervalMs: e.PROFILE_FLUSH_MS,
    http: { host: e.PROFILES_HTTP_HOST, port: e.PROFILES_HTTP_PORT },
    logLevel: e.LOG_LEVEL,
  };
}
