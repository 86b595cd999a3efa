/**
 * NO_SIGNAL and SIGNAL_RESTORED. Silence is measured in wall-clock time from the arrival of the
 * tag's last accepted in-order fix (a tag's own ts can be minutes behind while it uploads a
 * buffer). The alert's ts is that last fix's ts, so one silence is one alert (same id) however
 * often the sweep runs, and a restart that replays the sweep produces the same id.
 */
import type { Alert } from '../contract/index.js';
import { deviceAlert, silenceBreachId } from './alert-factory.js';
import type { EngineConfig } from './config.js';
import { subjectAt } from './enrolment-table.js';
import type { TagState } from './tag-state.js';
import type { World } from './world.js';

/** NO_SIGNAL check for one tag at wall-clock `now`. Returns true when it changed the state. */
export function sweepNoSignal(
  world: World,
  config: EngineConfig,
  state: TagState,
  now: number,
  out: Alert[],
): boolean {
  const lastTs = state.lastTs;
  const arrivedAt = state.lastFixArrivedAt;
  if (lastTs === null || arrivedAt === null || state.noSignalTs !== null) return false;
  if (now - arrivedAt < config.noSignalAfterS * 1000) return false;
  const enrolment = world.enrolments.get(state.tagId);
  const subjectId = subjectAt(enrolment, lastTs);
  if (subjectId === undefined) return false;
  // An enrolment that has ended by now expects no more fixes: its silence is not an alarm.
  if (enrolment!.validTo !== undefined && now >= enrolment!.validTo) return false;
  state.noSignalTs = lastTs;
  out.push(
    deviceAlert(
      'NO_SIGNAL',
      subjectId,
      state.tagId,
      silenceBreachId(state.tagId, lastTs),
      lastTs,
      now,
      state.lastFix,
    ),
  );
  return true;
}

/** Called for each accepted in-order fix: closes an open silence with SIGNAL_RESTORED. */
export function restoreSignal(state: TagState, subjectId: string, emittedAtMs: number, out: Alert[]): void {
  const silentSince = state.noSignalTs;
  if (silentSince === null) return;
  state.noSignalTs = null;
  const fix = state.lastFix!;
  out.push(
    deviceAlert(
      'SIGNAL_RESTORED',
      subjectId,
      state.tagId,
      silenceBreachId(state.tagId, silentSince),
      fix.ts,
      emittedAtMs,
      fix,
    ),
  );
}
