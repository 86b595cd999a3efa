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
import { CONFIRM_RULES, type ConfirmRule, DEFAULT_TOPICS } from '../contract/index.js';
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
import { envWithDefaults, parseEnv } from './env-table.js';
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
  confirmRule?: ConfirmRule;
  corroborateInclusion?: boolean;
  evidenceTauS?: number;
  evidenceThreshold?: number;
  evidenceOutlierShare?: number;
  maxSpeedMps?: number;
  defaultAccuracyM?: number;
  lowBatteryThreshold?: number;
  noSignalAfterS?: number;
}

/** Which variable sets which engine tunable. */
export const ENGINE_VARS = {
  CONFIRM_FIXES: 'confirmFixes',
  CONFIRM_RULE: 'confirmRule',
  CORROBORATE_INCLUSION: 'corroborateInclusion',
  EVIDENCE_TAU_S: 'evidenceTauS',
  EVIDENCE_THRESHOLD: 'evidenceThreshold',
  EVIDENCE_OUTLIER_SHARE: 'evidenceOutlierShare',
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
    configDlq: string;
    zonesAccepted: string;
    enrolmentsAccepted: string;
  };
  exactlyOnce: boolean;
  pipelineCommits: boolean;
  createTopics: boolean;
  pingsPartitions: number;
  partitionsConsumedConcurrently: number;
  maxPingBytes: number;
  http: { host: string; port: number };
  logLevel: LogLevel;
  engine: EngineSettings;
  noSignalSweepIntervalS: number;
  /** A partition further behind than this is in catch-up: no NO_SIGNAL from it (see README). */
  noSignalBacklog: { maxLag: number; maxBehindS: number };
  /** Seconds after a tag's enrolment ends until its state is tombstoned and dropped. */
  stateRetentionS: number;
  instanceId: string;
  clockGlitchMarginS: number;
  zoneLimits: {
    maxVertices: number;
    maxScheduleWindows: number;
    maxZonesPerSubject: number;
    maxZoneBytes: number;
  };
  topicReplication: { replicationFactor: number; minInsyncReplicas: number };
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
  PIPELINE_COMMITS: booleanVar(),
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
  CONFIRM_RULE: enumVar(CONFIRM_RULES).optional(),
  CORROBORATE_INCLUSION: booleanVar().optional(),
  EVIDENCE_TAU_S: numberVar({ gt: 0 }).optional(),
  EVIDENCE_THRESHOLD: numberVar({ gt: 0 }).optional(),
  EVIDENCE_OUTLIER_SHARE: numberVar({ min: 0, max: 0.5 }).optional(),
  MAX_SPEED_MPS: numberVar({ gt: 0 }).optional(),
  LOW_BATTERY_THRESHOLD: numberVar({ min: 0, max: 1 }).optional(),
  NO_SIGNAL_AFTER_S: numberVar({ gt: 0 }).optional(),
  // Bounded: above ~24.8 days Node's timers overflow and fire every millisecond; and a sweep
  // less often than hourly would let a silent tag go unreported for that long.
  NO_SIGNAL_SWEEP_INTERVAL_S: numberVar({ min: 0.1, max: 3600 }),
  NO_SIGNAL_MAX_LAG: integerVar(0, 1_000_000_000),
  NO_SIGNAL_MAX_BEHIND_S: numberVar({ min: 0, max: 86_400 }),
  STATE_RETENTION_S: numberVar({ min: 0, max: 31_536_000 }),
  FENCELINE_INSTANCE_ID: tokenVar(200),
  TOPIC_CONFIG_DLQ: topicVar(),
  TOPIC_ZONES_ACCEPTED: topicVar(),
  TOPIC_ENROLMENTS_ACCEPTED: topicVar(),
  CLOCK_GLITCH_MARGIN_S: numberVar({ gt: 0 }),
  ZONE_MAX_VERTICES: integerVar(4, 1_000_000),
  ZONE_MAX_SCHEDULE_WINDOWS: integerVar(1, 10_000),
  ZONE_MAX_PER_SUBJECT: integerVar(1, 1_000_000),
  // Checked before JSON.parse; 1 MiB (Kafka's default message size) bounds the parse at a few ms.
  ZONE_MAX_BYTES: integerVar(1024, 1_048_576),
  TOPIC_REPLICATION_FACTOR: integerVar(1, 32),
  TOPIC_MIN_INSYNC_REPLICAS: integerVar(1, 32),
});

export type EnvVarName = keyof z.input<typeof EnvSchema>;

export interface EnvVarDoc {
  /**
   * The default as the variable would spell it; a function when it depends on the host or on
   * variables listed before it (it receives their resolved values); null for an engine
   * tunable, whose default is the engine's (see ENGINE_VARS).
   */
  readonly default: string | ((resolved: Record<string, string | undefined>) => string) | null;
  /** How `worker --help` and the README spell a derived default. */
  readonly defaultText?: string;
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
    // Named after the group, so two deployments on one cluster never restore each other's state.
    default: (r) => `${r.FENCELINE_GROUP_ID}.state-changelog`,
    defaultText: '<FENCELINE_GROUP_ID>.state-changelog',
    meaning: 'internal compacted changelog of per-tag state',
  },
  EXACTLY_ONCE: { default: 'true', meaning: 'transactional read-process-write (true/false, 1/0, yes/no)' },
  PIPELINE_COMMITS: {
    default: 'false',
    meaning:
      'apply a batch and fetch on while its commit is in flight; batches applied meanwhile share the next commit (experimental)',
  },
  CREATE_TOPICS: { default: 'true', meaning: 'create missing topics at start-up' },
  PINGS_PARTITIONS: { default: '12', meaning: 'partitions of the pings topic, used only when creating it' },
  PARTITIONS_CONSUMED_CONCURRENTLY: {
    default: '12',
    meaning:
      "pings partitions processed in parallel (each has its own transactional producer, so commits overlap); the default covers the default topic's 12",
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
  CONFIRM_RULE: {
    default: null,
    meaning:
      'how a violation is raised: corroborated (rule 1.1: two fixes with one confirmed, or evidence over time) or single-fix (one confirmed fix; faster, noisier)',
  },
  CORROBORATE_INCLUSION: {
    default: null,
    meaning: 'apply the corroborated rule to INCLUSION_LEFT too (false: LEFT follows single-fix)',
  },
  EVIDENCE_TAU_S: {
    default: null,
    meaning: 'rule 1.1: a fix dt seconds after the previous one weighs min(1, dt / this)',
  },
  EVIDENCE_THRESHOLD: {
    default: null,
    meaning: 'rule 1.1: evidence score (log-odds) that raises a possible violation',
  },
  EVIDENCE_OUTLIER_SHARE: {
    default: null,
    meaning: 'rule 1.1: assumed share of fixes their accuracy does not describe (caps one fix at ~5.3)',
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
  NO_SIGNAL_SWEEP_INTERVAL_S: {
    default: '30',
    meaning: 'how often (s) silent tags are checked (0.1..3600)',
  },
  NO_SIGNAL_MAX_LAG: {
    default: '1000',
    meaning: 'a pings partition more than this many records behind is catching up: no NO_SIGNAL from it',
  },
  NO_SIGNAL_MAX_BEHIND_S: {
    default: '60',
    meaning:
      'a pings partition with unread records whose last processed append time is older than this (s) is catching up',
  },
  STATE_RETENTION_S: {
    default: '86400',
    meaning: "a tag's state is tombstoned and dropped this long (s) after its enrolment ends",
  },
  FENCELINE_INSTANCE_ID: {
    default: () => `${hostname()}-${process.pid}`,
    meaning: 'this worker instance (transactional id prefix, logs); default hostname-pid',
  },
  TOPIC_CONFIG_DLQ: {
    default: 'fenceline.config.dlq',
    meaning: 'dead-letter topic for rejected zone and enrolment records (key, bytes, reason)',
  },
  TOPIC_ZONES_ACCEPTED: {
    default: (r) => `${r.TOPIC_ZONES}.accepted`,
    defaultText: '<TOPIC_ZONES>.accepted',
    meaning:
      'internal compacted topic: the last accepted version of each zone (survives compaction of the input)',
  },
  TOPIC_ENROLMENTS_ACCEPTED: {
    default: (r) => `${r.TOPIC_ENROLMENTS}.accepted`,
    defaultText: '<TOPIC_ENROLMENTS>.accepted',
    meaning: 'internal compacted topic: the last accepted version of each enrolment',
  },
  CLOCK_GLITCH_MARGIN_S: {
    default: '600',
    meaning: 'a fix whose ts is more than this (s) ahead of its append time goes to the DLQ',
  },
  ZONE_MAX_VERTICES: { default: '10000', meaning: 'zones with more polygon positions are rejected' },
  ZONE_MAX_SCHEDULE_WINDOWS: { default: '64', meaning: 'zones with more schedule windows are rejected' },
  ZONE_MAX_PER_SUBJECT: {
    default: '256',
    meaning: 'a new zone past this many for one subject is rejected (existing ones stay)',
  },
  ZONE_MAX_BYTES: {
    default: '262144',
    meaning: 'larger zone records are rejected before parsing (1024..1048576)',
  },
  TOPIC_REPLICATION_FACTOR: {
    default: '3',
    meaning: 'replication factor of topics the worker creates (capped at the number of brokers)',
  },
  TOPIC_MIN_INSYNC_REPLICAS: {
    default: '2',
    meaning:
      'min.insync.replicas of topics the worker creates (capped at replication factor - 1, at least 1)',
  },
};

const TOPIC_VARS = [
  'TOPIC_PINGS',
  'TOPIC_ZONES',
  'TOPIC_ENROLMENTS',
  'TOPIC_ALERTS',
  'TOPIC_PINGS_DLQ',
  'TOPIC_STATE_CHANGELOG',
  'TOPIC_CONFIG_DLQ',
  'TOPIC_ZONES_ACCEPTED',
  'TOPIC_ENROLMENTS_ACCEPTED',
] as const satisfies readonly EnvVarName[];

function withDefaults(env: Record<string, string | undefined>): Record<EnvVarName, string | undefined> {
  return envWithDefaults(ENV_VARS, env);
}

function engineSettings(e: { [V in EngineVar]?: EngineSettings[(typeof ENGINE_VARS)[V]] }): EngineSettings {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(ENGINE_VARS) as EngineVar[]) {
    const value = e[name];
    if (value !== undefined) out[ENGINE_VARS[name]] = value;
  }
  return out as EngineSettings;
}

/**
 * Build the worker's configuration from `env` (normally process.env). Throws ConfigError
 * naming the first bad variable, what it expected and what it got; the message lists every
 * bad variable so one restart fixes them all.
 */
export function loadConfig(env: Record<string, string | undefined>): WorkerConfig {
  const raw = withDefaults(env);
  const e = parseEnv(EnvSchema, raw);

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
      configDlq: e.TOPIC_CONFIG_DLQ,
      zonesAccepted: e.TOPIC_ZONES_ACCEPTED,
      enrolmentsAccepted: e.TOPIC_ENROLMENTS_ACCEPTED,
    },
    exactlyOnce: e.EXACTLY_ONCE,
    pipelineCommits: e.PIPELINE_COMMITS,
    createTopics: e.CREATE_TOPICS,
    pingsPartitions: e.PINGS_PARTITIONS,
    partitionsConsumedConcurrently: e.PARTITIONS_CONSUMED_CONCURRENTLY,
    maxPingBytes: e.MAX_PING_BYTES,
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT },
    logLevel: e.LOG_LEVEL,
    engine: engineSettings(e),
    noSignalSweepIntervalS: e.NO_SIGNAL_SWEEP_INTERVAL_S,
    noSignalBacklog: { maxLag: e.NO_SIGNAL_MAX_LAG, maxBehindS: e.NO_SIGNAL_MAX_BEHIND_S },
    stateRetentionS: e.STATE_RETENTION_S,
    instanceId: e.FENCELINE_INSTANCE_ID,
    clockGlitchMarginS: e.CLOCK_GLITCH_MARGIN_S,
    zoneLimits: {
      maxVertices: e.ZONE_MAX_VERTICES,
      maxScheduleWindows: e.ZONE_MAX_SCHEDULE_WINDOWS,
      maxZonesPerSubject: e.ZONE_MAX_PER_SUBJECT,
      maxZoneBytes: e.ZONE_MAX_BYTES,
    },
    topicReplication: {
      replicationFactor: e.TOPIC_REPLICATION_FACTOR,
      minInsyncReplicas: e.TOPIC_MIN_INSYNC_REPLICAS,
    },
  };
}
