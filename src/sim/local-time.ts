/**
 * Local wall-clock time in an IANA zone (Europe/London for the pilot), daylight saving included,
 * from the runtime's ICU. The simulator plans days in local time (people leave for work at
 * 08:00 local, curfews start at 19:00 local) and needs the UTC instants of those moments.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of local time from UTC at instant `utcMs`, in ms (Europe/London: 0 or 3 600 000). */
export function tzOffsetMs(tz: string, utcMs: number): number {
  const parts = formatter(tz).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** A calendar date in local time. */
export interface LocalDate {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
}

export function localDateOf(tz: string, utcMs: number): LocalDate {
  const d = new Date(utcMs + tzOffsetMs(tz, utcMs));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The next calendar day. */
export function nextDate(d: LocalDate): LocalDate {
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: n.getUTCFullYear(), month: n.getUTCMonth() + 1, day: n.getUTCDate() };
}

/** 0 = Monday .. 6 = Sunday. */
export function weekdayOf(d: LocalDate): number {
  return (new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7;
}

const noonOffsets = new Map<string, number>();

/** Offset in force at local noon of `d` (cached: every subject asks about the same few days). */
function noonOffset(tz: string, d: LocalDate): number {
  const key = `${tz}|${d.year}-${d.month}-${d.day}`;
  let off = noonOffsets.get(key);
  if (off === undefined) {
    const naive = Date.UTC(d.year, d.month - 1, d.day, 12);
    off = tzOffsetMs(tz, naive - tzOffsetMs(tz, naive));
    noonOffsets.set(key, off);
  }
  return off;
}

/**
 * UTC instant of local time `minutes` after midnight on date `d`. In the spring-forward gap the
 * result is an hour later; in the autumn overlap it is one of the two occurrences. Zones change
 * their offset in the small hours, so from 04:00 on the (cached) noon offset is exact.
 */
export function localToUtc(tz: string, d: LocalDate, minutes: number): number {
  const naive = Date.UTC(d.year, d.month - 1, d.day) + Math.round(minutes * 60_000);
  if (minutes >= 240) return naive - noonOffset(tz, d);
  const utc = naive - tzOffsetMs(tz, naive);
  return naive - tzOffsetMs(tz, utc);
}
