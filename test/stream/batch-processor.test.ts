/**
 * processBatch, the per-ping loop of one batch:
 *  - item 6: a ping from an unenrolled tag creates no state; 1,000,000 pings from random unknown
 *    tag ids leave memory flat;
 *  - item 11: a batch that throws mid-way leaves the partition's state exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ENGINE_CONFIG,
  EnrolmentTable,
  encodeTagState,
  type TagState,
  type World,
} from '../../src/engine/index.js';
import { compileZone, ZoneIndex } from '../../src/geo/index.js';
import { processBatch } from '../../src/stream/batch-processor.js';
import { makeFleet } from './fixtures/fleet.js';

function world(fleet: ReturnType<typeof makeFleet>): World {
  const enrolments = new EnrolmentTable();
  for (const e of fleet.enrolments) enrolments.upsert(e);
  return { zones: ZoneIndex.build(fleet.zones.map(compileZone)), enrolments };
}

function record(offset: number, key: string, value: unknown, ts = Date.now()): KafkaMessage {
  return {
    key: Buffer.from(key),
    value: Buffer.from(JSON.stringify(value)),
    offset: String(offset),
    timestamp: String(ts),
    attributes: 0,
    headers: {},
  } as KafkaMessage;
}

const input = (
  w: World,
  states: Map<string, TagState>,
  messages: KafkaMessage[],
  keepAlive = async () => {},
) => ({
  topic: 'pings',
  partition: 0,
  messages,
  world: w,
  engine: DEFAULT_ENGINE_CONFIG,
  maxPingBytes: 4096,
  states,
  keepAlive,
});

function gc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('item 6: bounded state', () => {
  const fleet = makeFleet({ seed: 6, tags: 20, pings: 200 });
  const w = world(fleet);

  it('a ping from an unenrolled tag creates no state, an enrolled one does', async () => {
    const states = new Map<string, TagState>();
    const t = Date.UTC(2026, 2, 2, 7);
    const r = await processBatch(
      input(w, states, [
        record(0, 'stranger', { tagId: 'stranger', ts: t, lat: 51.5, lon: -0.1 }),
        record(1, 'tag-1', { tagId: 'tag-1', ts: t, lat: 51.5, lon: -0.1 }),
      ]),
    );
    expect(r.outcomes.unenrolled).toBe(1);
    expect([...states.keys()]).toEqual(['tag-1']);
    expect(r.outputs.changelog.map((m) => m.key)).toEqual(['tag-1']);
  });

  it('1,000,000 pings from random unknown tag ids leave memory flat', async () => {
    const collect = gc();
    const states = new Map<string, TagState>();
    collect();
    const before = process.memoryUsage().heapUsed;
    const t = Date.UTC(2026, 2, 2, 7);
    for (let batch = 0; batch < 100; batch++) {
      const messages: KafkaMessage[] = [];
      for (let i = 0; i < 10_000; i++) {
        const tagId = `unknown-${randomBytes(6).toString('hex')}`;
        messages.push(
          record(batch * 10_000 + i, tagId, { tagId, ts: t + i, lat: 51.5, lon: -0.1, battery: 0.5 }),
        );
      }
      const r = await processBatch(input(w, states, messages));
      expect(r.outcomes.unenrolled).toBe(10_000);
      expect(r.outputs.changelog).toHaveLength(0);
    }
    collect();
    const after = process.memoryUsage().heapUsed;
    const growthMb = (after - before) / 1024 / 1024;
    console.info(
      `1M unknown-tag pings: heap ${(before / 1048576).toFixed(1)} MB -> ${(after / 1048576).toFixed(1)} MB (${growthMb.toFixed(1)} MB)`,
    );
    expect(states.size).toBe(0);
    // One state per unknown tag would be ~1M x 300+ bytes: hundreds of MB.
    expect(growthMb).toBeLessThan(20);
  }, 300_000);
});

describe('item 11: a batch that throws mid-way is never half-applied', () => {
  const fleet = makeFleet({ seed: 11, tags: 30, pings: 3000 });
  const w = world(fleet);

  it('puts every touched tag back (and removes tags it created) when the batch throws', async () => {
    const states = new Map<string, TagState>();
    // A first batch that commits: the state the partition holds.
    const first = fleet.pings.slice(0, 1000).map((p, i) => record(i, p.tagId, p, p.ts));
    await processBatch(input(w, states, first));
    const snapshot = new Map([...states].map(([k, v]) => [k, encodeTagState(v)]));
    expect(snapshot.size).toBeGreaterThan(10);

    // A second batch dies after its first 1000 records (keepAlive is awaited every 1000).
    const second = fleet.pings.slice(1000, 3000).map((p, i) => record(1000 + i, p.tagId, p, p.ts));
    const boom = async () => {
      throw new Error('heartbeat: group rebalancing, and nothing else to do');
    };
    await expect(processBatch(input(w, states, second, boom))).rejects.toThrow('heartbeat');
    expect(new Map([...states].map(([k, v]) => [k, encodeTagState(v)]))).toEqual(snapshot);

    // Retried, it gives exactly what an uninterrupted run gives.
    const clean = new Map<string, TagState>();
    await processBatch(input(w, clean, first));
    const a = await processBatch(input(w, clean, second));
    const b = await processBatch(input(w, states, second));
    expect(b.alerts).toEqual(a.alerts.map((x) => ({ ...x, emittedAt: expect.any(Number) })));
    expect([...states.values()].map(encodeTagState)).toEqual([...clean.values()].map(encodeTagState));
  });
});
