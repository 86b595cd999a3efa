/**
 * The simulator publishes to a real broker: tables first, pings keyed by tagId with each tag's
 * pings in ts order within its partition, and exactly what the generator produced.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { decodePing, decodeZoneRecord } from '../../src/contract/index.js';
import { simulateFleet } from '../../src/sim/fleet.js';
import { KafkaSink } from '../../src/sim/kafka-sink.js';
import { runSimulation } from '../../src/sim/run-simulation.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/sim/sim-options.js';
import { testKafka } from '../setup/kafka-test-utils.js';

const brokers = inject('kafkaBrokers');
const prefix = `simtest-${Date.now().toString(36)}`;
const topics = {
  pings: `${prefix}.pings`,
  zones: `${prefix}.zones`,
  enrolments: `${prefix}.enrolments`,
  alerts: `${prefix}.alerts`,
  pingsDlq: `${prefix}.dlq`,
};
const kafka = testKafka(brokers, 'sim-int-test');

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin
    .deleteTopics({ topics: [topics.pings, topics.zones, topics.enrolments] })
    .catch(() => undefined);
  await admin.disconnect();
});

async function readAll(topic: string, expected: number) {
  const consumer = kafka.consumer({ groupId: `${prefix}-${topic}`, maxWaitTimeInMs: 100 });
  const out: Array<{ partition: number; key: string; value: string }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        out.push({ partition, key: message.key!.toString(), value: message.value!.toString() });
        if (out.length >= expected) resolve();
      },
    });
  });
  await consumer.disconnect();
  return out;
}

describe('KafkaSink against a real broker', () => {
  it('given a small fleet, when published, then the topics hold exactly the generated records, keyed per contract', async () => {
    const opts = { ...DEFAULT_SIM_OPTIONS, subjects: 30, durationH: 1, seed: 5 };
    const expected = { zones: 0, enrolments: 0, pings: 0 };
    for (const ev of simulateFleet(opts)) {
      if (ev.kind === 'zone') expected.zones++;
      if (ev.kind === 'enrolment') expected.enrolments++;
      if (ev.kind === 'pings') expected.pings += ev.pings.length;
    }
    const sink = await KafkaSink.connect({ kafka, topics, pingsPartitions: 3 });
    const summary = await runSimulation(opts, sink);
    await sink.close();
    expect(summary).toMatchObject(expected);

    const zones = await readAll(topics.zones, expected.zones);
    for (const z of zones) expect(decodeZoneRecord(z.key, z.value)).toMatchObject({ ok: true });
    const pings = await readAll(topics.pings, expected.pings);
    expect(pings).toHaveLength(expected.pings);
    const partitionOf = new Map<string, number>();
    const lastTs = new Map<string, number>();
    for (const p of pings) {
      const d = decodePing(p.key, p.value);
      if (!d.ok) throw new Error(d.error);
      // One tag, one partition, ts increasing within it.
      expect(partitionOf.get(p.key) ?? p.partition).toBe(p.partition);
      partitionOf.set(p.key, p.partition);
      expect(d.value.ts).toBeGreaterThan(lastTs.get(p.key) ?? 0);
      lastTs.set(p.key, d.value.ts);
    }
    expect(new Set(partitionOf.values()).size).toBe(3);
  });
});
