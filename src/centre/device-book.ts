/**
 * What the console knows about each tag from the tag's own pings: the last fix (time, position,
 * accuracy), the battery and strap state, when it was last heard from, and a short track of its
 * most recent fixes. A pure fold: `applyPing(book, ping)` reads no clock and does no I/O.
 *
 * Event time, not arrival: pings arrive late and out of order (store-and-forward after a dead
 * zone), so the last fix is the one with the greatest `ts`, and battery / strap are the values of
 * the newest ping that carried them. A replayed ping changes nothing.
 *
 * Memory is bounded twice: at most `fixesPerTag` fixes per tag (the newest by event time) and at
 * most `maxTags` tags; past that, the tag heard from least recently (by arrival) is forgotten.
 * Recency is the Map's insertion order: a tag is re-inserted when it pings, so the first key is
 * always the stalest, and eviction is O(1).
 *
 * The track is packed four numbers per fix (ts, lat, lon, accuracy or NaN) in one array of
 * doubles, sorted by ts: no object per fix, and an in-order fix (the usual case) is a push.
 */
import type { Ping } from '../contract/index.js';

export interface DeviceLimits {
  /** Tags kept; the least recently heard is forgotten past this. */
  readonly maxTags: number;
  /** Fixes kept per tag (the newest by event time). */
  readonly fixesPerTag: number;
}

export const DEFAULT_DEVICE_LIMITS: DeviceLimits = { maxTags: 20_000, fixesPerTag: 120 };

export interface Fix {
  ts: number;
  lat: number;
  lon: number;
  accuracyM: number | null;
}

interface TagEntry {
  lastSeenAt: number;
  batteryAt: number;
  battery: number;
  strapAt: number;
  strap: 'ok' | 'tampered' | undefined;
  /** [ts, lat, lon, accuracyM|NaN] * n, ascending ts, no two with the same ts. */
  fixes: number[];
}

export interface DeviceCounts {
  /** Pings folded (including replays and too-old fixes). */
  pings: number;
  /** Records that did not decode (counted by the shell, kept here so one place reports them). */
  malformed: number;
  /** Fixes ignored because one with the same ts was already held (a replay). */
  duplicateFixes: number;
  /** Fixes older than every fix held for a tag whose track was full. */
  droppedOldFixes: number;
  /** Tags forgotten to stay within maxTags. */
  evictedTags: number;
}

export interface DeviceBook {
  readonly limits: DeviceLimits;
  readonly tags: Map<string, TagEntry>;
  readonly counts: DeviceCounts;
}

/** Without a fix / battery / strap reading. */
const NEVER = Number.NEGATIVE_INFINITY;

export function emptyDeviceBook(limits: DeviceLimits = DEFAULT_DEVICE_LIMITS): DeviceBook {
  if (!(limits.maxTags >= 1 && limits.fixesPerTag >= 1)) throw new Error('device limits must be >= 1');
  return {
    limits,
    tags: new Map(),
    counts: { pings: 0, malformed: 0, duplicateFixes: 0, droppedOldFixes: 0, evictedTags: 0 },
  };
}

export function countMalformed(book: DeviceBook): void {
  book.counts.malformed += 1;
}

/** Index (in fixes, not numbers) where a fix at `ts` goes; -1 when one with that ts is held. */
function slotFor(fixes: number[], ts: number): number {
  let lo = 0;
  let hi = fixes.length / 4;
  // The common case: newer than everything held.
  if (hi === 0 || fixes[(hi - 1) * 4]! < ts) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = fixes[mid * 4]!;
    if (t === ts) return -1;
    if (t < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function addFix(book: DeviceBook, entry: TagEntry, ping: Ping & { lat: number; lon: number }): void {
  const { fixes } = entry;
  const slot = slotFor(fixes, ping.ts);
  if (slot < 0) {
    book.counts.duplicateFixes += 1;
    return;
  }
  const full = fixes.length / 4 >= book.limits.fixesPerTag;
  if (full && slot === 0) {
    book.counts.droppedOldFixes += 1;
    return;
  }
  const acc = ping.accuracyM ?? Number.NaN;
  if (slot * 4 === fixes.length) fixes.push(ping.ts, ping.lat, ping.lon, acc);
  else fixes.splice(slot * 4, 0, ping.ts, ping.lat, ping.lon, acc);
  if (full) fixes.splice(0, 4);
}

/** Folds one decoded ping into the book. */
export function applyPing(book: DeviceBook, ping: Ping): void {
  book.counts.pings += 1;
  let entry = book.tags.get(ping.tagId);
  if (entry === undefined) {
    entry = { lastSeenAt: NEVER, batteryAt: NEVER, battery: 0, strapAt: NEVER, strap: undefined, fixes: [] };
  } else {
    book.tags.delete(ping.tagId); // re-inserted below: the most recently heard goes last
  }
  book.tags.set(ping.tagId, entry);
  if (book.tags.size > book.limits.maxTags) {
    const stalest = book.tags.keys().next().value as string;
    book.tags.delete(stalest);
    book.counts.evictedTags += 1;
  }
  if (ping.ts > entry.lastSeenAt) entry.lastSeenAt = ping.ts;
  if (ping.battery !== undefined && ping.ts > entry.batteryAt) {
    entry.batteryAt = ping.ts;
    entry.battery = ping.battery;
  }
  if (ping.strap !== undefined && ping.ts > entry.strapAt) {
    entry.strapAt = ping.ts;
    entry.strap = ping.strap;
  }
  if (ping.lat !== undefined && ping.lon !== undefined) {
    addFix(book, entry, ping as Ping & { lat: number; lon: number });
  }
}

/** A tag's device status without any coordinate: safe for every role and the event stream. */
export interface DeviceStatus {
  tagId: string;
  lastSeenAt: number;
  lastFixAt: number | null;
  lastFixAccuracyM: number | null;
  battery: number | null;
  batteryAt: number | null;
  strap: 'ok' | 'tampered' | null;
  strapAt: number | null;
  /** Fixes held for the track. */
  fixes: number;
}

const orNull = (v: number) => (v === NEVER ? null : v);

export function deviceStatusOf(book: DeviceBook, tagId: string): DeviceStatus | undefined {
  const e = book.tags.get(tagId);
  if (e === undefined) return undefined;
  const n = e.fixes.length;
  const accuracy = n > 0 ? e.fixes[n - 1]! : Number.NaN;
  return {
    tagId,
    lastSeenAt: e.lastSeenAt,
    lastFixAt: n > 0 ? e.fixes[n - 4]! : null,
    lastFixAccuracyM: Number.isNaN(accuracy) ? null : accuracy,
    battery: e.batteryAt === NEVER ? null : e.battery,
    batteryAt: orNull(e.batteryAt),
    strap: e.strap ?? null,
    strapAt: orNull(e.strapAt),
    fixes: n / 4,
  };
}

/** The last fix (greatest ts) of a tag, position included: only for audited views. */
export function lastFixOf(book: DeviceBook, tagId: string): Fix | undefined {
  const f = book.tags.get(tagId)?.fixes;
  if (f === undefined || f.length === 0) return undefined;
  const i = f.length - 4;
  return { ts: f[i]!, lat: f[i + 1]!, lon: f[i + 2]!, accuracyM: Number.isNaN(f[i + 3]!) ? null : f[i + 3]! };
}

/** A tag's held fixes with ts >= sinceTs, oldest first: only for audited views. */
export function trackOf(book: DeviceBook, tagId: string, sinceTs = NEVER): Fix[] {
  const f = book.tags.get(tagId)?.fixes;
  if (f === undefined) return [];
  const out: Fix[] = [];
  for (let i = 0; i < f.length; i += 4) {
    if (f[i]! < sinceTs) continue;
    const acc = f[i + 3]!;
    out.push({ ts: f[i]!, lat: f[i + 1]!, lon: f[i + 2]!, accuracyM: Number.isNaN(acc) ? null : acc });
  }
  return out;
}
