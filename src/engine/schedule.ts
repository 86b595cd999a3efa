/**
 * Zone schedules compiled once into a week bitmap: bit (day * 1440 + minute) is set when local
 * time `minute` on weekday `day` (0 = Monday) lies in a window. Checking a fix is then one
 * offset lookup (cached, see tz-offset.ts), integer arithmetic and one bit test.
 *
 * Semantics (contract): a window is active when the local time, daylight saving included, is in
 * [start, end) on one of `days`; end <= start runs past midnight into the next day and `days`
 * names the day it starts (so end == start is a full 24 hours). Local time is the wall clock
 * people read, so on the spring-forward night a window that starts inside the missing hour
 * (e.g. 01:30 in Europe/London on 29 March 2026) becomes active at 02:00 local, the first wall
 * time at or after its start; on the fall-back night the repeated hour is inside a window both
 * times it happens.
 */
import type { Schedule, Weekday } from '../contract/index.js';
import { type TzOffsetCache, tzOffsetCache, utcOffsetMs } from './tz-offset.js';

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MS_PER_DAY = 86_400_000;
const DAY_INDEX: Readonly<Record<Weekday, number>> = {
  mon: 0,
  tue: 1,
  wed: 2,
  thu: 3,
  fri: 4,
  sat: 5,
  sun: 6,
};

export interface CompiledSchedule {
  readonly offsets: TzOffsetCache;
  /** MINUTES_PER_WEEK bits. */
  readonly week: Uint32Array;
}

export function compileSchedule(schedule: Schedule): CompiledSchedule {
  const week = new Uint32Array(Math.ceil(MINUTES_PER_WEEK / 32));
  for (const w of schedule.windows) {
    const start = parseHourMinute(w.start);
    const end = parseHourMinute(w.end);
    const length = end > start ? end - start : end - start + MINUTES_PER_DAY;
    for (const day of w.days) {
      const first = DAY_INDEX[day] * MINUTES_PER_DAY + start;
      for (let i = 0; i < length; i++) {
        const bit = (first + i) % MINUTES_PER_WEEK; // Sunday night runs into Monday morning
        week[bit >>> 5]! |= 1 << (bit & 31);
      }
    }
  }
  return { offsets: tzOffsetCache(schedule.tz), week };
}

/** Is the schedule active at instant `ts` (epoch ms)? */
export function scheduleActiveAt(s: CompiledSchedule, ts: number): boolean {
  const local = ts + utcOffsetMs(s.offsets, ts);
  const days = Math.floor(local / MS_PER_DAY);
  const minute = Math.floor((local - days * MS_PER_DAY) / 60_000);
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  const weekday = (((days + 3) % 7) + 7) % 7;
  const bit = weekday * MINUTES_PER_DAY + minute;
  return (s.week[bit >>> 5]! & (1 << (bit & 31))) !== 0;
}

/** "HH:MM" (already validated by the contract) to minutes after midnight. */
function parseHourMinute(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
