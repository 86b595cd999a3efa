/**
 * After `fenceline kafka start --secure`: as the admin user, create the default topics (the
 * worker's own topic-creation code, so partitions and compaction match) and every client's ACLs
 * for the default names, then describe the settings a client needs. Passwords are never printed:
 * each user's password is in its own 0600 file, which KAFKA_SASL_PASSWORD_FILE reads directly.
 */
import pino from 'pino';
import { CLIENT_ROLES } from '../kafka/acl-plan.js';
import { createAcls } from '../kafka/acls.js';
import { createKafka } from '../kafka/connection.js';
import type { SecureConnectionInfo } from '../local-kafka/index.js';
import { createLogger, loadConfig } from '../ops/index.js';
import { withRetry } from '../stream/retry.js';
import { ensureTopics } from '../stream/topic-setup.js';
import { aclRows, aclTopics } from './kafka-acls.js';

export async function provisionSecureBroker(
  brokers: string,
  security: SecureConnectionInfo,
): Promise<{ topics: number; acls: number }> {
  const config = loadConfig({ KAFKA_BROKERS: brokers, CREATE_TOPICS: 'true' });
  const connection = { brokers: [brokers], ...security.admin };
  const kafka = createKafka(connection, 'fenceline-admin', { retry: { retries: 8, initialRetryTime: 300 } });
  const logger = createLogger({
    level: 'warn',
    name: 'kafka-secure-setup',
    destination: pino.destination(2),
  });
  const topicConfig = { ...config, kafka: { ...config.kafka, ...security.admin } };
  // Right after creation a topic can be "not hosted here" or missing from the list for a moment;
  // creating again is harmless (existing topics are left alone), as the worker's start-up does.
  for (let attempt = 1; ; attempt++) {
    try {
      await withRetry(() => ensureTopics(kafka, topicConfig, logger));
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
  const rows = aclRows({ roles: CLIENT_ROLES, topics: aclTopics(config), exactlyOnce: true });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createAcls(admin, rows);
  } finally {
    await admin.disconnect();
  }
  return { topics: Object.keys(config.topics).length, acls: rows.length };
}

export function clientSettings(brokers: string, security: SecureConnectionInfo, user: string): string[] {
  return [
    `KAFKA_BROKERS=${brokers}`,
    'KAFKA_SSL=true',
    `KAFKA_SSL_CA_FILE=${security.caFile}`,
    `KAFKA_SASL_MECHANISM=${security.mechanism}`,
    `KAFKA_SASL_USERNAME=${user}`,
    `KAFKA_SASL_PASSWORD_FILE=${security.passwordFiles[user]}`,
  ];
}
