/**
 * Given two worker processes in one group sharing the pings partitions, when one is SIGKILLed
 * mid-stream, then the survivor takes over its partitions, restores their state from the
 * changelog, and the alerts topic (read_committed) still equals the pure core's reference.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { makeFleet } from './fixtures/fleet.js';
import {
  expectAlertsEqualReference,
  findLeaks,
  metricSum,
  publishTables,
  scrape,
  streamPings,
  uniqueNames,
  waitFor,
  waitForCommittedEnd,
  workerEnv,
} from './fixtures/worker-harness.js';
import { buildOnce, WorkerProcess } from './fixtures/worker-process.js';

const brokers = inject('kafkaBrokers');

/** The partitions a worker process logged as assigned, most recent assignment last. */
function assignments(w: WorkerProcess): number[][] {
  return w.lines
    .filter((l) => l.includes('pings partitions assigned'))
    .map((l) => (JSON.parse(l) as { partitions: number[] }).partitions);
}

describe('exactly-once across a rebalance', () => {
  const names = uniqueNames('rebalance');
  const fleet = makeFleet({ seed: 99, tags: 200, pings: 100_000 });
  const logs: string[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await buildOnce();
    await publishTables(brokers, names, fleet.zones, fleet.enrolments, 4);
  });

  afterAll(() => {
    for (const w of workers) w.kill('SIGKILL');
  });

  it('the survivor restores the dead worker’s partitions and alerts equal the reference', async () => {
    const env = workerEnv(brokers, names, { PINGS_PARTITIONS: '4' });
    const a = new WorkerProcess({ ...env, FENCELINE_INSTANCE_ID: 'worker-a' }, 'worker-a', logs);
    const b = new WorkerProcess({ ...env, FENCELINE_INSTANCE_ID: 'worker-b' }, 'worker-b', logs);
    workers.push(a, b);
    await Promise.all([a.ready(), b.ready()]);
    const streaming = streamPings(brokers, names.pings, fleet.pings, { chunk: 2000, pauseMs: 200 });
    // Wait until both own partitions and have worked on them for a while, then kill one.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const la = assignments(a).at(-1) ?? [];
      const lb = assignments(b).at(-1) ?? [];
      if (la.length > 0 && lb.length > 0 && la.length + lb.length === 4) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const bOwned = assignments(b).at(-1) ?? [];
    expect(bOwned.length).toBeGreaterThan(0);
    // Kill b only once it has committed work of its own (on a loaded machine 3 s may not be enough).
    await waitFor(
      'worker-b to commit pings',
      () => scrape(b.port!),
      (t) => metricSum(t, 'fenceline_pings_total') >= 2000,
      120_000,
    );
    b.kill('SIGKILL');
    await b.exited;

    await streaming;
    await waitForCommittedEnd(brokers, names.pings, names.groupId);
    expect(assignments(a).at(-1)).toEqual([0, 1, 2, 3]);
    // The survivor restored state for the partitions it inherited (tags > 0: b had processed some).
    const restores = a.lines
      .filter((l) => l.includes('state restored'))
      .map((l) => JSON.parse(l) as { partitions: number[]; tags: number });
    expect(restores.some((r) => bOwned.every((p) => r.partitions.includes(p)) && r.tags > 0)).toBe(true);

    await expectAlertsEqualReference(brokers, names, fleet);

    a.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  });

  it('never logs a zone label or a coordinate', () => {
    const coordinates = [...fleet.secrets.coordinates];
    for (const p of fleet.pings) if (p.lat !== undefined) coordinates.push(String(p.lat), String(p.lon));
    expect(findLeaks(logs, { labels: fleet.secrets.labels, coordinates })).toEqual([]);
  });
});
