/**
 * What the console shows about one incident: the alert facts (type, severity, cleared), the
 * workflow state (status, owner) and the trail of actions and notification attempts. Built only
 * by fold.ts; every change produces a new Incident object, so a snapshot handed to a client is
 * never mutated afterwards.
 */
import type { AlertActionKind, AlertType, CloseOutcome, ConsoleRole, Severity } from '../contract/index.js';
import type { IncidentStatus, RejectionCode } from './workflow.js';

export interface AlertSummary {
  alertId: string;
  type: AlertType;
  severity: Severity;
  ts: number;
  emittedAt: number;
  certainty?: 'confirmed' | 'possible';
  late?: boolean;
  zoneVersion?: number;
  distanceM?: number;
  evidenceCount: number;
}

export interface ActionEntry {
  actionId: string;
  kind: AlertActionKind;
  user: string;
  role: ConsoleRole;
  at: number;
  outcome?: CloseOutcome;
  /** Operator text: shown to logged-in users, never logged. */
  note?: string;
}

export interface NotificationEntry {
  notificationId: string;
  endpoint: string;
  reason: string;
  attempt: number;
  at: number;
  outcome: 'delivered' | 'retrying' | 'exhausted' | 'endpoint_disabled';
  status?: number;
  error?: string;
}

export type ZoneKind = 'exclusion' | 'inclusion';

export interface Incident {
  incidentId: string;
  /** Type of the first alert that opened it (an EXITED alone opens as EXITED). */
  type: AlertType;
  /** Severity the operator sees: the alerts' highest, raised to P1 when the police could not be told. */
  severity: Severity;
  certainty?: 'confirmed' | 'possible';
  late: boolean;
  subjectId: string;
  tagId: string;
  zoneId?: string;
  zoneKind?: ZoneKind;
  /** When the engine raised the first alert (emittedAt): the age and the ack target count from here. */
  openedAt: number;
  /** Ack target deadline (openedAt + per-severity target). */
  ackDueAt: number;
  alerts: AlertSummary[];
  /** The condition ended (EXITED / RETURNED / SIGNAL_RESTORED); the incident stays open until closed. */
  cleared: boolean;
  clearedAt?: number;
  status: IncidentStatus;
  owner?: string;
  acknowledgedAt?: number;
  closedAt?: number;
  outcome?: CloseOutcome;
  escalated: boolean;
  actions: ActionEntry[];
  notifications: NotificationEntry[];
  /** A notification was exhausted or its endpoint disabled: someone must phone the force. */
  notifyFailed: boolean;
  /** The fold's sequence number of this incident's last change (SSE event id). */
  seq: number;
}

export type Verdict = { ok: true } | { ok: false; code: RejectionCode; reason: string };

export const SEVERITY_RANK: Record<Severity, number> = { P1: 0, P2: 1, P3: 2 };

/** Queue order: severity, then age (oldest first), then id so the order is total. */
export function compareQueue(a: Incident, b: Incident): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.openedAt - b.openedAt ||
    (a.incidentId < b.incidentId ? -1 : a.incidentId > b.incidentId ? 1 : 0)
  );
}
