/**
 * UTC offsets of IANA time zones, daylight saving included, without calling Intl per fix.
 *
 * Intl.DateTimeFormat#formatToParts costs microseconds, so it runs only on a cache miss. The
 * cache key is the 15-minute UTC bucket of the instant: every offset change in real time zones
 * (including :30 and :45 offsets such as India or Nepal) happens on a 15-minute UTC boundary, so
 * the offset is constant within a bucket and one lookup per (tz, bucket) is exact. Each tz keeps
 * a small direct-mapped table, so a live stream (fixes within minutes of each other) hits it
 * almost always and memory stays bounded whatever the time span replayed.
 */

const BUCKET_MS = 15 * 60 * 1000;
const SLOTS = 64; // power of two: slot = bucket & (SLOTS - 1)

export interface TzOffsetCache {
  readonly tz: string;
  readonly format: Intl.DateTimeFormat;
  /** Bucket number held by each slot (NaN: empty). */
  readonly buckets: Float64Array;
  /** Offset in ms (local = utc + offset) for that bucket. */
  readonly offsets: Float64Array;
}

const cachesByTz = new Map<string, TzOffsetCache>();

/** The shared cache for `tz` (created once per time zone name). Throws for an unknown tz. */
export function tzOffsetCache(tz: string): TzOffsetCache {
  let cache = cachesByTz.get(tz);
  if (cache === undefined) {
    cache = {
      tz,
      format: new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
      buckets: new Float64Array(SLOTS).fill(Number.NaN),
      offsets: new Float64Array(SLOTS),
    };
    cachesByTz.set(tz, cache);
  }
  return cache;
}

/** Offset in ms of `cache.tz` at instant `ts` (epoch ms): local wall time = ts + offset. */
export function utcOffsetMs(cache: TzOffsetCache, ts: number): number {
  const bucket = Math.floor(ts / BUCKET_MS);
  const slot = bucket & (SLOTS - 1);
  if (cache.buckets[slot] === bucket) return cache.offsets[slot]!;
  const offset = computeOffset(cache.format, bucket * BUCKET_MS);
  cache.buckets[slot] = bucket;
  cache.offsets[slot] = offset;
  return offset;
}

/** Local wall time of instant `t` read back as if it were UTC, minus `t`. `t` is a whole minute. */
function computeOffset(format: Intl.DateTimeFormat, t: number): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of format.formatToParts(t)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  d.setUTCFullYear(year);
  return d.getTime() - t;
}
