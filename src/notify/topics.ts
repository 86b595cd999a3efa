/**
 * The notifier's topics at start-up: the ledger and the operator-actions topic are created when
 * missing (CREATE_TOPICS); the alerts topic belongs to the worker and must already exist.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { withRetry } from '../stream/retry.js';
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
    // waitForLeaders can meet UNKNOWN_TOPIC_OR_PARTITION from a broker that has not caught up
    // with its own controller yet (retriable); a retry then finds the topic "already exists".
    await withRetry(() =>
      admin
        .createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 3 })) })
        .then(() => undefined)
        .catch((err: Error) => {
          if (!/already exists/i.test(err.message)) throw err;
        }),
    );
    logger.info({ topics: missing }, 'created topics');
  } finally {
    await admin.disconnect();
  }
}
