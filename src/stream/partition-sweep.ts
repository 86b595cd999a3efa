/**
 * What a periodic sweep of one partition decides, as pure functions of the world, the states,
 * the wall clock and how far behind the partition is:
 *  - NO_SIGNAL for tags silent too long, but never while the partition is catching up: a backlog
 *    is not a silence (the fixes are there, unread);
 *  - which tag states have outlived their enrolment by the retention time (tombstoned in the
 *    changelog and dropped from memory, so memory stays bounded by the enrolled caseload).
 */
import type { Alert } from '../contract/index.js';
import {
  type EngineConfig,
  sweepNoSignal,
  sweepUnheard,
  type TagState,
  type World,
} from '../engine/index.js';

export interface Backlog {
  /** Records between the committed position and the partition's end, at sweep time. */
  readonly lag: number;
  /** Broker append time of the last record processed (ms); undefined when none since assignment. */
  readonly lastAppendTs: number | undefined;
}

export interface BacklogLimits {
  readonly maxLag: number;
  readonly maxBehindMs: number;
}

/**
 * Behind: more unread records than `maxLag`, or any unread record while the last one processed
 * was appended more than `maxBehindMs` ago (or none was processed yet since assignment).
 */
export function isBehind(b: Backlog, limits: BacklogLimits, now: number): boolean {
  if (b.lag > limits.maxLag) return true;
  if (b.lag === 0) return false;
  return b.lastAppendTs === undefined || now - b.lastAppendTs > limits.maxBehindMs;
}

/**
 * A state outlives its enrolment: the enrolment ended (validTo) more than `retentionMs` ago, or
 * there is no enrolment (deleted, or a state from before an upgrade) and the tag's last fix
 * arrived more than `retentionMs` ago. Until then late fixes still find their episodes.
 */
export function stateExpired(world: World, state: TagState, now: number, retentionMs: number): boolean {
  const e = world.enrolments.get(state.tagId);
  if (e !== undefined) return e.validTo !== undefined && now - e.validTo >= retentionMs;
  return now - (state.lastFixArrivedAt ?? 0) >= retentionMs;
}

export interface SweepInput {
  readonly world: World;
  readonly engine: EngineConfig;
  /** The partition's states; a state created for an enrolled tag that never reported is added. */
  readonly states: Map<string, TagState>;
  /** Enrolled tags whose pings land on this partition (NO_SIGNAL for those never heard from). */
  readonly enrolledTags: Iterable<string>;
  readonly now: number;
  readonly retentionMs: number;
  readonly behind: boolean;
}

export interface SweepPlan {
  readonly alerts: Alert[];
  /** States the sweep changed (NO_SIGNAL raised): written to the changelog. */
  readonly changed: TagState[];
  /** Tags whose state is tombstoned and dropped. */
  readonly expired: string[];
}

/** Mutates the states it raises NO_SIGNAL for (as the engine does); the caller commits or voids them. */
export function planSweep(input: SweepInput): SweepPlan {
  const { world, engine, states, now, retentionMs, behind } = input;
  const plan: SweepPlan = { alerts: [], changed: [], expired: [] };
  for (const state of states.values()) {
    if (stateExpired(world, state, now, retentionMs)) {
      plan.expired.push(state.tagId);
      continue;
    }
    if (!behind && sweepNoSignal(world, engine, state, now, plan.alerts)) plan.changed.push(state);
  }
  if (behind) return plan;
  for (const tagId of input.enrolledTags) {
    const state = states.get(tagId);
    const raised = sweepUnheard(world, engine, tagId, state, now, plan.alerts);
    if (raised === null) continue;
    if (state === undefined) states.set(tagId, raised);
    plan.changed.push(raised);
  }
  return plan;
}
