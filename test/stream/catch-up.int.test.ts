/**
 * Item 1, the catch-up after an outage: 40,000 enrolled tags, every topic created at Kafka's
 * default max.message.bytes (1 MiB, set explicitly: the test broker allows more), and all pings
 * already in the topic when the worker starts. Each partition's first batches are then huge
 * (thousands of tags changed at once); before the fix their transaction was one produce batch
 * per topic-partition, far over 1 MiB, refused on every retry, and the partition looped on
 * restore forever without a word. Now: every expected alert exactly once, no lag at the end, no
 * failed commit.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Alert } from '../../src/contract/index.js';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { resolveEngineConfig } from '../../src/stream/stream-config.js';
import { consumeAll, createTopics, produce } from '../setup/kafka-test-utils.js';
import { makeFleet } from './fixtures/fleet.js';
import { diffAlerts, referenceAlerts } from './fixtures/reference.js';
import {
  metricSum,
  scrape,
  startTestWorker,
  streamPings,
  uniqueNames,
  waitForCommittedEnd,
  workerConfig,
} from './fixtures/worker-harness.js';

const brokers = inject('kafkaBrokers');
const TAGS = 40_000;
/** How long the backlog may take (shortened only to show the pre-fix worker never finishes). */
const CATCH_UP_MS = Number(process.env.CATCH_UP_MS ?? 600_000);
const PARTITIONS = 4;
const ONE_MIB = [{ name: 'max.message.bytes', value: '1048576' }];
const COMPACT_ONE_MIB = [...ONE_MIB, { name: 'cleanup.policy', value: 'compact' }];

async function produceChunked(topic: string, messages: { key: string; value: string }[]) {
  for (let i = 0; i < messages.length; i += 1000) await produce(brokers, topic, messages.slice(i, i + 1000));
}

describe('item 1: catch-up at 40,000 tags on 1 MiB topics', () => {
  const names = uniqueNames('catchup');
  const fleet = makeFleet({ seed: 20261130, tags: TAGS, pings: 4 * TAGS });
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    await createTopics(brokers, [
      { topic: names.pings, numPartitions: PARTITIONS, configEntries: ONE_MIB },
      { topic: names.alerts, numPartitions: PARTITIONS, configEntries: ONE_MIB },
      { topic: names.pingsDlq, numPartitions: PARTITIONS, configEntries: ONE_MIB },
      { topic: names.stateChangelog, numPartitions: PARTITIONS, configEntries: COMPACT_ONE_MIB },
      { topic: names.zones, configEntries: COMPACT_ONE_MIB },
      { topic: names.enrolments, configEntries: COMPACT_ONE_MIB },
    ]);
    await produceChunked(
      names.zones,
      fleet.zones.map((z) => ({ key: z.zoneId, value: JSON.stringify(z) })),
    );
    await produceChunked(
      names.enrolments,
      fleet.enrolments.map((e) => ({ key: e.tagId, value: JSON.stringify(e) })),
    );
    // The outage: every ping is in the topic before the worker starts.
    await streamPings(brokers, names.pings, fleet.pings, { chunk: 2000, pauseMs: 0 });
  }, 600_000);

  afterAll(async () => {
    await worker?.stop();
  });

  it('finishes the backlog with every alert exactly once and no failed commit', async () => {
    worker = await startTestWorker(workerConfig(brokers, names, { PINGS_PARTITIONS: String(PARTITIONS) }));
    const config = workerConfig(brokers, names, { PINGS_PARTITIONS: String(PARTITIONS) });
    await waitForCommittedEnd(brokers, names.pings, names.groupId, CATCH_UP_MS);
    const metrics = await scrape(worker.httpPort);
    expect(metricSum(metrics, 'fenceline_commit_failures_total')).toBe(0);
    expect(metricSum(metrics, 'fenceline_pings_total')).toBe(fleet.pings.length);
    expect(metricSum(metrics, 'fenceline_consumer_lag')).toBe(0);

    const expected = referenceAlerts(
      fleet.zones,
      fleet.enrolments,
      fleet.pings,
      resolveEngineConfig(config.engine),
    );
    expect(expected.length).toBeGreaterThan(20);
    // On a loaded machine the reader's own group can rejoin and be handed records again: count
    // each record (partition, offset) once. A duplicate the worker wrote has its own offset.
    const records = await consumeAll(brokers, names.alerts, {
      isolation: 'read_committed',
      expected: expected.length,
      settleMs: 3000,
      timeoutMs: 180_000,
    });
    const byOffset = new Map(records.map((r) => [`${r.partition}/${r.offset}`, r]));
    const actual = [...byOffset.values()].map((r) => JSON.parse(r.value!.toString('utf8')) as Alert);
    expect(diffAlerts(expected, actual)).toEqual({
      missing: [],
      duplicated: [],
      unexpected: [],
      differing: [],
    });
    expect(actual).toHaveLength(expected.length);
  }, 900_000);
});
