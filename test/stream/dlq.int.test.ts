/**
 * Given 10,000 pings of which 500 are malformed in ten different ways, when one worker consumes
 * them, then exactly those 500 land in the DLQ with their original key, bytes and provenance
 * headers and a reason naming the problem, the valid-ping counter scraped from /metrics reads
 * 9,500, and a ping sent afterwards is still consumed.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { consumeAll, createTopics, produce } from '../setup/kafka-test-utils.js';
import {
  metricSum,
  scrape,
  startTestWorker,
  type TestTopics,
  uniqueNames,
  waitFor,
  workerConfig,
} from './fixtures/worker-harness.js';

const brokers = inject('kafkaBrokers');
const TOTAL = 10_000;
const BAD = 500;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

interface Bad {
  key: string;
  value: Buffer | null;
  reason: RegExp;
}

/** Ten ways to break the contract; the 2 MB one only twice, to keep the test light. */
function malformed(i: number, key: string): Bad {
  const base = { tagId: key, ts: T0 + i * 1000, lat: 51.5, lon: -0.12 };
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  const kind = i < 2 ? 9 : i % 9;
  switch (kind) {
    case 0:
      return { key, value: Buffer.from(`{"tagId": "${key}", oops`), reason: /not JSON/ };
    case 1:
      return { key, value: i % 2 === 0 ? Buffer.alloc(0) : null, reason: /empty value/ };
    case 2: {
      const { tagId: _t, ...rest } = base;
      return { key, value: json(rest), reason: /tagId/ };
    }
    case 3:
      return { key, value: json({ ...base, tagId: 'T'.repeat(65) }), reason: /tagId/ };
    case 4:
      return { key, value: json({ ...base, lat: 95 }), reason: /lat/ };
    case 5:
      return { key, value: json({ ...base, lon: '-0.12' }), reason: /lon/ };
    case 6: {
      const { lon: _l, ...rest } = base;
      return { key, value: json(rest), reason: /lon/ };
    }
    case 7:
      return { key, value: json({ ...base, ts: T0 + 0.5 }), reason: /ts/ };
    case 8:
      return { key, value: json({ ...base, accuracyM: -3 }), reason: /accuracyM/ };
    default:
      return { key, value: Buffer.alloc(2 * 1024 * 1024, 0x61), reason: /too large/ };
  }
}

describe('worker: DLQ and the valid-ping counter', () => {
  let names: TestTopics;
  let worker: RunningWorker | undefined;
  const bad = new Map<string, Bad>();

  beforeAll(async () => {
    names = uniqueNames('dlq');
    await createTopics(brokers, [{ topic: names.pings, numPartitions: 3 }]);
    const messages: { key: string; value: Buffer | null }[] = [];
    // Bad records spread evenly through the stream.
    const every = TOTAL / BAD;
    let b = 0;
    for (let i = 0; i < TOTAL; i++) {
      if (i % every === 7 && b < BAD) {
        const key = `bad-${String(b).padStart(4, '0')}`;
        const m = malformed(b, key);
        bad.set(key, m);
        messages.push({ key, value: m.value });
        b++;
      } else {
        const tagId = `tag-${i % 200}`;
        const value = { tagId, ts: T0 + i * 1000, lat: 51.5 + (i % 7) * 1e-4, lon: -0.12, accuracyM: 10 };
        messages.push({ key: tagId, value: Buffer.from(JSON.stringify(value)) });
      }
    }
    expect(bad.size).toBe(BAD);
    // Large values go alone so no produce batch exceeds the broker's message limit.
    let chunk: typeof messages = [];
    for (const m of messages) {
      if ((m.value?.length ?? 0) > 100_000) {
        await produce(brokers, names.pings, [m]);
        continue;
      }
      chunk.push(m);
      if (chunk.length === 1000) {
        await produce(brokers, names.pings, chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await produce(brokers, names.pings, chunk);
    worker = await startTestWorker(workerConfig(brokers, names));
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('sends exactly the malformed pings to the DLQ, with key, bytes, provenance and a reason', async () => {
    const dlq = await consumeAll(brokers, names.pingsDlq, {
      expected: BAD,
      timeoutMs: 120_000,
      settleMs: 2000,
    });
    expect(dlq).toHaveLength(BAD);
    const source = await consumeAll(brokers, names.pings, { expected: TOTAL, timeoutMs: 120_000 });
    const where = new Map(source.map((m) => [m.key?.toString() ?? '', m]));

    const seen = new Set<string>();
    for (const record of dlq) {
      const key = record.key?.toString() ?? '';
      const expected = bad.get(key);
      expect(expected, `unexpected DLQ key ${key}`).toBeDefined();
      expect(seen.has(key), `DLQ holds ${key} twice`).toBe(false);
      seen.add(key);
      expect((record.value ?? Buffer.alloc(0)).equals(expected!.value ?? Buffer.alloc(0))).toBe(true);
      expect(record.headers.error).toMatch(expected!.reason);
      const original = where.get(key)!;
      expect(record.headers['source-topic']).toBe(names.pings);
      expect(record.headers['source-partition']).toBe(String(original.partition));
      expect(record.headers['source-offset']).toBe(original.offset);
    }
    expect(seen.size).toBe(BAD);
  });

  it('counts 9,500 valid pings on /metrics, and keeps consuming afterwards', async () => {
    const port = worker!.httpPort;
    const valid = (t: string) =>
      metricSum(t, 'fenceline_pings_total', (l) => !l.includes('outcome="invalid"'));
    const text = await waitFor(
      'all pings counted',
      () => scrape(port),
      (t) => valid(t) + metricSum(t, 'fenceline_pings_total', (l) => l.includes('invalid')) >= TOTAL,
    );
    expect(valid(text)).toBe(TOTAL - BAD);
    expect(metricSum(text, 'fenceline_pings_total', (l) => l.includes('outcome="invalid"'))).toBe(BAD);
    expect(metricSum(text, 'fenceline_dlq_total')).toBe(BAD);

    const late = { tagId: 'tag-after', ts: T0 + 99_000_000, lat: 51.5, lon: -0.12 };
    await produce(brokers, names.pings, [{ key: late.tagId, value: JSON.stringify(late) }]);
    const after = await waitFor(
      'the late ping',
      () => scrape(port),
      (t) => valid(t) >= TOTAL - BAD + 1,
    );
    expect(valid(after)).toBe(TOTAL - BAD + 1);
  });
});
