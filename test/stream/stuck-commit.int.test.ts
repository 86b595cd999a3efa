/**
 * Item 1 (and item 11's error text): a commit that fails the same way twice in a row is an
 * error an operator sees, never a silent loop. The alerts topic here refuses any record batch
 * over 100 bytes, so every transaction carrying an alert is refused the same way: /readyz must
 * turn not ready naming the partition and the error, fenceline_commit_failure_streak must reach
 * 2, and the log must carry an error line with the broker's words.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { createTopics, produce } from '../setup/kafka-test-utils.js';
import {
  capturedLogs,
  metricSum,
  publishTables,
  scrape,
  startTestWorker,
  uniqueNames,
  waitFor,
  workerConfig,
} from './fixtures/worker-harness.js';

const brokers = inject('kafkaBrokers');

describe('item 1: a commit that keeps failing the same way is visible', () => {
  const names = uniqueNames('stuck');
  let worker: RunningWorker;

  beforeAll(async () => {
    await createTopics(brokers, [
      { topic: names.alerts, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '100' }] },
    ]);
    await publishTables(brokers, names, [], [{ tagId: 'tag-s', subjectId: 'subj-s' }], 1);
    await produce(brokers, names.pings, [
      { key: 'tag-s', value: JSON.stringify({ tagId: 'tag-s', ts: Date.now(), strap: 'tampered' }) },
    ]);
    worker = await startTestWorker(workerConfig(brokers, names, { PINGS_PARTITIONS: '1' }));
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('turns /readyz not ready, sets the streak metric and logs an error with the cause', async () => {
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${worker.httpPort}/readyz`);
      return {
        status: res.status,
        body: (await res.json()) as { detail: { commitFailing?: Record<string, string> } },
      };
    };
    const r = await waitFor('readyz to report the stuck partition', readyz, (x) => x.status === 503, 120_000);
    expect(Object.keys(r.body.detail.commitFailing ?? {})).toEqual(['0']);
    expect(r.body.detail.commitFailing?.['0']).toMatch(/larger than the max message size/i);

    const metrics = await scrape(worker.httpPort);
    expect(
      metricSum(metrics, 'fenceline_commit_failure_streak', (l) => l.includes('partition="0"')),
    ).toBeGreaterThanOrEqual(2);

    const errors = capturedLogs.filter((l) => l.includes('commit keeps failing the same way'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/"level":"?(50|error)"?/i);
    expect(errors[0]).toMatch(/larger than the max message size/i);
    expect(capturedLogs.some((l) => l.includes('non-Error thrown'))).toBe(false);
  });
});
