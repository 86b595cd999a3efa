/**
 * What the rest of Fenceline relies on from whichever broker the global setup provided: large
 * records (the 2 MB malformed-ping DLQ test), transactions with read_committed isolation
 * (exactly-once alerts), and compacted topics (zone and enrolment tables).
 */
import { Partitioners } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { consumeAll, createTopics, produce, testKafka, uniqueTopic } from '../setup/kafka-test-utils.js';

const brokers = inject('kafkaBrokers');

describe('provided broker', () => {
  it('round-trips a 2 MB record', async () => {
    const topic = uniqueTopic('it-large');
    await createTopics(brokers, [{ topic }]);
    const big = Buffer.alloc(2 * 1024 * 1024, 0x7b);
    await produce(brokers, topic, [{ key: 'tag-1', value: big }]);
    const [got, ...rest] = await consumeAll(brokers, topic, { expected: 1 });
    expect(rest).toHaveLength(0);
    expect(got?.value?.equals(big)).toBe(true);
  });

  it('hides aborted transactions from read_committed readers and shows committed ones', async () => {
    const topic = uniqueTopic('it-txn');
    await createTopics(brokers, [{ topic, numPartitions: 2 }]);
    const producer = testKafka(brokers).producer({
      transactionalId: `${topic}-tx`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ key: 'a', value: 'aborted' }] });
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ key: 'b', value: 'committed' }] });
      await committed.commit();
    } finally {
      await producer.disconnect();
    }
    const seen = await consumeAll(brokers, topic, { expected: 1 });
    expect(seen.map((m) => m.value?.toString())).toEqual(['committed']);
    const raw = await consumeAll(brokers, topic, { isolation: 'read_uncommitted', expected: 2 });
    expect(raw.map((m) => m.value?.toString()).sort()).toEqual(['aborted', 'committed']);
  });

  it('creates compacted topics and reads back keys, tombstones and headers', async () => {
    const topic = uniqueTopic('it-compact');
    await createTopics(brokers, [{ topic, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }]);
    await produce(brokers, topic, [
      { key: 'zone-1', value: '{"v":1}', headers: { 'source-topic': 'x' } },
      { key: 'zone-1', value: null },
    ]);
    const seen = await consumeAll(brokers, topic, { expected: 2 });
    expect(seen[0]?.headers['source-topic']).toBe('x');
    expect(seen[1]?.key?.toString()).toBe('zone-1');
    expect(seen[1]?.value).toBeNull();
    const admin = testKafka(brokers).admin();
    await admin.connect();
    try {
      const cfg = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }],
      });
      expect(cfg.resources[0]?.configEntries[0]?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });
});
