/**
 * PIPELINE_COMMITS=true (commit-pipeline.ts): batches are applied while the previous commit is in
 * flight, and a failed or interrupted commit drops what was applied behind it. Given 150,000
 * pings streaming in, when the worker process (the real CLI) is SIGKILLed at four random moments
 * (so transactions die in flight with applied batches behind them) and restarted each time, then
 * the alerts topic read with read_committed holds exactly the pure core's reference: no alertId
 * missing, none twice. A graceful stop still exits 0.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeFleet, mulberry32 } from './fixtures/fleet.js';
import {
  expectAlertsEqualReference,
  publishTables,
  streamPings,
  uniqueNames,
  waitForCommittedEnd,
  workerEnv,
} from './fixtures/worker-harness.js';
import { buildOnce, killAndRestart, type WorkerProcess } from './fixtures/worker-process.js';

const brokers = inject('kafkaBrokers');
const KILLS = 4;

describe('pipelined commits, exactly-once across SIGKILL crashes', () => {
  const names = uniqueNames('pipelined');
  const fleet = makeFleet({ seed: 20261130, tags: 300, pings: 150_000 });
  const logs: string[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await buildOnce();
    await publishTables(brokers, names, fleet.zones, fleet.enrolments, 4);
  });

  afterAll(() => {
    for (const w of workers) w.kill('SIGKILL');
  });

  it('alerts equal the reference after four crashes and restarts', async () => {
    const env = workerEnv(brokers, names, { PINGS_PARTITIONS: '4', PIPELINE_COMMITS: 'true' });
    const rnd = mulberry32(11);
    const streaming = streamPings(brokers, names.pings, fleet.pings, { chunk: 2000, pauseMs: 100 });
    const worker = await killAndRestart(env, KILLS, rnd, logs, workers);
    await streaming;
    await worker.ready();
    await waitForCommittedEnd(brokers, names.pings, names.groupId);

    // The setting reached the worker (else this would only repeat crash.int.test.ts).
    const starts = logs.filter((l) => l.includes('pings consumer starting'));
    expect(starts.length).toBeGreaterThanOrEqual(KILLS + 1);
    for (const l of starts) expect(l).toMatch(/"pipelineCommits":true/);

    expect(await expectAlertsEqualReference(brokers, names, fleet)).toBeGreaterThan(3000);

    worker.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
