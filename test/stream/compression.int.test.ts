/**
 * Issue 9, item 5 (every producer's compression). Given zones, enrolments and pings written by
 * kcat (librdkafka, not kafkajs) compressed with snappy, lz4 and zstd, when a worker starts, then
 * it becomes ready and raises the breach of every codec's tag, having decoded each codec's
 * batches. And given a table consumer that cannot decode its topic, the worker says why on
 * /readyz and in its log, and still exits promptly on SIGTERM.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { REGISTERED_CODECS } from '../../src/kafka/compression-codecs.js';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { createTopics } from '../setup/kafka-test-utils.js';
import { type KcatCodec, kcatProduce } from './fixtures/kcat.js';
import {
  readAlerts,
  startTestWorker,
  uniqueNames,
  workerConfig,
  workerEnv,
} from './fixtures/worker-harness.js';
import { buildOnce, WorkerProcess } from './fixtures/worker-process.js';

const brokers = inject('kafkaBrokers');
const CODECS = ['snappy', 'lz4', 'zstd'] as const satisfies readonly KcatCodec[];
const T0 = Date.now() - 3600_000;
const compact = [{ name: 'cleanup.policy', value: 'compact' }];
// Repetitive padding (an unknown field, ignored) so librdkafka's compressed batch is smaller than
// the plain one: it sends uncompressed when compression does not pay.
const PAD = 'fenceline-'.repeat(60);

function zone(codec: string, i: number) {
  return {
    zoneId: `zone-${codec}`,
    subjectId: `subject-${codec}`,
    kind: 'exclusion',
    geometry: { type: 'Point', coordinates: [-0.12 + i * 0.1, 51.5] },
    radiusM: 300,
    version: 1,
    padding: PAD,
  };
}

describe('every producer’s compression', () => {
  let worker: RunningWorker | undefined;
  afterAll(async () => {
    await worker?.stop();
  });

  it('consumes snappy, lz4 and zstd records from kcat on pings, zones and enrolments', async () => {
    const names = uniqueNames('codecs');
    await createTopics(brokers, [
      { topic: names.pings, numPartitions: 3 },
      { topic: names.zones, configEntries: compact },
      { topic: names.enrolments, configEntries: compact },
    ]);
    const spies = CODECS.map((c) => vi.spyOn(REGISTERED_CODECS[c], 'decompress'));
    for (const [i, codec] of CODECS.entries()) {
      const z = zone(codec, i);
      // A few versions per key so each batch is worth compressing; the last one is in force.
      await kcatProduce(
        brokers,
        names.zones,
        codec,
        [0, 1, 2].map(() => ({ key: z.zoneId, value: JSON.stringify(z) })),
      );
      await kcatProduce(
        brokers,
        names.enrolments,
        codec,
        [0, 1, 2].map(() => ({
          key: `tag-${codec}`,
          value: JSON.stringify({ tagId: `tag-${codec}`, subjectId: z.subjectId, padding: PAD }),
        })),
      );
      const pings = Array.from({ length: 40 }, (_, k) => ({
        key: `tag-${codec}`,
        value: JSON.stringify({
          tagId: `tag-${codec}`,
          ts: T0 + k * 30_000,
          lat: 51.5,
          lon: -0.12 + i * 0.1,
          accuracyM: 5,
          battery: 0.9,
        }),
      }));
      await kcatProduce(brokers, names.pings, codec, pings);
    }
    worker = await startTestWorker(workerConfig(brokers, names));
    const alerts = await readAlerts(brokers, names.alerts, CODECS.length);
    const entered = alerts.filter((a) => a.type === 'EXCLUSION_ENTERED').map((a) => a.tagId);
    expect(entered.sort()).toEqual(CODECS.map((c) => `tag-${c}`).sort());
    // Each codec really decoded batches (librdkafka did compress them).
    for (const [i, spy] of spies.entries()) expect(spy, CODECS[i]).toHaveBeenCalled();
  });

  it('a worker whose table consumer cannot decode says why, and exits on SIGTERM within a bound', async () => {
    await buildOnce();
    const names = uniqueNames('stuck');
    await createTopics(brokers, [
      { topic: names.pings, numPartitions: 3 },
      { topic: names.zones, configEntries: compact },
      { topic: names.enrolments, configEntries: compact },
    ]);
    const z = zone('lz4', 0);
    await kcatProduce(
      brokers,
      names.zones,
      'lz4',
      [0, 1, 2].map(() => ({ key: z.zoneId, value: JSON.stringify(z) })),
    );
    const lines: string[] = [];
    const fault = join(import.meta.dirname, 'fixtures', 'lz4-fault.mjs');
    const proc = new WorkerProcess(
      { ...workerEnv(brokers, names), NODE_OPTIONS: `--import=${fault}` },
      'stuck-worker',
      lines,
    );
    let body: { status: string; detail: { reason?: string } } | undefined;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (proc.port !== undefined) {
        const res = await fetch(`http://127.0.0.1:${proc.port}/readyz`).catch(() => undefined);
        if (res !== undefined) {
          expect(res.status).toBe(503);
          body = (await res.json()) as typeof body;
          const logged = lines.some((l) => l.includes('global table consumer failed') && l.includes('LZ4'));
          if (body?.detail.reason?.includes('LZ4') && logged) break;
        }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(body?.detail.reason).toMatch(/zones table.*LZ4 compression not implemented/);
    expect(lines.some((l) => l.includes('global table consumer failed') && l.includes('LZ4'))).toBe(true);
    const t = Date.now();
    proc.kill('SIGTERM');
    const code = await Promise.race([
      proc.exited,
      new Promise((r) => setTimeout(() => r('timeout'), 30_000)),
    ]);
    const tookMs = Date.now() - t;
    console.log(`[compression] stuck worker exited ${String(code)} ${tookMs} ms after SIGTERM`);
    if (code === 'timeout') proc.kill('SIGKILL');
    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(25_000);
  });
});
