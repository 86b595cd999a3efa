/**
 * The per-tag device book as given/when/then: last fix by event time (not arrival), battery and
 * strap from the newest ping that carried them, replays, the bounded track, and the bounded
 * number of tags (the least recently heard is forgotten).
 */
import { describe, expect, it } from 'vitest';
import {
  applyPing,
  countMalformed,
  type DeviceBook,
  type DeviceLimits,
  deviceStatusOf,
  emptyDeviceBook,
  lastFixOf,
  trackOf,
} from '../../src/centre/device-book.js';
import type { Ping } from '../../src/contract/index.js';

const T0 = 1_750_000_000_000;

function fix(ts: number, over: Partial<Ping> = {}): Ping {
  return { tagId: 'TAG-1', ts: T0 + ts, lat: 51.5 + ts / 1e7, lon: -0.12, accuracyM: 10, ...over };
}

function given(pings: Ping[], limits?: DeviceLimits): DeviceBook {
  const book = emptyDeviceBook(limits);
  for (const p of pings) applyPing(book, p);
  return book;
}

describe('device book: last fix, battery and strap', () => {
  it('given no ping for a tag, then it has no status and no track', () => {
    const book = given([]);
    expect(deviceStatusOf(book, 'TAG-1')).toBeUndefined();
    expect(trackOf(book, 'TAG-1')).toEqual([]);
    expect(lastFixOf(book, 'TAG-1')).toBeUndefined();
  });

  it('given fixes in order, when one more arrives, then the last fix is the newest', () => {
    const book = given([fix(0), fix(30_000), fix(60_000, { accuracyM: 7 })]);
    expect(deviceStatusOf(book, 'TAG-1')).toMatchObject({
      lastFixAt: T0 + 60_000,
      lastFixAccuracyM: 7,
      lastSeenAt: T0 + 60_000,
      fixes: 3,
    });
    expect(lastFixOf(book, 'TAG-1')).toEqual({
      ts: T0 + 60_000,
      lat: 51.5 + 0.006,
      lon: -0.12,
      accuracyM: 7,
    });
  });

  it('given a newer fix, when an older one arrives late, then the last fix stays the newer one and the track is in time order', () => {
    const book = given([fix(0), fix(60_000), fix(30_000, { accuracyM: 99 })]);
    expect(deviceStatusOf(book, 'TAG-1')).toMatchObject({ lastFixAt: T0 + 60_000, lastFixAccuracyM: 10 });
    expect(trackOf(book, 'TAG-1').map((f) => f.ts)).toEqual([T0, T0 + 30_000, T0 + 60_000]);
  });

  it('given a fix, when the same ping is replayed, then nothing changes but the replay is counted', () => {
    const book = given([fix(0), fix(30_000), fix(30_000), fix(0)]);
    expect(trackOf(book, 'TAG-1')).toHaveLength(2);
    expect(book.counts).toMatchObject({ pings: 4, duplicateFixes: 2 });
  });

  it('given battery and strap readings, when an older reading arrives late, then the newest reading stands', () => {
    const book = given([
      { tagId: 'TAG-1', ts: T0 + 60_000, battery: 0.41, strap: 'tampered' },
      { tagId: 'TAG-1', ts: T0 + 30_000, battery: 0.9, strap: 'ok' },
    ]);
    expect(deviceStatusOf(book, 'TAG-1')).toMatchObject({
      battery: 0.41,
      batteryAt: T0 + 60_000,
      strap: 'tampered',
      strapAt: T0 + 60_000,
      lastFixAt: null,
      lastFixAccuracyM: null,
      fixes: 0,
    });
  });

  it('given a status ping after a fix, then battery/strap come from it and the last fix is unchanged', () => {
    const book = given([fix(0), { tagId: 'TAG-1', ts: T0 + 90_000, battery: 0.2 }]);
    expect(deviceStatusOf(book, 'TAG-1')).toMatchObject({
      lastFixAt: T0,
      lastSeenAt: T0 + 90_000,
      battery: 0.2,
      strap: null,
      strapAt: null,
    });
  });

  it('given a heartbeat (neither fix nor status), then only last-seen moves', () => {
    const book = given([fix(0, { battery: 0.5 }), { tagId: 'TAG-1', ts: T0 + 120_000 }]);
    expect(deviceStatusOf(book, 'TAG-1')).toMatchObject({
      lastSeenAt: T0 + 120_000,
      lastFixAt: T0,
      battery: 0.5,
    });
  });

  it('given a fix without accuracy, then its accuracy is null, not a number', () => {
    const book = given([{ tagId: 'TAG-1', ts: T0, lat: 51.5, lon: -0.12 }]);
    expect(deviceStatusOf(book, 'TAG-1')!.lastFixAccuracyM).toBeNull();
    expect(trackOf(book, 'TAG-1')[0]!.accuracyM).toBeNull();
  });

  it('the status carries no coordinate', () => {
    const book = given([fix(0)]);
    const text = JSON.stringify(deviceStatusOf(book, 'TAG-1'));
    expect(text).not.toContain('51.5');
    expect(text).not.toContain('lat');
  });

  it('malformed records are counted', () => {
    const book = given([]);
    countMalformed(book);
    countMalformed(book);
    expect(book.counts.malformed).toBe(2);
  });
});

describe('device book: bounded memory', () => {
  const limits = { maxTags: 3, fixesPerTag: 4 };

  it('given a full track, when a newer fix arrives, then the oldest is dropped', () => {
    const book = given(
      [0, 1, 2, 3, 4, 5].map((i) => fix(i * 1000)),
      limits,
    );
    expect(trackOf(book, 'TAG-1').map((f) => f.ts - T0)).toEqual([2000, 3000, 4000, 5000]);
  });

  it('given a full track, when a fix older than all of them arrives, then it is dropped and counted', () => {
    const book = given(
      [10, 20, 30, 40, 5].map((i) => fix(i * 1000)),
      limits,
    );
    expect(trackOf(book, 'TAG-1').map((f) => f.ts - T0)).toEqual([10_000, 20_000, 30_000, 40_000]);
    expect(book.counts.droppedOldFixes).toBe(1);
  });

  it('given a full track, when a late fix falls in the middle, then it is kept and the oldest goes', () => {
    const book = given(
      [10, 20, 30, 40, 25].map((i) => fix(i * 1000)),
      limits,
    );
    expect(trackOf(book, 'TAG-1').map((f) => f.ts - T0)).toEqual([20_000, 25_000, 30_000, 40_000]);
  });

  it('given maxTags tags, when a new tag pings, then the least recently heard tag is forgotten', () => {
    const book = given(
      [
        fix(0, { tagId: 'A' }),
        fix(0, { tagId: 'B' }),
        fix(0, { tagId: 'C' }),
        fix(1000, { tagId: 'A' }), // A heard again: B is now the stalest
        fix(0, { tagId: 'D' }),
      ],
      limits,
    );
    expect([...book.tags.keys()].sort()).toEqual(['A', 'C', 'D']);
    expect(book.counts.evictedTags).toBe(1);
    expect(deviceStatusOf(book, 'B')).toBeUndefined();
  });

  it('stays within its bounds under many tags and fixes', () => {
    const book = emptyDeviceBook(limits);
    for (let i = 0; i < 2000; i++) applyPing(book, fix((i * 7919) % 1000, { tagId: `T${i % 11}` }));
    expect(book.tags.size).toBe(3);
    for (const tag of book.tags.keys()) {
      const ts = trackOf(book, tag).map((f) => f.ts);
      expect(ts.length).toBeLessThanOrEqual(4);
      expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    }
  });

  it('trackOf filters by event time', () => {
    const book = given([0, 1, 2, 3].map((i) => fix(i * 1000)));
    expect(trackOf(book, 'TAG-1', T0 + 2000).map((f) => f.ts - T0)).toEqual([2000, 3000]);
  });

  it('refuses limits below one', () => {
    expect(() => emptyDeviceBook({ maxTags: 0, fixesPerTag: 1 })).toThrow(/limits/);
  });
});
