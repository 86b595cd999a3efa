/**
 * Is a zone in force at a fix's ts? Its validity window (validFrom <= ts < validTo) and its
 * schedule (absent = always) are both judged at the fix's own ts, never at arrival.
 */
import type { CompiledZone } from '../geo/index.js';
import { type CompiledSchedule, compileSchedule, scheduleActiveAt } from './schedule.js';

/** Compiled once per compiled zone; a new version of a zone is a new CompiledZone object. */
const schedules = new WeakMap<CompiledZone, CompiledSchedule>();

export function zoneActiveAt(zone: CompiledZone, ts: number): boolean {
  if (ts < zone.validFrom || ts >= zone.validTo) return false;
  const source = zone.schedule;
  if (source === undefined) return true;
  let compiled = schedules.get(zone);
  if (compiled === undefined) {
    compiled = compileSchedule(source);
    schedules.set(zone, compiled);
  }
  return scheduleActiveAt(compiled, ts);
}

/**
 * Compile a zone's schedule now, when the zone loads, so the first fix pays nothing and a
 * schedule that cannot compile rejects the zone instead of surfacing on a fix.
 */
export function compileZoneSchedule(zone: CompiledZone): void {
  const source = zone.schedule;
  if (source !== undefined && !schedules.has(zone)) schedules.set(zone, compileSchedule(source));
}
