/**
 * The notifier's topics at start-up: the ledger and the operator-actions topic are created when
 * missing (CREATE_TOPICS); the alerts topic belongs to the worker and must already exist.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { createTopicsSettled } from '../kafka/create-topics.js';
import type { NotifyConfig } from './notify-config.js';

export class NotifyTopicError extends Error {
  override readonly name = 'NotifyTopicError';
}

export async function ensureNotifyTopics(kafka: Kafka, config: NotifyConfig, logger: Logger): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    if (!existing.has(config.topics.alerts)) {
      throw new NotifyTopicError(`topic ${config.topics.alerts} does not exist (TOPIC_ALERTS)`);
    }
    const missing = [config.topics.notifications, config.topics.alertActions].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    if (!config.createTopics) {
      throw new NotifyTopicError(`topic ${missing[0]} does not exist and CREATE_TOPICS is false`);
    }
    await createTopicsSettled(
      admin,
      missing.map((topic) => ({ topic, numPartitions: 3 })),
    );
    logger.info({ topics: missing }, 'created topics');
  } finally {
    await admin.disconnect();
  }
}
