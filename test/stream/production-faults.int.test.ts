/**
 * Items 6 and 7 against a real broker:
 *  - item 7: a backlog is not a silence (no NO_SIGNAL while a partition catches up); the worker
 *    creates the pings and enrolments topics with LogAppendTime; an enrolled tag that never
 *    sends a fix raises NO_SIGNAL counted from its enrolment, closed by its first fix;
 *  - item 6: a tag's state is tombstoned in the changelog a configurable time after its
 *    enrolment ends.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Alert } from '../../src/contract/index.js';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { consumeAll, produce, testKafka } from '../setup/kafka-test-utils.js';
import { makeFleet } from './fixtures/fleet.js';
import {
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
const workers: RunningWorker[] = [];

afterAll(async () => {
  for (const w of workers) await w.stop();
});

async function alertsOn(topic: string): Promise<Alert[]> {
  const records = await consumeAll(brokers, topic, {
    isolation: 'read_committed',
    idleMs: 3000,
    timeoutMs: 60_000,
  });
  const unique = new Map(records.map((r) => [`${r.partition}/${r.offset}`, r]));
  return [...unique.values()].map((r) => JSON.parse(r.value!.toString('utf8')) as Alert);
}

describe('item 7: NO_SIGNAL only when it is true', () => {
  it('a backlog is not a silence: no NO_SIGNAL (and so no SIGNAL_RESTORED) while catching up', async () => {
    const names = uniqueNames('backlog');
    const fleet = makeFleet({ seed: 7, tags: 200, pings: 60_000 });
    await publishTables(brokers, names, fleet.zones, fleet.enrolments, 2);
    await streamPings(brokers, names.pings, fleet.pings, { chunk: 5000, pauseMs: 0 });
    const worker = await startTestWorker(
      workerConfig(brokers, names, {
        PINGS_PARTITIONS: '2',
        NO_SIGNAL_AFTER_S: '1',
        NO_SIGNAL_SWEEP_INTERVAL_S: '0.2',
        NO_SIGNAL_MAX_LAG: '100',
      }),
    );
    workers.push(worker);
    await waitForCommittedEnd(brokers, names.pings, names.groupId, 300_000);
    // Caught up and silent for real now: the sweeps raise NO_SIGNAL for the tags.
    await waitFor(
      'NO_SIGNAL after the catch-up',
      () => scrape(worker.httpPort),
      (t) =>
        metricSum(t, 'fenceline_alerts_total', (l) => l.includes('"NO_SIGNAL"')) >= fleet.enrolments.length,
      60_000,
    );
    const alerts = await alertsOn(names.alerts);
    // A NO_SIGNAL raised mid-backlog would be followed by SIGNAL_RESTORED at the tag's next fix.
    expect(alerts.filter((a) => a.type === 'SIGNAL_RESTORED').map((a) => a.alertId)).toEqual([]);
    const silences = alerts.filter((a) => a.type === 'NO_SIGNAL');
    expect(new Set(silences.map((a) => a.tagId)).size).toBe(silences.length); // one per tag
    expect(silences).toHaveLength(fleet.enrolments.length);
  });

  describe('on topics the worker creates', () => {
    const names = uniqueNames('unheard');
    let worker: RunningWorker;
    const now = Date.now();

    it('creates the pings and enrolments topics with LogAppendTime', async () => {
      worker = await startTestWorker(
        workerConfig(brokers, names, {
          PINGS_PARTITIONS: '2',
          NO_SIGNAL_AFTER_S: '2',
          NO_SIGNAL_SWEEP_INTERVAL_S: '0.3',
          STATE_RETENTION_S: '1',
        }),
      );
      workers.push(worker);
      const admin = testKafka(brokers).admin();
      await admin.connect();
      try {
        for (const topic of [names.pings, names.enrolments]) {
          const cfg = await admin.describeConfigs({
            includeSynonyms: false,
            resources: [{ type: 2, name: topic, configNames: ['message.timestamp.type'] }],
          });
          expect(cfg.resources[0]?.configEntries[0]?.configValue).toBe('LogAppendTime');
        }
      } finally {
        await admin.disconnect();
      }
    });

    it('an enrolled tag that never sends a fix raises NO_SIGNAL counted from its enrolment', async () => {
      await produce(brokers, names.enrolments, [
        { key: 'tag-never', value: JSON.stringify({ tagId: 'tag-never', subjectId: 'subj-never' }) },
      ]);
      const [record] = await consumeAll(brokers, names.enrolments, { expected: 1 });
      const enrolledAt = Number(record!.timestamp);
      await waitFor(
        'NO_SIGNAL for tag-never',
        () => scrape(worker.httpPort),
        (t) => metricSum(t, 'fenceline_alerts_total', (l) => l.includes('"NO_SIGNAL"')) >= 1,
        30_000,
      );
      const fixTs = Date.now();
      await produce(brokers, names.pings, [
        { key: 'tag-never', value: JSON.stringify({ tagId: 'tag-never', ts: fixTs, lat: 51.5, lon: -0.1 }) },
      ]);
      await waitFor(
        'SIGNAL_RESTORED for tag-never',
        () => scrape(worker.httpPort),
        (t) => metricSum(t, 'fenceline_alerts_total', (l) => l.includes('"SIGNAL_RESTORED"')) >= 1,
        30_000,
      );
      const alerts = (await alertsOn(names.alerts)).filter((a) => a.tagId === 'tag-never');
      expect(alerts.slice(0, 2).map((a) => [a.type, a.subjectId, a.ts])).toEqual([
        ['NO_SIGNAL', 'subj-never', enrolledAt],
        ['SIGNAL_RESTORED', 'subj-never', fixTs],
      ]);
      expect(alerts[0]!.breachId).toBe(alerts[1]!.breachId);
    });

    it('item 6: a state is tombstoned in the changelog after its enrolment ends (+ retention)', async () => {
      const validTo = Date.now() + 3000;
      await produce(brokers, names.enrolments, [
        { key: 'tag-ends', value: JSON.stringify({ tagId: 'tag-ends', subjectId: 'subj-ends', validTo }) },
      ]);
      await new Promise((r) => setTimeout(r, 1000));
      await produce(brokers, names.pings, [
        {
          key: 'tag-ends',
          value: JSON.stringify({ tagId: 'tag-ends', ts: Date.now(), lat: 51.5, lon: -0.1 }),
        },
      ]);
      const values = await waitFor(
        'tag-ends tombstoned',
        async () => {
          const records = await consumeAll(brokers, names.stateChangelog, {
            idleMs: 1500,
            timeoutMs: 20_000,
          });
          return records.filter((r) => r.key?.toString() === 'tag-ends').map((r) => r.value === null);
        },
        (v) => v.at(-1) === true,
        60_000,
      );
      expect(values[0]).toBe(false); // its state was written...
      expect(values.at(-1)).toBe(true); // ...then tombstoned
      expect(Date.now()).toBeGreaterThanOrEqual(validTo + 1000);
      expect(now).toBeLessThan(validTo);
    });
  });
});
