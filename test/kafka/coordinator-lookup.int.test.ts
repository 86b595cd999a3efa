/**
 * kafkajs asks the cluster for the coordinator before every transactional request (four
 * FindCoordinator round trips per commit). src/kafka/coordinator-lookup.ts remembers the answer
 * for every client created through createKafka; this shows it on a real broker, and that the
 * transactions still commit their records and their consumer offsets.
 */
import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consumeAll, createTopics, testKafka } from '../setup/kafka-test-utils.js';

const brokers = inject('kafkaBrokers');

describe('coordinator lookups of a transactional producer', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `coordinators-${run}`;
  const group = `coordinators-${run}-group`;
  const kafka = testKafka(brokers, 'coordinator-lookup-test');
  let producer: Producer;
  const requests: Record<string, number> = {};

  beforeAll(async () => {
    await createTopics(brokers, [{ topic, numPartitions: 1 }]);
    producer = kafka.producer({ transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 });
    producer.on(producer.events.REQUEST, (e) => {
      requests[e.payload.apiName] = (requests[e.payload.apiName] ?? 0) + 1;
    });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
  });

  async function commitOne(i: number): Promise<void> {
    const t = await producer.transaction();
    await t.send({ topic, messages: [{ key: 'k', value: `v${i}` }] });
    await t.sendOffsets({
      consumerGroupId: group,
      topics: [{ topic, partitions: [{ partition: 0, offset: String(i + 1) }] }],
    });
    await t.commit();
  }

  it('stops asking once it knows both coordinators, and 30 back-to-back commits all land', async () => {
    for (let i = 0; i < 10; i++) await commitOne(i);
    const warm = requests.GroupCoordinator ?? 0;
    // A fresh broker may answer "not available" to the first lookups; a few, not 4 per commit.
    expect(warm).toBeLessThanOrEqual(10);
    for (let i = 10; i < 30; i++) await commitOne(i);
    expect(requests.GroupCoordinator ?? 0).toBe(warm); // without the cache: 80 more
    expect(requests.EndTxn).toBe(30);
    const records = await consumeAll(brokers, topic, { expected: 30 });
    expect(records.map((r) => r.value?.toString())).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(offsets?.partitions[0]?.offset).toBe('30');
    } finally {
      await admin.disconnect();
    }
  });

  it('asks the cluster again once the remembered coordinators are forgotten', async () => {
    // Imported only here, so the first test shows createKafka installs the cache by itself.
    const { forgetCoordinators } = await import('../../src/kafka/coordinator-lookup.js');
    const before = requests.GroupCoordinator ?? 0;
    forgetCoordinators();
    await commitOne(30);
    await commitOne(31);
    const after = requests.GroupCoordinator ?? 0;
    expect(after - before).toBeGreaterThanOrEqual(2); // both coordinators looked up anew...
    expect(after - before).toBeLessThanOrEqual(3); // ...and remembered again for the second commit
  });
});
