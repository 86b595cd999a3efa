/**
 * NO_SIGNAL and SIGNAL_RESTORED. Silence is measured in wall-clock time from the arrival of the
 * tag's last accepted in-order fix (a tag's own ts can be minutes behind while it uploads a
 * buffer). The alert's ts is that last fix's ts, so one silence is one alert (same id) however
 * often the sweep runs, and a restart that replays the sweep produces the same id.
 */
import type { Alert } from '../contract/index.js';
import { deviceAlert, silenceBreachId } from './alert-factory.js';
import type { EngineConfig } from './config.js';
import { enrolmentKey, subjectAt } from './enrolment-table.js';
import { followEnrolment, newTagState, type TagState } from './tag-state.js';
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
  // A state of a previous enrolment says nothing about the current one (see sweepUnheard).
  if (enrolment !== undefined && state.enrolment !== null && state.enrolment !== enrolmentKey(enrolment)) {
    return false;
  }
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

/**
 * NO_SIGNAL for an enrolled tag that has sent no fix under its current enrolment, counted from
 * the enrolment (validFrom, else when the worker first saw it). `state` is the tag's state, if
 * any. Returns the state to write (created or reset to follow the enrolment) when it raised the
 * alert, else null. The alert's ts is the enrolment start, so the silence keeps one id, and the
 * first fix closes it with SIGNAL_RESTORED.
 */
export function sweepUnheard(
  world: World,
  config: EngineConfig,
  tagId: string,
  state: TagState | undefined,
  now: number,
  out: Alert[],
): TagState | null {
  const enrolment = world.enrolments.get(tagId);
  if (enrolment === undefined) return null;
  const key = enrolmentKey(enrolment);
  if (state !== undefined) {
    const current = state.enrolment === key || (state.enrolment === null && state.lastTs !== null);
    if (current && (state.lastTs !== null || state.noSignalTs !== null)) return null;
  }
  const since = world.enrolments.enrolledSince(tagId);
  if (since === undefined || now < since || now - since < config.noSignalAfterS * 1000) return null;
  if (enrolment.validTo !== undefined && now >= enrolment.validTo) return null;
  const s = state ?? newTagState(tagId);
  followEnrolment(s, key);
  s.noSignalTs = since;
  out.push(
    deviceAlert('NO_SIGNAL', enrolment.subjectId, tagId, silenceBreachId(tagId, since), since, now, null),
  );
  return s;
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
