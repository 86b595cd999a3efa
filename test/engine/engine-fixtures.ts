/**
 * A tiny world for engine tests: zones around a centre in London, one enrolled tag, and fixes
 * placed at known metre offsets from the centre. Zones are compiled by the real geo code.
 */
import type { Alert, Enrolment, Ping, Zone } from '../../src/contract/index.js';
import {
  applyPing,
  DEFAULT_ENGINE_CONFIG,
  type EngineConfig,
  EnrolmentTable,
  newTagState,
  type PingOutcome,
  sweepNoSignal,
  type TagState,
  type World,
} from '../../src/engine/index.js';
import { compileZone, ZoneIndex } from '../../src/geo/index.js';

export const LAT0 = 51.5;
export const LON0 = -0.1;
export const M_PER_DEG = 6371008.8 * (Math.PI / 180);
/** Monday 5 January 2026 12:00 UTC (no schedule in these tests cares about it). */
export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
export const TAG = 't1';
export const SUBJECT = 's1';

/** [lat, lon] of a point `northM` north and `eastM` east of the centre. */
export function at(northM: number, eastM = 0): [number, number] {
  return [LAT0 + northM / M_PER_DEG, LON0 + eastM / (M_PER_DEG * Math.cos((LAT0 * Math.PI) / 180))];
}

/** A circle zone at the centre. */
export function circle(zoneId: string, radiusM: number, extra: Partial<Zone> = {}): Zone {
  return {
    zoneId,
    subjectId: SUBJECT,
    kind: 'exclusion',
    geometry: { type: 'Point', coordinates: [LON0, LAT0] },
    radiusM,
    ...extra,
  };
}

/** An axis-aligned square ring [south, west, north, east] in metres around the centre. */
export function squareRing(halfM: number, northOffsetM = 0, eastOffsetM = 0): number[][] {
  const [s, w] = at(northOffsetM - halfM, eastOffsetM - halfM);
  const [n, e] = at(northOffsetM + halfM, eastOffsetM + halfM);
  return [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ];
}

export interface FixOptions {
  acc?: number;
  eastM?: number;
  battery?: number;
  strap?: 'ok' | 'tampered';
  /** Wall-clock arrival; defaults to the fix time. */
  arrivedAt?: number;
}

/** Drives one tag through the real engine, collecting alerts. */
export class Harness {
  readonly world: World;
  state: TagState = newTagState(TAG);
  readonly alerts: Alert[] = [];
  readonly outcomes: PingOutcome[] = [];

  constructor(
    zones: Zone[],
    readonly config: EngineConfig = { ...DEFAULT_ENGINE_CONFIG },
    enrolment: Enrolment | null = { tagId: TAG, subjectId: SUBJECT },
  ) {
    const enrolments = new EnrolmentTable();
    if (enrolment !== null) enrolments.upsert(enrolment);
    this.world = { zones: ZoneIndex.build(zones.map(compileZone)), enrolments };
  }

  /** A fix `northM` north of the centre at T0 + `sec` seconds. Returns the outcome. */
  fix(sec: number, northM: number, o: FixOptions = {}): PingOutcome {
    const [lat, lon] = at(northM, o.eastM ?? 0);
    const ping: Ping = { tagId: TAG, ts: T0 + sec * 1000, lat, lon };
    if (o.acc !== undefined) ping.accuracyM = o.acc;
    if (o.battery !== undefined) ping.battery = o.battery;
    if (o.strap !== undefined) ping.strap = o.strap;
    return this.ping(ping, o.arrivedAt);
  }

  /** Apply any ping; arrival and emission default to its ts. */
  ping(ping: Ping, arrivedAt = ping.ts): PingOutcome {
    const outcome = applyPing(this.world, this.config, this.state, ping, arrivedAt, arrivedAt, this.alerts);
    this.outcomes.push(outcome);
    return outcome;
  }

  sweep(now: number): boolean {
    return sweepNoSignal(this.world, this.config, this.state, now, this.alerts);
  }

  types(): string[] {
    return this.alerts.map((a) => a.type);
  }

  /** Alerts raised since the previous call. */
  private seen = 0;
  newAlerts(): Alert[] {
    const fresh = this.alerts.slice(this.seen);
    this.seen = this.alerts.length;
    return fresh;
  }
}

export const sec = (s: number) => T0 + s * 1000;

/**
 * Confirmation rule 1.0 ("single fix confirms"), still available by configuration. Tests written
 * for it (confirmation, schedule, late fixes...) pin it; rule 1.1 has corroborated.test.ts.
 */
export const SINGLE_FIX: EngineConfig = Object.freeze({
  ...DEFAULT_ENGINE_CONFIG,
  confirmRule: 'single-fix',
});
