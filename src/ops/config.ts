/**
 * Worker configuration from environment variables. Zod validates every variable once, at
 * start-up; everything downstream receives a typed WorkerConfig and never reads env.
 *
 * Defaults are strings in ENV_VARS and go through the same schema as real values, so a
 * default can never be something the validator would reject. An empty value counts as unset
 * (docker-compose writes `FOO=` for `${FOO:-}`). Unknown variables are ignored.
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_TOPICS } from '../contract/index.js';
import type { KafkaSasl, KafkaTls } from '../kafka/connection.js';
import { ConfigError } from './config-error.js';
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
import { loadKafkaConnection } from './kafka-env.js';

export { ConfigError } from './config-error.js';
export type { LogLevel } from './env-parsers.js';

/**
 * The decision rules' tunables, as far as the environment sets them. Ops does not know the
 * engine: a variable left unset is absent here, and the stream layer fills it with the engine's
 * own default (resolveEngineConfig), so a default is written in one place only.
 */
export interface EngineSettings {
  confirmFixes?: number;
  maxSpeedMps?: number;
  defaultAccuracyM?: number;
  lowBatteryThreshold?: number;
  noSignalAfterS?: number;
}

/** Which variable sets which engine tunable. */
export const ENGINE_VARS = {
  CONFIRM_FIXES: 'confirmFixes',
  MAX_SPEED_MPS: 'maxSpeedMps',
  DEFAULT_ACCURACY_M: 'defaultAccuracyM',
  LOW_BATTERY_THRESHOLD: 'lowBatteryThreshold',
  NO_SIGNAL_AFTER_S: 'noSignalAfterS',
} as const satisfies Record<string, keyof EngineSettings>;
type EngineVar = keyof typeof ENGINE_VARS;

export interface WorkerConfig {
  /** Also a KafkaConnectionConfig: pass it to createKafka as is. tls/sasl absent = plaintext. */
  kafka: { brokers: string[]; clientId: string; groupId: string; tls?: KafkaTls; sasl?: KafkaSasl };
  topics: {
    pings: string;
    zones: string;
    enrolments: string;
    alerts: string;
    pingsDlq: string;
    stateChangelog: string;
  };
  exactlyOnce: boolean;
  createTopics: boolean;
  pingsPartitions: number;
  partitionsConsumedConcurrently: number;
  maxPingBytes: number;
  http: { host: string; port: number };
  logLevel: LogLevel;
  engine: EngineSettings;
  noSignalSweepIntervalS: number;
  instanceId: string;
}

/** Every variable the worker reads. Config values are not secrets, so errors echo them. */
const EnvSchema = z.object({
  KAFKA_BROKERS: brokerListVar(),
  KAFKA_CLIENT_ID: tokenVar(255),
  FENCELINE_GROUP_ID: tokenVar(255),
  TOPIC_PINGS: topicVar(),
  TOPIC_ZONES: topicVar(),
  TOPIC_ENROLMENTS: topicVar(),
  TOPIC_ALERTS: topicVar(),
  TOPIC_PINGS_DLQ: topicVar(),
  TOPIC_STATE_CHANGELOG: topicVar(),
  EXACTLY_ONCE: booleanVar(),
  CREATE_TOPICS: booleanVar(),
  PINGS_PARTITIONS: integerVar(1, 10_000),
  PARTITIONS_CONSUMED_CONCURRENTLY: integerVar(1, 1_000),
  // Below 64 bytes no ping fits; above 1 MiB is past Kafka's default message.max.bytes.
  MAX_PING_BYTES: integerVar(64, 1_048_576),
  HTTP_HOST: tokenVar(255),
  HTTP_PORT: integerVar(0, 65_535),
  LOG_LEVEL: enumVar(LOG_LEVELS),
  DEFAULT_ACCURACY_M: numberVar({ gt: 0 }).optional(),
  CONFIRM_FIXES: integerVar(1, 100).optional(),
  MAX_SPEED_MPS: numberVar({ gt: 0 }).optional(),
  LOW_BATTERY_THRESHOLD: numberVar({ min: 0, max: 1 }).optional(),
  NO_SIGNAL_AFTER_S: numberVar({ gt: 0 }).optional(),
  NO_SIGNAL_SWEEP_INTERVAL_S: numberVar({ gt: 0 }),
  FENCELINE_INSTANCE_ID: tokenVar(200),
});

export type EnvVarName = keyof z.input<typeof EnvSchema>;

export interface EnvVarDoc {
  /**
   * The default as the variable would spell it; a function when it depends on the host; null
   * for an engine tunable, whose default is the engine's (see ENGINE_VARS).
   */
  readonly default: string | (() => string) | null;
  readonly meaning: string;
}

/** Names, defaults and meanings: the README's table and `worker --help` are built from this. */
export const ENV_VARS: Readonly<Record<EnvVarName, EnvVarDoc>> = {
  KAFKA_BROKERS: { default: '127.0.0.1:9092', meaning: 'comma-separated host:port list of Kafka brokers' },
  KAFKA_CLIENT_ID: { default: 'fenceline', meaning: 'Kafka client id' },
  FENCELINE_GROUP_ID: { default: 'fenceline-worker', meaning: 'consumer group of the pings consumer' },
  TOPIC_PINGS: { default: DEFAULT_TOPICS.pings, meaning: 'pings topic (input)' },
  TOPIC_ZONES: { default: DEFAULT_TOPICS.zones, meaning: 'zones topic (compacted global table)' },
  TOPIC_ENROLMENTS: {
    default: DEFAULT_TOPICS.enrolments,
    meaning: 'enrolments topic (compacted global table)',
  },
  TOPIC_ALERTS: { default: DEFAULT_TOPICS.alerts, meaning: 'alerts topic (output, transactional)' },
  TOPIC_PINGS_DLQ: {
    default: DEFAULT_TOPICS.pingsDlq,
    meaning: 'dead-letter topic for pings that fail to decode',
  },
  TOPIC_STATE_CHANGELOG: {
    default: 'fenceline.state-changelog',
    meaning: 'internal compacted changelog of per-tag state',
  },
  EXACTLY_ONCE: { default: 'true', meaning: 'transactional read-process-write (true/false, 1/0, yes/no)' },
  CREATE_TOPICS: { default: 'true', meaning: 'create missing topics at start-up' },
  PINGS_PARTITIONS: { default: '12', meaning: 'partitions of the pings topic, used only when creating it' },
  PARTITIONS_CONSUMED_CONCURRENTLY: {
    default: '4',
    meaning:
      'pings partitions processed in parallel (each has its own transactional producer, so commits overlap)',
  },
  MAX_PING_BYTES: { default: '16384', meaning: 'larger ping values go to the DLQ unparsed' },
  HTTP_HOST: {
    default: '127.0.0.1',
    meaning:
      'bind address of the /metrics /healthz /readyz server (0.0.0.0 to expose it, as in docker-compose)',
  },
  HTTP_PORT: { default: '9464', meaning: 'port of that server; 0 picks a free one' },
  LOG_LEVEL: { default: 'info', meaning: `pino level: ${LOG_LEVELS.join(', ')}` },
  DEFAULT_ACCURACY_M: {
    default: null,
    meaning: 'accuracy radius (m) assumed for a fix without accuracyM',
  },
  CONFIRM_FIXES: {
    default: null,
    meaning: 'consecutive fixes on one side that raise or end a violation',
  },
  MAX_SPEED_MPS: {
    default: null,
    meaning: 'fixes implying a faster move (m/s) are set aside as outliers',
  },
  LOW_BATTERY_THRESHOLD: {
    default: null,
    meaning: 'LOW_BATTERY when battery (0..1) falls below this',
  },
  NO_SIGNAL_AFTER_S: {
    default: null,
    meaning: 'NO_SIGNAL after this many seconds without a fix',
  },
  NO_SIGNAL_SWEEP_INTERVAL_S: { default: '30', meaning: 'how often (s) silent tags are checked' },
  FENCELINE_INSTANCE_ID: {
    default: () => `${hostname()}-${process.pid}`,
    meaning: 'this worker instance (transactional id prefix, logs); default hostname-pid',
  },
};

const TOPIC_VARS = [
  'TOPIC_PINGS',
  'TOPIC_ZONES',
  'TOPIC_ENROLMENTS',
  'TOPIC_ALERTS',
  'TOPIC_PINGS_DLQ',
  'TOPIC_STATE_CHANGELOG',
] as const satisfies readonly EnvVarName[];

function withDefaults(env: Record<string, string | undefined>): Record<EnvVarName, string | undefined> {
  const out = {} as Record<EnvVarName, string | undefined>;
  for (const name of Object.keys(ENV_VARS) as EnvVarName[]) {
    const raw = env[name];
    const fallback = ENV_VARS[name].default;
    out[name] =
      raw !== undefined && raw.trim() !== ''
        ? raw
        : fallback === null
          ? undefined
          : typeof fallback === 'string'
            ? fallback
            : fallback();
  }
  return out;
}

function engineSettings(e: Partial<Record<EngineVar, number>>): EngineSettings {
  const out: EngineSettings = {};
  for (const name of Object.keys(ENGINE_VARS) as EngineVar[]) {
    const value = e[name];
    if (value !== undefined) out[ENGINE_VARS[name]] = value;
  }
  return out;
}

/**
 * Build the worker's configuration from `env` (normally process.env). Throws ConfigError
 * naming the first bad variable, what it expected and what it got; the message lists every
 * bad variable so one restart fixes them all.
 */
export function loadConfig(env: Record<string, string | undefined>): WorkerConfig {
  const raw = withDefaults(env);
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const problems: { variable: string; text: string }[] = [];
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0]);
      if (problems.some((p) => p.variable === variable)) continue; // one line per variable
      problems.push({
        variable,
        text: `${variable}: ${issue.message}, got ${JSON.stringify(raw[variable as EnvVarName])}`,
      });
    }
    throw new ConfigError(problems[0]!.variable, problems.map((p) => p.text).join('; '));
  }
  const e = parsed.data;

  // Two roles on one topic would feed alerts back in as pings, or the DLQ into the table.
  const seen = new Map<string, string>();
  for (const name of TOPIC_VARS) {
    const other = seen.get(e[name]);
    if (other !== undefined) {
      throw new ConfigError(name, `${name}: must differ from ${other}, got ${JSON.stringify(e[name])}`);
    }
    seen.set(e[name], name);
  }

  // TLS and SASL (src/ops/kafka-env.ts): read after the plain variables so a typo there is reported first.
  const { tls, sasl } = loadKafkaConnection(env);

  return {
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      groupId: e.FENCELINE_GROUP_ID,
      ...(tls ? { tls } : {}),
      ...(sasl ? { sasl } : {}),
    },
    topics: {
      pings: e.TOPIC_PINGS,
      zones: e.TOPIC_ZONES,
      enrolments: e.TOPIC_ENROLMENTS,
      alerts: e.TOPIC_ALERTS,
      pingsDlq: e.TOPIC_PINGS_DLQ,
      stateChangelog: e.TOPIC_STATE_CHANGELOG,
    },
    exactlyOnce: e.EXACTLY_ONCE,
    createTopics: e.CREATE_TOPICS,
    pingsPartitions: e.PINGS_PARTITIONS,
    partitionsConsumedConcurrently: e.PARTITIONS_CONSUMED_CONCURRENTLY,
    maxPingBytes: e.MAX_PING_BYTES,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    logLevel: e.LOG_LEVEL,
    engine: engineSettings(e),
    noSignalSweepIntervalS: e.NO_SIGNAL_SWEEP_INTERVAL_S,
    instanceId: e.FENCELINE_INSTANCE_ID,
  };
}
