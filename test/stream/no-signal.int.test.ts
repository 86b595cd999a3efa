/**
 * Given an enrolled tag that stops reporting, when the wall-clock sweep runs, then one NO_SIGNAL
 * alert is committed (however many sweeps follow), and the next fix raises SIGNAL_RESTORED. The
 * sweep goes through the same per-partition transactional path as batches.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { produce } from '../setup/kafka-test-utils.js';
import {
  metricSum,
  publishTables,
  readAlerts,
  scrape,
  startTestWorker,
  uniqueNames,
  waitFor,
  workerConfig,
} from './fixtures/worker-harness.js';

const brokers = inject('kafkaBrokers');

const fix = (t: number) => ({ tagId: 'tag-quiet', ts: t, lat: 51.5, lon: -0.1, accuracyM: 10 });

describe('NO_SIGNAL sweep', () => {
  const names = uniqueNames('nosignal');
  let worker: RunningWorker;
  const ts = Date.now();

  beforeAll(async () => {
    await publishTables(brokers, names, [], [{ tagId: 'tag-quiet', subjectId: 'subj-q' }], 2);
    // The tag reports before the worker starts: an enrolled tag never heard from would raise its
    // own NO_SIGNAL, counted from its enrolment (production-faults.int.test.ts covers that).
    await produce(brokers, names.pings, [{ key: 'tag-quiet', value: JSON.stringify(fix(ts)) }]);
    worker = await startTestWorker(
      workerConfig(brokers, names, {
        PINGS_PARTITIONS: '2',
        NO_SIGNAL_AFTER_S: '1',
        NO_SIGNAL_SWEEP_INTERVAL_S: '0.3',
      }),
    );
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('raises one NO_SIGNAL for a silence and SIGNAL_RESTORED at the next fix', async () => {
    const alertsOf = (type: string) => (t: string) =>
      metricSum(t, 'fenceline_alerts_total', (l) => l.includes(`"${type}"`));
    await waitFor(
      'NO_SIGNAL',
      () => scrape(worker.httpPort),
      (t) => alertsOf('NO_SIGNAL')(t) >= 1,
      30_000,
    );
    // Several more sweeps pass; the silence must still be one alert.
    await new Promise((r) => setTimeout(r, 1500));
    await produce(brokers, names.pings, [{ key: 'tag-quiet', value: JSON.stringify(fix(ts + 60_000)) }]);
    await waitFor(
      'SIGNAL_RESTORED',
      () => scrape(worker.httpPort),
      (t) => alertsOf('SIGNAL_RESTORED')(t) >= 1,
      30_000,
    );

    const alerts = await readAlerts(brokers, names.alerts, 0);
    const seen = alerts.map((a) => [a.type, a.ts]);
    expect(seen.slice(0, 2)).toEqual([
      ['NO_SIGNAL', ts],
      ['SIGNAL_RESTORED', ts + 60_000],
    ]);
    // The tag is silent again after its second fix: that new silence may have been raised too,
    // once, with the ts of that fix. Nothing else.
    expect(seen.slice(2)).toEqual(seen.length > 2 ? [['NO_SIGNAL', ts + 60_000]] : []);
  });
});
