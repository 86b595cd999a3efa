/**
 * Stream-layer measurements against a real broker (KAFKA_BROKERS, default 127.0.0.1:19092):
 *  1. changelog restore of 100,000 tags' state (one partition, read_committed, newest value per tag);
 *  2. one in-process worker draining a pre-loaded pings topic, exactly-once on vs off.
 * Seeded (test/stream/fixtures/fleet.ts), so runs are comparable. Run: npx tsx bench/stream-restore.bench.ts
 */
import { Partitioners } from 'kafkajs';
import type { Ping } from '../src/contract/index.js';
import { applyPing, EnrolmentTable, encodeTagStateCompact, newTagState } from '../src/engine/index.js';
import { compileZone, ZoneIndex } from '../src/geo/index.js';
import { createLogger, loadConfig } from '../src/ops/index.js';
import { startWorker } from '../src/ops/worker-runtime.js';
import { restoreChangelog } from '../src/stream/changelog-restore.js';
import { createKafka } from '../src/stream/kafka-client.js';
import { resolveEngineConfig } from '../src/stream/stream-config.js';
import { createTopics, testKafka } from '../test/setup/kafka-test-utils.js';
import { makeFleet } from '../test/stream/fixtures/fleet.js';
import {
  publishTables,
  streamPings,
  uniqueNames,
  waitForCommittedEnd,
  workerEnv,
} from '../test/stream/fixtures/worker-harness.js';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const quiet = createLogger({ level: 'warn', name: 'bench' });

async function benchRestore(tags: number): Promise<void> {
  const fleet = makeFleet({ seed: 1, tags: 50, pings: 2000 });
  const world = {
    zones: ZoneIndex.build(fleet.zones.map(compileZone)),
    enrolments: new EnrolmentTable(),
  };
  for (const e of fleet.enrolments) world.enrolments.upsert(e);
  // A realistic state: a tag after ~40 pings, with zone tracks and recent fixes.
  const sample = newTagState('tag-0');
  for (const p of fleet.pings.filter((x: Ping) => x.tagId === 'tag-0'))
    applyPing(world, resolveEngineConfig(loadConfig({}).engine), sample, p, p.ts, 0, []);
  const template = encodeTagStateCompact(sample); // what the worker writes (format 2)
  const topic = uniqueNames('bench-restore').stateChangelog;
  await createTopics(brokers, [
    { topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
  ]);
  const producer = testKafka(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < tags; i += 5000) {
    const messages = [];
    for (let j = i; j < Math.min(tags, i + 5000); j++) {
      const value = template.replace('"tag-0"', `"tag-${j}"`);
      messages.push({ key: `tag-${j}`, value, partition: 0 });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'bench' }, quiet);
  for (let run = 0; run < 3; run++) {
    const r = await restoreChangelog({ kafka, topic, partitions: [0], groupPrefix: 'bench', logger: quiet });
    console.log(
      `restore: ${r.tags} tags (${r.records} records, ${template.length} B/state) in ${r.durationS.toFixed(2)} s`,
    );
  }
}

async function benchThroughput(pings: number): Promise<void> {
  const fleet = makeFleet({ seed: 3, tags: 1000, pings });
  const base = uniqueNames('bench-tp');
  await publishTables(brokers, base, fleet.zones, fleet.enrolments, 4);
  await streamPings(brokers, base.pings, fleet.pings, { chunk: 5000, pauseMs: 0 });
  for (const exactlyOnce of ['true', 'false']) {
    const names = {
      ...uniqueNames(`bench-tp-${exactlyOnce}`),
      pings: base.pings,
      zones: base.zones,
      enrolments: base.enrolments,
    };
    const config = loadConfig(
      workerEnv(brokers, names, { EXACTLY_ONCE: exactlyOnce, PINGS_PARTITIONS: '4', LOG_LEVEL: 'warn' }),
    );
    const worker = await startWorker(config, { logger: quiet });
    await worker.started;
    const t0 = performance.now();
    await waitForCommittedEnd(brokers, names.pings, names.groupId, 600_000);
    const s = (performance.now() - t0) / 1000;
    console.log(
      `throughput EXACTLY_ONCE=${exactlyOnce}: ${pings} pings in ${s.toFixed(1)} s = ${Math.round(pings / s)} pings/s`,
    );
    await worker.stop();
  }
}

await benchRestore(100_000);
await benchThroughput(Number(process.env.BENCH_PINGS ?? 200_000));
