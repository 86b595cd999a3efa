/**
 * read_committed must never show a record of an aborted transaction, whatever order the
 * transactions were opened and aborted in.
 *
 * kafkajs 2.2.4 filters aborted records itself and gets it wrong when aborted transactions of
 * different producers overlap and were aborted in another order than they began (exactly what a
 * crashed worker leaves behind: one open transaction per partition, all aborted by the next
 * owner's fencing). It then delivers the aborted records as if committed: a consumer of alerts
 * sees an alert twice, once from the aborted transaction and once from the replay.
 * src/kafka/read-committed.ts corrects it for every client created through createKafka.
 */
import { randomBytes } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consumeAll, createTopics, testKafka } from '../setup/kafka-test-utils.js';

const brokers = inject('kafkaBrokers');

function transactional(kafka: Kafka, id: string): Producer {
  return kafka.producer({ transactionalId: id, idempotent: true, maxInFlightRequests: 1 });
}

describe('read_committed with overlapping aborted transactions', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `aborted-${run}`;
  const kafka = testKafka(brokers, 'aborted-transactions-test');
  const producers: Producer[] = [];

  beforeAll(async () => {
    await createTopics(brokers, [{ topic, numPartitions: 1 }]);
    for (const id of ['a', 'b', 'c', 'd']) {
      const p = transactional(kafka, `${topic}-${id}`);
      await p.connect();
      producers.push(p);
    }
  });

  afterAll(async () => {
    await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
  });

  it('shows only the committed records when A began first but B was aborted first', async () => {
    const [a, b, c, d] = producers as [Producer, Producer, Producer, Producer];
    const send = (t: Awaited<ReturnType<Producer['transaction']>>, value: string) =>
      t.send({ topic, messages: [{ key: 'k', value, partition: 0 }] });

    const t0 = await c.transaction();
    await send(t0, 'committed-1');
    await t0.commit();
    const ta = await a.transaction();
    await send(ta, 'aborted-a1');
    const tb = await b.transaction();
    await send(tb, 'aborted-b1');
    const td = await d.transaction();
    await send(td, 'aborted-d1');
    await send(ta, 'aborted-a2');
    // Aborted in the reverse order of their beginning: the broker lists them by abort.
    await td.abort();
    await tb.abort();
    await ta.abort();
    const tc = await c.transaction();
    await send(tc, 'committed-2');
    await tc.commit();

    const values = (await consumeAll(brokers, topic, { isolation: 'read_committed', idleMs: 3000 })).map(
      (r) => r.value?.toString('utf8'),
    );
    expect(values).toEqual(['committed-1', 'committed-2']);
  });
});
