/**
 * The console's state as a fold of three topics: alerts, operator actions and the notifier's
 * ledger. `evolve(state, event)` is deterministic and reads no clock, so a restart, or a second
 * console, that folds the same records shows the same thing.
 *
 * Order independence across topics: records of one incident on the actions topic are ordered
 * (key = incidentId, one partition), but an action may be read before its incident's alert,
 * because the alerts topic is another topic. Such actions (and ledger records) wait in `pending`
 * and are applied, in their own order, when the first alert arrives. The workflow therefore
 * depends only on the order of the actions topic, which every consumer sees alike: "first
 * acknowledge wins" is decided by the topic, not by whichever console was faster.
 *
 * The maps are updated in place (a replay of 100k records must not copy them per record), but
 * each Incident is replaced, never mutated, so a snapshot given to a client stays valid.
 */
import type { Alert, AlertAction, NotificationRecord, Severity } from '../contract/index.js';
import { incidentIdOf, NOTIFICATION_FAILED_OUTCOMES } from '../contract/index.js';
import {
  type ActionEntry,
  type AlertSummary,
  compareQueue,
  type Incident,
  SEVERITY_RANK,
  type Verdict,
} from './incident.js';
import { isClearing, zoneKindOf } from './pairs.js';
import { decide } from './workflow.js';

export type CentreEvent =
  | { kind: 'alert'; alert: Alert }
  | { kind: 'action'; action: AlertAction }
  | { kind: 'notification'; record: NotificationRecord };

/** Per-severity acknowledge targets in ms (issue 10 defaults: P1 60 s, P2 5 min, P3 1 h). */
export type AckTargets = Record<Severity, number>;
export const DEFAULT_ACK_TARGETS_MS: AckTargets = { P1: 60_000, P2: 300_000, P3: 3_600_000 };

export interface CentreState {
  seq: number;
  readonly ackTargetsMs: AckTargets;
  readonly incidents: Map<string, Incident>;
  /** Every action id folded, with the verdict it got: a replayed id changes nothing. */
  readonly verdicts: Map<string, Verdict>;
  /** Actions and ledger records of incidents whose first alert has not been read yet. */
  readonly pending: Map<string, Array<Exclude<CentreEvent, { kind: 'alert' }>>>;
  readonly alertIds: Set<string>;
  readonly notificationKeys: Set<string>;
}

export type Transition = 'acknowledged' | 'closed';

export interface FoldResult {
  /** The incident as it is now, when this event changed it. */
  changed?: Incident;
  /** For an action: its verdict (also when replayed: the first verdict). */
  verdict?: Verdict;
  /** Set when an action acknowledged or closed the incident: drives the SLA histograms. */
  transition?: { kind: Transition; incident: Incident; afterMs: number };
}

export function initialState(ackTargetsMs: AckTargets = DEFAULT_ACK_TARGETS_MS): CentreState {
  return {
    seq: 0,
    ackTargetsMs,
    incidents: new Map(),
    verdicts: new Map(),
    pending: new Map(),
    alertIds: new Set(),
    notificationKeys: new Set(),
  };
}

function higher(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b;
}

/**
 * Stamps `next` (a fresh object each caller has just built, never one already handed out) with
 * its sequence number and acknowledge deadline and stores it. Stamping in place rather than
 * copying again halves the allocation per change: a start-up replay of 100k records was
 * dominated by garbage collection of such copies.
 */
function commit(state: CentreState, next: Omit<Incident, 'seq' | 'ackDueAt'> & Partial<Incident>): Incident {
  state.seq += 1;
  const incident = next as Incident;
  incident.ackDueAt = next.openedAt + state.ackTargetsMs[next.severity];
  incident.seq = state.seq;
  state.incidents.set(incident.incidentId, incident);
  return incident;
}

function applyAlert(state: CentreState, alert: Alert): FoldResult {
  if (state.alertIds.has(alert.alertId)) return {};
  state.alertIds.add(alert.alertId);
  const id = incidentIdOf(alert);
  // Assigned, not spread from `cond && {...}`: that allocates a throw-away object per field.
  const summary: AlertSummary = {
    alertId: alert.alertId,
    type: alert.type,
    severity: alert.severity,
    ts: alert.ts,
    emittedAt: alert.emittedAt,
    evidenceCount: alert.evidence?.length ?? 0,
  };
  if (alert.certainty !== undefined) summary.certainty = alert.certainty;
  if (alert.late !== undefined) summary.late = alert.late;
  if (alert.zoneVersion !== undefined) summary.zoneVersion = alert.zoneVersion;
  if (alert.distanceM !== undefined) summary.distanceM = alert.distanceM;
  const prev = state.incidents.get(id);
  const clearing = isClearing(alert.type);
  let changed: Incident;
  if (prev === undefined) {
    const zoneKind = zoneKindOf(alert.type);
    changed = commit(state, {
      incidentId: id,
      type: alert.type,
      severity: alert.severity,
      late: alert.late === true,
      subjectId: alert.subjectId,
      tagId: alert.tagId,
      ...(alert.certainty !== undefined && { certainty: alert.certainty }),
      ...(alert.zoneId !== undefined && { zoneId: alert.zoneId }),
      ...(zoneKind !== undefined && { zoneKind }),
      openedAt: alert.emittedAt,
      alerts: [summary],
      cleared: clearing,
      ...(clearing && { clearedAt: alert.ts }),
      status: 'open',
      escalated: false,
      actions: [],
      notifications: [],
      notifyFailed: false,
    });
  } else {
    changed = commit(state, {
      ...prev,
      // A clearing alert is no worse than its opener; the opener's severity stands.
      severity: clearing ? prev.severity : higher(prev.severity, alert.severity),
      alerts: [...prev.alerts, summary].sort((a, b) => a.ts - b.ts || (a.alertId < b.alertId ? -1 : 1)),
      late: prev.late || alert.late === true,
      cleared: prev.cleared || clearing,
      ...(clearing && prev.clearedAt === undefined && { clearedAt: alert.ts }),
    });
  }
  const waiting = state.pending.get(id);
  if (waiting !== undefined) {
    state.pending.delete(id);
    for (const event of waiting) {
      const r = evolve(state, event);
      if (r.changed !== undefined) changed = r.changed;
    }
  }
  return { changed };
}

function entryOf(action: AlertAction): ActionEntry {
  return {
    actionId: action.actionId,
    kind: action.kind,
    user: action.user,
    role: action.role,
    at: action.at,
    ...(action.outcome !== undefined && { outcome: action.outcome }),
    ...(action.note !== undefined && { note: action.note }),
  };
}

function applyAction(state: CentreState, action: AlertAction): FoldResult {
  const seen = state.verdicts.get(action.actionId);
  if (seen !== undefined) return { verdict: seen };
  const prev = state.incidents.get(action.incidentId);
  if (prev === undefined) {
    const queue = state.pending.get(action.incidentId) ?? [];
    if (queue.some((e) => e.kind === 'action' && e.action.actionId === action.actionId)) return {};
    queue.push({ kind: 'action', action });
    state.pending.set(action.incidentId, queue);
    return {};
  }
  const decision = decide({ status: prev.status, owner: prev.owner, type: prev.type }, action);
  if (!decision.ok) {
    const verdict: Verdict = { ok: false, code: decision.code, reason: decision.reason };
    state.verdicts.set(action.actionId, verdict);
    return { verdict };
  }
  state.verdicts.set(action.actionId, { ok: true });
  const next: Omit<Incident, 'seq' | 'ackDueAt'> & Partial<Incident> = {
    ...prev,
    status: decision.to,
    actions: [...prev.actions, entryOf(action)],
  };
  let transition: FoldResult['transition'];
  switch (action.kind) {
    case 'acknowledge':
      next.owner = action.user;
      next.acknowledgedAt = action.at;
      break;
    case 'escalate':
      next.escalated = true;
      break;
    case 'close':
      if (action.outcome !== undefined) next.outcome = action.outcome;
      next.closedAt = action.at;
      break;
    case 'reopen':
      // Reopened means unowned again: someone must claim it, and the ack target runs afresh.
      delete next.owner;
      delete next.acknowledgedAt;
      delete next.closedAt;
      delete next.outcome;
      break;
    case 'note':
      break;
    default: {
      const never: never = action.kind;
      throw new Error(`unknown action kind ${String(never)}`);
    }
  }
  const incident = commit(state, next);
  if (action.kind === 'acknowledge') {
    transition = { kind: 'acknowledged', incident, afterMs: Math.max(0, action.at - prev.openedAt) };
  } else if (action.kind === 'close') {
    transition = { kind: 'closed', incident, afterMs: Math.max(0, action.at - prev.openedAt) };
  }
  return { changed: incident, verdict: { ok: true }, ...(transition && { transition }) };
}

function applyNotification(state: CentreState, record: NotificationRecord): FoldResult {
  const key = `${record.notificationId}\u0000${record.attempt}\u0000${record.outcome}`;
  const prev = state.incidents.get(record.incidentId);
  if (prev === undefined) {
    const queue = state.pending.get(record.incidentId) ?? [];
    queue.push({ kind: 'notification', record });
    state.pending.set(record.incidentId, queue);
    return {};
  }
  if (state.notificationKeys.has(key)) return {};
  state.notificationKeys.add(key);
  const failed = NOTIFICATION_FAILED_OUTCOMES.includes(record.outcome);
  const changed = commit(state, {
    ...prev,
    // The ledger is keyed by notificationId, so its records spread over partitions and arrive in
    // a different interleaving per consumer: keep them sorted so every console shows one order.
    notifications: [
      ...prev.notifications,
      {
        notificationId: record.notificationId,
        endpoint: record.endpoint,
        reason: record.reason,
        attempt: record.attempt,
        at: record.at,
        outcome: record.outcome,
        ...(record.status !== undefined && { status: record.status }),
        ...(record.error !== undefined && { error: record.error }),
      },
    ].sort(
      (a, b) =>
        a.at - b.at ||
        (a.notificationId < b.notificationId ? -1 : a.notificationId > b.notificationId ? 1 : 0) ||
        a.attempt - b.attempt ||
        (a.outcome < b.outcome ? -1 : a.outcome > b.outcome ? 1 : 0),
    ),
    notifyFailed: prev.notifyFailed || failed,
    severity: failed ? 'P1' : prev.severity,
  });
  return { changed };
}

export function evolve(state: CentreState, event: CentreEvent): FoldResult {
  switch (event.kind) {
    case 'alert':
      return applyAlert(state, event.alert);
    case 'action':
      return applyAction(state, event.action);
    case 'notification':
      return applyNotification(state, event.record);
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}

/** Incidents the queue shows: everything not closed, in queue order. */
export function openIncidents(state: CentreState): Incident[] {
  const out: Incident[] = [];
  for (const i of state.incidents.values()) if (i.status !== 'closed') out.push(i);
  return out.sort(compareQueue);
}
