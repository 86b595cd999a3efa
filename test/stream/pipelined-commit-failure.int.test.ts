/**
 * PIPELINE_COMMITS=true, the path a crash does not take: commits fail while the worker keeps
 * running and keeps applying batches behind them. The alerts topic first refuses any record batch
 * over 100 bytes, so every transaction carrying an alert is refused; the pipeline must drop what
 * was applied behind each failure, recover from the changelog and read it again, also when no
 * new ping arrives to bring the partition back to the worker. Once the topic
 * accepts alerts again, the alerts topic (read_committed) must equal the pure core's reference:
 * nothing lost, nothing twice.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { createTopics, testKafka } from '../setup/kafka-test-utils.js';
import { makeFleet } from './fixtures/fleet.js';
import {
  expectAlertsEqualReference,
  metricSum,
  publishTables,
  scrape,
  startTestWorker,
  streamPings,
  uniqueNames,
  waitFor,
  waitForCommittedEnd,
  workerConfig,
} from './fixtures/worker-harness.js';

const brokers = inject('kafkaBrokers');

describe('pipelined commits that fail while batches keep coming', () => {
  const names = uniqueNames('pipefail');
  const fleet = makeFleet({ seed: 4242, tags: 120, pings: 40_000 });
  let worker: RunningWorker;

  beforeAll(async () => {
    await createTopics(brokers, [
      { topic: names.alerts, numPartitions: 4, configEntries: [{ name: 'max.message.bytes', value: '100' }] },
    ]);
    await publishTables(brokers, names, fleet.zones, fleet.enrolments, 4);
    worker = await startTestWorker(
      workerConfig(brokers, names, { PINGS_PARTITIONS: '4', PIPELINE_COMMITS: 'true' }),
    );
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('loses nothing and doubles nothing once the alerts topic accepts alerts again', async () => {
    const half = fleet.pings.length / 2;
    await streamPings(brokers, names.pings, fleet.pings.slice(0, half), { chunk: 1000, pauseMs: 50 });
    const failures = async () => metricSum(await scrape(worker.httpPort), 'fenceline_commit_failures_total');
    await waitFor('commits to fail', failures, (n) => n >= 4, 120_000);
    // More batches arrive while commits keep failing: applied, then dropped, then read again.
    await streamPings(brokers, names.pings, fleet.pings.slice(half), { chunk: 1000, pauseMs: 20 });
    // No ping arrives from here on, and commits keep failing: the worker must go back for the
    // batches it dropped by itself (it did not, once: kafkajs had moved past them).
    const afterLast = await failures();
    await waitFor('commits to fail after the last ping', failures, (n) => n >= afterLast + 3, 120_000);

    const admin = testKafka(brokers).admin();
    await admin.connect();
    try {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: 2 /* TOPIC */,
            name: names.alerts,
            configEntries: [{ name: 'max.message.bytes', value: '1048588' }],
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    await waitForCommittedEnd(brokers, names.pings, names.groupId, 120_000);
    expect(await expectAlertsEqualReference(brokers, names, fleet)).toBeGreaterThan(300);
  });
});
