/**
 * The small pure pieces of the stream layer: end-offset tracking (the read_committed trap),
 * DLQ chunking, the privacy filter on rejection reasons, and the serial queue.
 */
import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { EndOffsetTracker } from '../../src/stream/end-offsets.js';
import { chunkBySize } from '../../src/stream/output-sends.js';
import { SerialQueue } from '../../src/stream/serial-queue.js';
import { safeFields } from '../../src/stream/world-tables.js';

function tracker(ends: Record<number, { low: string; high: string }>) {
  const admin = {
    fetchTopicOffsets: async () =>
      Object.entries(ends).map(([p, o]) => ({ partition: Number(p), offset: o.high, ...o })),
  };
  return EndOffsetTracker.snapshot(admin as never, 'topic');
}

describe('EndOffsetTracker', () => {
  it('is done at once when every partition is empty', async () => {
    const t = await tracker({ 0: { low: '5', high: '5' } });
    expect(t.isDone).toBe(true);
  });

  it('counts a trailing commit marker: lastOffset end-1 of a filtered batch finishes the partition', async () => {
    // Data at 0..8, commit marker at 9, end offset 10. A read_committed consumer's last data record
    // is 8; kafkajs reports the filtered marker batch with lastOffset 9.
    const t = await tracker({ 0: { low: '0', high: '10' }, 1: { low: '0', high: '3' } });
    t.advance(0, '8');
    expect(t.isDone).toBe(false);
    t.advance(0, '9');
    expect(t.remaining()).toEqual({ 1: '3' });
    t.advance(1, '2');
    await expect(t.done).resolves.toBeUndefined();
    expect(t.isDone).toBe(true);
  });

  it('ignores partitions it was not asked about', async () => {
    const admin = {
      fetchTopicOffsets: async () => [
        { partition: 0, low: '0', high: '4', offset: '4' },
        { partition: 1, low: '0', high: '4', offset: '4' },
      ],
    };
    const t = await EndOffsetTracker.snapshot(admin as never, 'topic', [1]);
    t.advance(0, '3');
    expect(t.isDone).toBe(false);
    t.advance(1, '3');
    expect(t.isDone).toBe(true);
  });
});

describe('chunkBySize', () => {
  it('keeps every message, in order, with big ones alone', () => {
    const m = (n: number): Message => ({ key: 'k', value: Buffer.alloc(n) });
    const input = [m(10), m(2_000_000), m(10), m(600_000), m(600_000), m(10)];
    const chunks = chunkBySize(input, 1024 * 1024);
    expect(chunks.flat()).toEqual(input);
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 2, 2]);
  });
});

describe('safeFields', () => {
  it('names fields from a zod reason', () => {
    expect(safeFields('geometry.coordinates.0.1: latitude must be -90..90; label: Too big').field).toBe(
      'geometry.coordinates.0.1,label',
    );
  });

  it('drops the quoted input V8 puts into JSON.parse messages', () => {
    const r = safeFields('not JSON: Unexpected token \'x\', "{"label":"home", 51.123456" is not valid JSON');
    expect(r).toEqual({ field: '(value)', reason: 'not JSON' });
  });
});

describe('SerialQueue', () => {
  it('runs tasks one at a time, in order, and survives a failing task', async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
      };
    const a = q.run(task('a', 20, true));
    const b = q.run(task('b', 1));
    await expect(a).rejects.toThrow('a');
    await b;
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });
});
