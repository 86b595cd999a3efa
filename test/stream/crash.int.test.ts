/**
 * Given 200,000 pings from a seeded fleet streaming in, when the worker process (the real CLI) is
 * SIGKILLed at five random moments and restarted each time, then the alerts topic read with
 * read_committed holds exactly what the pure core produces for the same input: no alertId
 * missing, none twice, same content. And no log line carries a zone label or a coordinate.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeFleet, mulberry32 } from './fixtures/fleet.js';
import {
  expectAlertsEqualReference,
  findLeaks,
  publishTables,
  streamPings,
  uniqueNames,
  waitForCommittedEnd,
  workerEnv,
} from './fixtures/worker-harness.js';
import { buildOnce, killAndRestart, type WorkerProcess } from './fixtures/worker-process.js';

const brokers = inject('kafkaBrokers');
const KILLS = 5;

describe('exactly-once across SIGKILL crashes', () => {
  const names = uniqueNames('crash');
  const fleet = makeFleet({ seed: 20260302, tags: 300, pings: 200_000 });
  const logs: string[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await buildOnce();
    await publishTables(brokers, names, fleet.zones, fleet.enrolments, 4);
  });

  afterAll(() => {
    for (const w of workers) w.kill('SIGKILL');
  });

  it('alerts equal the reference after five crashes and restarts', async () => {
    const env = workerEnv(brokers, names, { PINGS_PARTITIONS: '4' });
    const rnd = mulberry32(7);
    let sent = 0;
    const streaming = streamPings(brokers, names.pings, fleet.pings, {
      chunk: 2000,
      pauseMs: 150,
      onChunk: (n) => {
        sent = n;
      },
    });
    const worker = await killAndRestart(env, KILLS, rnd, logs, workers);
    await streaming;
    expect(sent).toBe(fleet.pings.length);
    await worker.ready();
    await waitForCommittedEnd(brokers, names.pings, names.groupId);

    expect(await expectAlertsEqualReference(brokers, names, fleet)).toBeGreaterThan(5000);

    // A graceful stop after all that still exits 0.
    worker.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('never logs a zone label or a coordinate', () => {
    expect(logs.length).toBeGreaterThan(10);
    const coordinates = [...fleet.secrets.coordinates];
    for (const p of fleet.pings) if (p.lat !== undefined) coordinates.push(String(p.lat), String(p.lon));
    expect(findLeaks(logs, { labels: fleet.secrets.labels, coordinates })).toEqual([]);
  });
});
