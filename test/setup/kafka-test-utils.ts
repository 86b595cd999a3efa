/**
 * Small kafkajs helpers for integration tests, so each test states WHAT it sends and expects
 * rather than re-writing client plumbing. Every helper connects, does one thing and disconnects.
 */
import { randomBytes } from 'node:crypto';
import { type IHeaders, type Kafka, Partitioners } from 'kafkajs';
import { createKafka } from '../../src/kafka/connection.js';
import { loadKafkaConnection } from '../../src/ops/kafka-env.js';

/**
 * Where a test's clients connect: a bootstrap list (the plain broker of the global setup), or the
 * environment a Fenceline process would get (KAFKA_BROKERS plus KAFKA_SSL / KAFKA_SASL_*), as the
 * secured-broker tests use, so test clients and workers connect exactly alike.
 */
export type KafkaTarget = string | Readonly<Record<string, string>>;

export function targetEnv(target: KafkaTarget): Record<string, string> {
  return typeof target === 'string' ? { KAFKA_BROKERS: target } : { ...target };
}

/** A topic name no other test (or earlier run against a long-lived broker) has used. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export function testKafka(target: KafkaTarget, clientId = 'fenceline-test'): Kafka {
  return createKafka(loadKafkaConnection(targetEnv(target)), clientId, {
    logLevel: 'error',
    logger: console,
    // The first join after a fresh start can meet "coordinator not available"; retry through it.
    retry: { retries: 8, initialRetryTime: 200 },
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
  /** e.g. [{ name: 'cleanup.policy', value: 'compact' }] */
  configEntries?: Array<{ name: string; value: string }>;
}

/** Creates the topics and waits until each partition has a leader (so a produce right after works). */
export async function createTopics(brokers: KafkaTarget, topics: TopicSpec[]): Promise<void> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((t) => ({
        topic: t.topic,
        numPartitions: t.numPartitions ?? 1,
        replicationFactor: 1,
        configEntries: t.configEntries ?? [],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

export interface OutgoingMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: IHeaders;
  partition?: number;
  timestamp?: string;
}

/** Plain (non-transactional) produce with acks=all; resolves once the broker acknowledged. */
export async function produce(
  brokers: KafkaTarget,
  topic: string,
  messages: OutgoingMessage[],
): Promise<void> {
  const producer = testKafka(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Header values decoded as UTF-8 (the contract's headers are text). */
  headers: Record<string, string>;
  timestamp: string;
}

export interface ConsumeOptions {
  /** Default read_committed: what a downstream consumer of the alerts topic would see. */
  isolation?: 'read_committed' | 'read_uncommitted';
  /** Stop once this many arrived (then linger `settleMs` to catch duplicates). */
  expected?: number;
  /** Without `expected`: stop after this long with no new message once the group is joined. */
  idleMs?: number;
  settleMs?: number;
  /** Hard limit. With `expected`, reaching it first is an error naming both counts. */
  timeoutMs?: number;
}

/**
 * Reads a topic from the beginning through a fresh consumer group. With `expected`, resolves
 * once that many messages arrived plus a short settle period, so extra (duplicate) messages are
 * returned too and the caller's length assertion can fail.
 */
export async function consumeAll(
  brokers: KafkaTarget,
  topic: string,
  options: ConsumeOptions = {},
): Promise<ConsumedMessage[]> {
  const {
    isolation = 'read_committed',
    expected,
    idleMs = 3000,
    settleMs = 1000,
    timeoutMs = 60_000,
  } = options;
  const consumer = testKafka(brokers).consumer({
    groupId: `test-reader-${randomBytes(6).toString('hex')}`,
    readUncommitted: isolation === 'read_uncommitted',
    maxWaitTimeInMs: 250,
  });
  const received: ConsumedMessage[] = [];
  let joined = false;
  let lastActivity = Date.now();
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    lastActivity = Date.now();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
        }
        received.push({
          topic: t,
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers,
          timestamp: message.timestamp,
        });
        lastActivity = Date.now();
      },
    });
    const deadline = Date.now() + timeoutMs;
    let reachedAt: number | undefined;
    for (;;) {
      const now = Date.now();
      if (expected !== undefined) {
        if (received.length >= expected) {
          reachedAt ??= now;
          if (now - reachedAt >= settleMs) break;
        }
      } else if (joined && now - lastActivity >= idleMs) {
        break;
      }
      if (now >= deadline) {
        if (expected !== undefined) {
          throw new Error(`consumeAll(${topic}): expected ${expected} messages, got ${received.length}`);
        }
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return received;
  } finally {
    await consumer.disconnect();
  }
}
