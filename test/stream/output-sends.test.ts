/**
 * Item 1: everything a commit writes goes out in size-bounded chunks; and (item 11) alerts are
 * sent before the changelog state, so at-least-once never records "raised" without the alert.
 */
import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { chunkBySize, messageSize, outputSends } from '../../src/stream/output-sends.js';
import { topicsWithPrefix } from '../../src/stream/stream-config.js';

const topics = topicsWithPrefix('t');
const msg = (key: string, n: number): Message => ({ key, value: 'x'.repeat(n) });

describe('item 1: transactions of any size (output chunks)', () => {
  it('splits 10,000 changelog states of ~600 bytes into chunks under the limit, keeping order', () => {
    const changelog = Array.from({ length: 10_000 }, (_, i) => msg(`tag-${i}`, 600));
    const sends = outputSends(topics, { alerts: [], dlq: [], changelog }, 512 * 1024);
    expect(sends.length).toBeGreaterThan(10);
    for (const s of sends) {
      expect(s.topic).toBe(topics.stateChangelog);
      const size = s.messages.reduce((n, m) => n + messageSize(m), 0);
      expect(size).toBeLessThanOrEqual(512 * 1024);
    }
    expect(sends.flatMap((s) => s.messages)).toEqual(changelog);
  });

  it('sends a single oversized message alone', () => {
    const input = [msg('a', 10), msg('b', 2_000_000), msg('c', 10), msg('d', 600_000), msg('e', 600_000)];
    expect(chunkBySize(input, 1024 * 1024).map((c) => c.map((m) => m.key))).toEqual([
      ['a'],
      ['b'],
      ['c', 'd'],
      ['e'],
    ]);
  });

  it('counts keys, values and headers', () => {
    expect(messageSize({ key: 'k', value: 'vv', headers: { h: 'abc' } })).toBeGreaterThanOrEqual(
      1 + 2 + 1 + 3,
    );
    expect(messageSize({ key: null, value: null })).toBeGreaterThan(0);
  });
});

describe('item 11: at-least-once writes alerts before the changelog state', () => {
  it('plans alerts, then DLQ, then changelog', () => {
    const sends = outputSends(
      topics,
      { changelog: [msg('tag', 10)], dlq: [msg('bad', 10)], alerts: [msg('subj', 10)] },
      1024,
    );
    expect(sends.map((s) => s.topic)).toEqual([topics.alerts, topics.pingsDlq, topics.stateChangelog]);
  });

  it('keeps that order when every kind needs several chunks', () => {
    const sends = outputSends(
      topics,
      {
        changelog: Array.from({ length: 50 }, (_, i) => msg(`t${i}`, 100)),
        dlq: [],
        alerts: Array.from({ length: 50 }, (_, i) => msg(`s${i}`, 100)),
      },
      1024,
    );
    const firstChangelog = sends.findIndex((s) => s.topic === topics.stateChangelog);
    const lastAlert = sends.map((s) => s.topic).lastIndexOf(topics.alerts);
    expect(lastAlert).toBeLessThan(firstChangelog);
  });
});
