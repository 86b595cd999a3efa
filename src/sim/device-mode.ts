/**
 * A simulated tag obeying its device profile (contract/device-profile.ts): the profiles published
 * for it arrive after a delivery delay; at each fix the tag checks its own (measured) position
 * against the profile's active triggers and, inside one, takes fixes at the real-time interval
 * and uploads each within `uploadWithinS` (plus the network's latency). Profiles are data here
 * (from the topic, or computed in-process by a bench runner): the simulator imports only the
 * contract, so it stays an independent oracle of the engine.
 */
import type { DeviceProfile, RealTimePolicy, Schedule, Trigger, Weekday } from '../contract/index.js';
import { haversineM } from './geodesy.js';
import { tzOffsetMs } from './local-time.js';

/** One profile message as published: at `at` (simulated ms); null is a tombstone. */
export interface ProfileDelivery {
  readonly at: number;
  readonly profile: DeviceProfile | null;
}

/** What obeying the profiles cost, summed over the fleet (the bench reads it after the run). */
export interface DeviceModeStats {
  /** Tag-time spent in real-time mode, ms. */
  realTimeMs: number;
  /** Fixes taken in real-time mode. */
  realTimeFixes: number;
  /** Uploads triggered by real-time mode (instead of the store-and-forward schedule). */
  realTimeUploads: number;
  /** Battery spent beyond the default model on extra fixes and uploads (fraction of a charge). */
  extraDrain: number;
}

export interface DeviceProfileFeed {
  /** Profiles published for a tag, in publish order. */
  timeline(tagId: string): readonly ProfileDelivery[];
  /** Publish to device (gateway push, next check-in), seconds. */
  readonly deliveryDelayS: number;
  /** Upload to backend, seconds (cellular session set-up and transfer). */
  readonly uploadLatencyS: number;
  readonly stats: DeviceModeStats;
  /**
   * The run reached simulated time `simMs` (each upload batch). A live feed (from Kafka) stamps
   * what it receives with it; a precomputed timeline ignores it.
   */
  advanceTo?(simMs: number): void;
}

export function newDeviceModeStats(): DeviceModeStats {
  return { realTimeMs: 0, realTimeFixes: 0, realTimeUploads: 0, extraDrain: 0 };
}

/**
 * Battery model of the extras (the default model drains per hour and already pays for the
 * default schedule): a GPS fix costs ~0.005% of a charge, a cellular upload session ~0.01%.
 * So an hour of real-time mode at 15 s fixes and immediate uploads costs ~2.4% of a charge,
 * about as much again as the default drain (1.2-3%/h).
 */
export const FIX_DRAIN = 0.00005;
export const UPLOAD_DRAIN = 0.0001;

const DAY_INDEX: Readonly<Record<Weekday, number>> = {
  mon: 0,
  tue: 1,
  wed: 2,
  thu: 3,
  fri: 4,
  sat: 5,
  sun: 6,
};
const MS_PER_HOUR = 3_600_000;

export class TagDevice {
  private next = 0;
  private current: DeviceProfile | null = null;
  private readonly offsets = new Map<string, number>();

  constructor(
    private readonly timeline: readonly ProfileDelivery[],
    private readonly deliveryDelayMs: number,
  ) {}

  /** The real-time policy in force for a fix at `t` measured at (lat, lon), or undefined. */
  policyAt(t: number, lat: number, lon: number): RealTimePolicy | undefined {
    while (this.next < this.timeline.length && this.timeline[this.next]!.at + this.deliveryDelayMs <= t) {
      this.current = this.timeline[this.next]!.profile;
      this.next++;
    }
    const p = this.current;
    if (p === null) return undefined;
    for (const trig of p.triggers) {
      if (!this.active(trig, t)) continue;
      const d = haversineM(lat, lon, trig.circle.lat, trig.circle.lon);
      const inside = d <= trig.circle.radiusM;
      if (trig.kind === 'near-exclusion' ? inside : !inside) return p.realTime;
    }
    return undefined;
  }

  private active(trig: Trigger, t: number): boolean {
    if (trig.validFrom !== undefined && t < trig.validFrom) return false;
    if (trig.validTo !== undefined && t >= trig.validTo) return false;
    return trig.schedule === undefined || this.scheduleActive(trig.schedule, t);
  }

  /** [start, end) in local wall time on a listed day; end <= start runs past midnight. */
  private scheduleActive(s: Schedule, t: number): boolean {
    const local = t + this.offsetAt(s.tz, t);
    const day = Math.floor(local / 86_400_000);
    const minute = Math.floor((local - day * 86_400_000) / 60_000);
    const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    for (const w of s.windows) {
      const start = hhmm(w.start);
      const end = hhmm(w.end);
      for (const d of w.days) {
        const wd = DAY_INDEX[d];
        if (end > start) {
          if (wd === weekday && minute >= start && minute < end) return true;
        } else {
          if (wd === weekday && minute >= start) return true;
          if ((wd + 1) % 7 === weekday && minute < end) return true;
        }
      }
    }
    return false;
  }

  /** UTC offset, cached per hour (offsets change on the hour in every zone the sim uses). */
  private offsetAt(tz: string, t: number): number {
    const key = `${tz}|${Math.floor(t / MS_PER_HOUR)}`;
    let off = this.offsets.get(key);
    if (off === undefined) {
      off = tzOffsetMs(tz, Math.floor(t / MS_PER_HOUR) * MS_PER_HOUR);
      if (this.offsets.size > 64) this.offsets.clear();
      this.offsets.set(key, off);
    }
    return off;
  }
}

function hhmm(s: string): number {
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
}
