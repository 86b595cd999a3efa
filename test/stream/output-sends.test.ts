/**
 * Item 1: everything a commit writes goes out in size-bounded chunks; and (item 11) alerts are
 * sent before the changelog state, so at-least-once never records "raised" without the alert.
 */
import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  chunkBySize,
  messageSize,
  outputSends,
  outputWaves,
  shouldCompress,
} from '../../src/stream/output-sends.js';
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

describe('exactly-once: as few produce requests as the chunk bound allows', () => {
  it('sends a typical commit (alerts, DLQ, states) as one request', () => {
    const sends = outputSends(topics, {
      alerts: [msg('s', 10)],
      dlq: [msg('d', 10)],
      changelog: [msg('t', 10)],
    });
    const waves = outputWaves(sends);
    expect(waves).toHaveLength(1);
    expect(waves[0]!.sends.map((s) => s.topic)).toEqual([
      topics.alerts,
      topics.pingsDlq,
      topics.stateChangelog,
    ]);
  });

  it('never puts two chunks of one topic in one request, and loses or repeats no message', () => {
    const changelog = Array.from({ length: 60 }, (_, i) => msg(`t${i}`, 100));
    const alerts = Array.from({ length: 25 }, (_, i) => msg(`s${i}`, 100));
    const sends = outputSends(topics, { alerts, dlq: [], changelog }, 1024);
    const waves = outputWaves(sends);
    for (const w of waves) {
      const names = w.sends.map((s) => s.topic);
      expect(new Set(names).size).toBe(names.length);
      expect(w.bytes).toBe(w.sends.flatMap((s) => s.messages).reduce((n, m) => n + messageSize(m), 0));
    }
    const sent = waves.flatMap((w) => w.sends);
    expect(sent.filter((s) => s.topic === topics.stateChangelog).flatMap((s) => s.messages)).toEqual(
      changelog,
    );
    expect(sent.filter((s) => s.topic === topics.alerts).flatMap((s) => s.messages)).toEqual(alerts);
    expect(waves.length).toBe(
      Math.max(
        ...[topics.alerts, topics.stateChangelog].map((t) => sends.filter((s) => s.topic === t).length),
      ),
    );
  });

  it('compresses only requests large enough to pay for it', () => {
    expect(shouldCompress(10_000, 65_536)).toBe(false);
    expect(shouldCompress(65_536, 65_536)).toBe(true);
  });
});
