/**
 * Creates missing topics at start-up (CREATE_TOPICS) and checks the one invariant the stream
 * layer cannot live without: the state changelog is co-partitioned with the pings topic, so
 * changelog partition N holds exactly the tags whose pings arrive on pings partition N.
 */
import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { createTopicsSettled } from '../kafka/create-topics.js';
import { STREAM_TUNING, type StreamConfig } from './stream-config.js';

const COMPACTED = [
  { name: 'cleanup.policy', value: 'compact' },
  // Roll segments often enough that compaction actually runs and restores stay short.
  { name: 'segment.ms', value: String(10 * 60 * 1000) },
  { name: 'min.cleanable.dirty.ratio', value: '0.1' },
];

const APPEND_TIME = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }];

export class TopicSetupError extends Error {
  override readonly name = 'TopicSetupError';
}

async function partitionCount(admin: Admin, topic: string): Promise<number | undefined> {
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) return undefined;
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  return meta.topics[0]?.partitions.length;
}

/**
 * Replication of the topics the worker creates: the configured factor (default 3, so one broker
 * can fail without losing an acknowledged alert or state) capped at the brokers the cluster has,
 * and min.insync.replicas capped at factor - 1 (at least 1), so a one-broker development
 * cluster still works and a three-broker one tolerates one broker down for writes.
 */
export function replicationFor(
  wanted: { replicationFactor: number; minInsyncReplicas: number },
  brokers: number,
): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = Math.max(1, Math.min(wanted.replicationFactor, brokers));
  const minInsyncReplicas = Math.max(1, Math.min(wanted.minInsyncReplicas, replicationFactor - 1));
  return { replicationFactor, minInsyncReplicas };
}

async function create(
  admin: Admin,
  wanted: ITopicConfig[],
  logger: Logger,
  replication: { replicationFactor: number; minInsyncReplicas: number },
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = wanted
    .filter((t) => !existing.has(t.topic))
    .map((t) => ({
      ...t,
      replicationFactor: replication.replicationFactor,
      configEntries: [
        ...(t.configEntries ?? []),
        { name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) },
      ],
    }));
  if (missing.length === 0) return;
  // Another worker may be creating the same topics right now; "already exists" is success. On a
  // busy broker, metadata can lag the creation: wait (bounded) until every partition has a leader.
  await createTopicsSettled(admin, missing);
  logger.info({ topics: missing.map((t) => t.topic), ...replication }, 'created topics');
}

/** Returns the pings topic's partition count. */
export async function ensureTopics(kafka: Kafka, config: StreamConfig, logger: Logger): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const t = config.topics;
    const brokers = config.createTopics ? (await admin.describeCluster()).brokers.length : 1;
    const replication = replicationFor(config.topicReplication, brokers);
    if (config.createTopics) {
      const n = config.pingsPartitions;
      await create(
        admin,
        [
          // NO_SIGNAL measures silence from each fix's arrival: the broker's clock, not the tag's.
          { topic: t.pings, numPartitions: n, configEntries: APPEND_TIME },
          { topic: t.alerts, numPartitions: n },
          // The DLQ must take anything the pings topic took, plus our headers.
          {
            topic: t.pingsDlq,
            numPartitions: n,
            configEntries: [{ name: 'max.message.bytes', value: String(2 * STREAM_TUNING.maxMessageBytes) }],
          },
          { topic: t.zones, numPartitions: 1, configEntries: COMPACTED },
          // A tag that never reports is silent since its enrolment record arrived (broker time).
          { topic: t.enrolments, numPartitions: 1, configEntries: [...COMPACTED, ...APPEND_TIME] },
          // The last accepted version of each zone / enrolment (world-tables.ts).
          { topic: t.zonesAccepted, numPartitions: 1, configEntries: COMPACTED },
          { topic: t.enrolmentsAccepted, numPartitions: 1, configEntries: COMPACTED },
          {
            topic: t.configDlq,
            numPartitions: 1,
            configEntries: [{ name: 'max.message.bytes', value: String(2 * STREAM_TUNING.maxMessageBytes) }],
          },
        ],
        logger,
        replication,
      );
    }
    const pings = await partitionCount(admin, t.pings);
    if (pings === undefined) throw new TopicSetupError(`topic ${t.pings} does not exist (TOPIC_PINGS)`);
    if (config.createTopics) {
      await create(
        admin,
        [{ topic: t.stateChangelog, numPartitions: pings, configEntries: COMPACTED }],
        logger,
        replication,
      );
    }
    const changelog = await partitionCount(admin, t.stateChangelog);
    if (changelog !== pings) {
      throw new TopicSetupError(
        `topic ${t.stateChangelog} (TOPIC_STATE_CHANGELOG) has ${changelog ?? 'no'} partitions, ` +
          `but ${t.pings} has ${pings}: they must be co-partitioned`,
      );
    }
    for (const topic of [
      t.zones,
      t.enrolments,
      t.alerts,
      t.pingsDlq,
      t.configDlq,
      t.zonesAccepted,
      t.enrolmentsAccepted,
    ]) {
      if ((await partitionCount(admin, topic)) === undefined)
        throw new TopicSetupError(`topic ${topic} does not exist`);
    }
    return pings;
  } finally {
    await admin.disconnect();
  }
}
