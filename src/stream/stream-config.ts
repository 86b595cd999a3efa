/**
 * The part of the worker configuration the stream layer reads. Declared here (not imported from
 * ops/config.ts) because imports flow contract → geo → engine → stream → ops; ops' WorkerConfig
 * satisfies this shape structurally.
 */
import { DEFAULT_ENGINE_CONFIG, type EngineConfig } from '../engine/index.js';
import type { ZoneLimits } from '../geo/index.js';
import type { KafkaSasl, KafkaTls } from '../kafka/connection.js';

export interface StreamTopics {
  readonly pings: string;
  readonly zones: string;
  readonly enrolments: string;
  readonly alerts: string;
  readonly pingsDlq: string;
  readonly stateChangelog: string;
  /** Rejected zone and enrolment records, with their reason (contract topic). */
  readonly configDlq: string;
  /** Internal, compacted: the last accepted version of each zone / enrolment. */
  readonly zonesAccepted: string;
  readonly enrolmentsAccepted: string;
}

/** Configuration meets the engine here: what configuration leaves unset takes the engine's default. */
export function resolveEngineConfig(settings: Partial<EngineConfig>): EngineConfig {
  return { ...DEFAULT_ENGINE_CONFIG, ...settings };
}

/** A whole topic set under one prefix (`<prefix>.pings`, ...): demo and benchmark runs use their own. */
export function topicsWithPrefix(prefix: string): StreamTopics {
  return {
    pings: `${prefix}.pings`,
    zones: `${prefix}.zones`,
    enrolments: `${prefix}.enrolments`,
    alerts: `${prefix}.alerts`,
    pingsDlq: `${prefix}.pings.dlq`,
    stateChangelog: `${prefix}.state-changelog`,
    configDlq: `${prefix}.config.dlq`,
    zonesAccepted: `${prefix}.zones.accepted`,
    enrolmentsAccepted: `${prefix}.enrolments.accepted`,
  };
}

export interface StreamConfig {
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly groupId: string;
    /** Connection security (src/kafka/connection.ts); absent = plaintext. */
    readonly tls?: KafkaTls;
    readonly sasl?: KafkaSasl;
  };
  readonly topics: StreamTopics;
  readonly exactlyOnce: boolean;
  readonly createTopics: boolean;
  readonly pingsPartitions: number;
  readonly partitionsConsumedConcurrently: number;
  /** Commit in the background and fetch on (commit-pipeline.ts); default false. */
  readonly pipelineCommits?: boolean;
  readonly maxPingBytes: number;
  /** Tunables set by configuration; the rest take the engine's defaults (resolveEngineConfig). */
  readonly engine: Partial<EngineConfig>;
  readonly noSignalSweepIntervalS: number;
  /** A partition further behind than this is catching up, and its silence proves nothing. */
  readonly noSignalBacklog: { readonly maxLag: number; readonly maxBehindS: number };
  /** Seconds after a tag's enrolment ends until its state is tombstoned and dropped. */
  readonly stateRetentionS: number;
  readonly instanceId: string;
  /** A fix whose ts is more than this ahead of its record's append time goes to the DLQ. */
  readonly clockGlitchMarginS: number;
  readonly zoneLimits: ZoneLimits;
  /** For topics the worker creates; both are capped to what the cluster can hold. */
  readonly topicReplication: { readonly replicationFactor: number; readonly minInsyncReplicas: number };
}

/**
 * Kafka tuning the stream layer owns. Not in the env contract because the values follow from
 * the design (e.g. fetch sizes must admit the broker's largest message so a 2 MB garbage ping
 * reaches the DLQ instead of stalling the partition).
 */
export const STREAM_TUNING = {
  /** Largest message we expect on any input topic (the local broker allows 4 MB). */
  maxMessageBytes: 4 * 1024 * 1024,
  /** Per-partition fetch: at least one maximal message, and big batches amortise a transaction. */
  maxBytesPerPartition: 5 * 1024 * 1024,
  maxBytes: 25 * 1024 * 1024,
  maxWaitTimeInMs: 100,
  /** Short session so a killed worker's partitions move on in seconds, not the 30 s default. */
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 30_000,
  heartbeatIntervalMs: 1_000,
  /** Call heartbeat() at least this often inside a long batch or restore. */
  inBatchHeartbeatMs: 1_000,
  /**
   * Every output send (alerts, DLQ, changelog) is split so no produce batch exceeds this many
   * uncompressed bytes: half of Kafka's default 1 MiB max.message.bytes, before compression.
   */
  outputChunkBytes: 512 * 1024,
  /** Output requests at least this large (estimated, uncompressed) are gzip-compressed. */
  compressAboveBytes: 64 * 1024,
  transactionTimeoutMs: 60_000,
} as const;
