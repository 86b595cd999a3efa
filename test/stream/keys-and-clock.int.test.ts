/**
 * Issue 9, items 4 (keys) and 2 (clock glitches), against a real broker.
 * Given an enrolled tag near an exclusion zone, when a ping arrives without a key, and a fix
 * arrives whose ts is two hours ahead of its append time, then both go to the DLQ with their
 * reason, and genuine fixes after them are judged normally: the breach is raised, not late,
 * because the bad fix never pushed the tag's state into the future.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Alert } from '../../src/contract/index.js';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { type ConsumedMessage, consumeAll, produce, testKafka } from '../setup/kafka-test-utils.js';
import {
  publishTables,
  readAlerts,
  startTestWorker,
  type TestTopics,
  uniqueNames,
  workerConfig,
} from './fixtures/worker-harness.js';

const brokers = inject('kafkaBrokers');
const NOW = Date.now();
const TAG = 'tag-glitch';
const fix = (ts: number, lat: number) => ({ tagId: TAG, ts, lat, lon: -0.12, accuracyM: 5 });

describe('keys and clock glitches', () => {
  let names: TestTopics;
  let worker: RunningWorker | undefined;
  let dlq: ConsumedMessage[];
  let alerts: Alert[];

  beforeAll(async () => {
    names = uniqueNames('glitch');
    await publishTables(
      brokers,
      names,
      [
        {
          zoneId: 'home',
          subjectId: 'subject-1',
          kind: 'exclusion',
          geometry: { type: 'Point', coordinates: [-0.12, 51.5] },
          radiusM: 300,
        },
      ],
      [{ tagId: TAG, subjectId: 'subject-1' }],
      3,
    );
    const t0 = NOW - 20 * 60_000;
    await produce(brokers, names.pings, [
      // Outside the zone, keyed: applied.
      { key: TAG, value: JSON.stringify(fix(t0, 51.6)) },
      // No key: would land on any partition, splitting the tag's state.
      { key: null, value: JSON.stringify(fix(t0 + 30_000, 51.6)) },
      // The tag's clock jumped two hours ahead.
      { key: TAG, value: JSON.stringify(fix(NOW + 2 * 3600_000, 51.6)) },
      // Genuine fixes inside the zone, after the glitch.
      ...[1, 2, 3, 4].map((k) => ({ key: TAG, value: JSON.stringify(fix(t0 + k * 60_000, 51.5)) })),
    ]);
    worker = await startTestWorker(workerConfig(brokers, names));
    dlq = await consumeAll(brokers, names.pingsDlq, { expected: 2, timeoutMs: 90_000, settleMs: 2000 });
    alerts = await readAlerts(brokers, names.alerts, 1);
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('keys: a ping with a null key goes to the DLQ with its reason', () => {
    const unkeyed = dlq.filter((m) => m.key === null);
    expect(unkeyed).toHaveLength(1);
    expect(unkeyed[0]!.headers.error).toMatch(/^key: missing/);
    expect(unkeyed[0]!.headers['source-topic']).toBe(names.pings);
  });

  it('clock glitches: a fix far ahead of its append time goes to the DLQ and does not push state into the future', () => {
    const glitch = dlq.filter((m) => m.key?.toString() === TAG);
    expect(glitch).toHaveLength(1);
    expect(glitch[0]!.headers.error).toMatch(/^ts: \d+ s ahead of the record's append time \(margin 600 s\)/);
    expect(JSON.parse(glitch[0]!.value!.toString()).ts).toBe(NOW + 2 * 3600_000);
    const entered = alerts.filter((a) => a.type === 'EXCLUSION_ENTERED');
    expect(entered).toHaveLength(1);
    expect(entered[0]!.late).not.toBe(true);
  });

  it('deployment safety: topics the worker created carry min.insync.replicas capped for one broker', async () => {
    const admin = testKafka(brokers).admin();
    await admin.connect();
    try {
      const res = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: names.alerts, configNames: ['min.insync.replicas'] }],
      });
      const entry = res.resources[0]?.configEntries.find((e) => e.configName === 'min.insync.replicas');
      expect(entry?.configValue).toBe('1');
      expect(entry?.isDefault).toBe(false);
    } finally {
      await admin.disconnect();
    }
  });
});
