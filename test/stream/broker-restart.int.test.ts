/**
 * Given a worker consuming from its own local broker, when that broker is stopped mid-stream and
 * started again on the same port and data, 45 s later (longer than kafkajs' retries), then the
 * worker rides it out (no restart of the worker process) and the alerts equal the pure core's reference. This test controls its own broker
 * (src/local-kafka) and never touches the shared one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKafka, stopLocalKafka } from '../../src/local-kafka/index.js';
import { findFreePort } from '../../src/local-kafka/ports.js';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { makeFleet } from './fixtures/fleet.js';
import {
  capturedLogs,
  expectAlertsEqualReference,
  findLeaks,
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

describe('a broker restart mid-stream', () => {
  const names = uniqueNames('restart');
  const fleet = makeFleet({ seed: 5, tags: 150, pings: 60_000 });
  let stateDir: string;
  let port: number;
  let brokers: string;
  let worker: RunningWorker | undefined;
  const fatal: Error[] = [];

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'fenceline-restart-kafka-'));
    port = await findFreePort();
    brokers = (await startLocalKafka({ port, stateDir, readyTimeoutMs: 120_000 })).brokers;
    await publishTables(brokers, names, fleet.zones, fleet.enrolments, 3);
  });

  afterAll(async () => {
    await worker?.stop().catch(() => undefined);
    await stopLocalKafka({ port, stateDir }).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('the worker rides out the restart and alerts equal the reference', async () => {
    const half = fleet.pings.length / 2;
    await streamPings(brokers, names.pings, fleet.pings.slice(0, half), { chunk: 5000, pauseMs: 0 });
    worker = await startTestWorker(workerConfig(brokers, names, { PINGS_PARTITIONS: '3' }), (err) =>
      fatal.push(err),
    );
    const counted = (t: string) => metricSum(t, 'fenceline_pings_total');
    // Stop the broker while the worker is part-way through the first half.
    const before = await waitFor(
      'some progress',
      () => scrape(worker!.httpPort),
      (t) => counted(t) >= 2000,
      60_000,
    );
    await stopLocalKafka({ port, stateDir });
    console.log(`broker stopped after ${counted(before)} of ${half} pings were counted`);
    // Down for longer than kafkajs' own retries (~30 s): its consumer gives up ("Failed to find
    // group coordinator") and the worker must start a new one rather than stop consuming.
    // Meanwhile /readyz says the worker is not ready, and why.
    const down = await waitFor(
      'the worker to say it is not ready while the broker is down',
      async () => worker!.stream.readiness(),
      (r) => !r.ready,
      60_000,
    );
    console.log(`readiness while the broker was down: ${JSON.stringify(down.detail.reason)}`);
    await new Promise((r) => setTimeout(r, 45_000));
    await startLocalKafka({ port, stateDir, readyTimeoutMs: 120_000 });

    await streamPings(brokers, names.pings, fleet.pings.slice(half), { chunk: 5000, pauseMs: 0 });
    await waitForCommittedEnd(brokers, names.pings, names.groupId, 240_000);
    expect(fatal).toEqual([]);
    const after = await scrape(worker.httpPort);
    console.log(`commit failures ridden out: ${metricSum(after, 'fenceline_commit_failures_total')}`);
    expect(worker.stream.readiness().ready).toBe(true);

    await expectAlertsEqualReference(brokers, names, fleet);
  });

  it('never logs a zone label or a coordinate', () => {
    const coordinates = [...fleet.secrets.coordinates];
    for (const p of fleet.pings) if (p.lat !== undefined) coordinates.push(String(p.lat), String(p.lon));
    expect(findLeaks(capturedLogs, { labels: fleet.secrets.labels, coordinates })).toEqual([]);
  });
});
