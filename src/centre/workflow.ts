/**
 * The incident workflow as a table of legal moves (PagerDuty's triggered → acknowledged →
 * resolved, with the condition's "cleared" kept apart, as ThingsBoard does). Pure: the action
 * record carries its own time, user and role; nothing here reads a clock.
 *
 * `decide` answers whether an action may move an incident, and to where. An illegal move is a
 * Rejection with a stable code (the console answers 409 or 403 with it), never an exception,
 * because illegal moves are ordinary on a shared topic: two operators racing to acknowledge
 * both produce, and the second record is folded as a rejection by every consumer alike.
 */
import type { AlertAction, AlertActionKind, ConsoleRole } from '../contract/index.js';

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const REJECTION_CODES = [
  'already_acknowledged',
  'not_acknowledged',
  'not_owner',
  'already_closed',
  'not_closed',
  'note_required',
  'forbidden',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface Rejection {
  ok: false;
  code: RejectionCode;
  reason: string;
}
export interface Move {
  ok: true;
  to: IncidentStatus;
}
export type Decision = Move | Rejection;

/** What `decide` needs to know about the incident. */
export interface WorkflowView {
  status: IncidentStatus;
  owner: string | undefined;
  /** The incident's first alert type: closing a STRAP_TAMPER needs a note (SCRAM's rule). */
  type: string;
}

type Rule = (view: WorkflowView, action: AlertAction) => Decision;

const reject = (code: RejectionCode, reason: string): Rejection => ({ ok: false, code, reason });
const to = (status: IncidentStatus): Move => ({ ok: true, to: status });
const stay: Rule = (view) => to(view.status);

function close(view: WorkflowView, action: AlertAction): Decision {
  if (view.owner !== action.user && action.role !== 'supervisor') {
    return reject('not_owner', `only the owner (${view.owner}) or a supervisor may close`);
  }
  if (view.type === 'STRAP_TAMPER' && (action.note === undefined || action.note.trim() === '')) {
    return reject('note_required', 'closing a STRAP_TAMPER needs a note');
  }
  return to('closed');
}

/** TABLE[status][kind]: every cell is a rule; an illegal cell rejects with a reason. */
const TABLE: Record<IncidentStatus, Record<AlertActionKind, Rule>> = {
  open: {
    acknowledge: () => to('acknowledged'),
    note: stay,
    escalate: stay,
    close: () => reject('not_acknowledged', 'close needs an owner: acknowledge first'),
    reopen: () => reject('not_closed', 'only a closed incident can be reopened'),
  },
  acknowledged: {
    acknowledge: (v) => reject('already_acknowledged', `already acknowledged by ${v.owner}`),
    note: stay,
    escalate: stay,
    close,
    reopen: () => reject('not_closed', 'only a closed incident can be reopened'),
  },
  closed: {
    acknowledge: () => reject('already_closed', 'the incident is closed'),
    // A closed incident still takes notes: the audit trail may need an addendum.
    note: stay,
    escalate: () => reject('already_closed', 'the incident is closed; reopen it first'),
    close: () => reject('already_closed', 'the incident is already closed'),
    reopen: () => to('open'),
  },
};

/** Which roles may perform which action kind, checked before the table. */
export const ROLE_MAY: Record<ConsoleRole, ReadonlySet<AlertActionKind>> = {
  operator: new Set(['acknowledge', 'note', 'escalate', 'close']),
  supervisor: new Set(['acknowledge', 'note', 'escalate', 'close', 'reopen']),
  auditor: new Set(),
};

export function decide(view: WorkflowView, action: AlertAction): Decision {
  if (!ROLE_MAY[action.role].has(action.kind)) {
    return reject('forbidden', `role ${action.role} may not ${action.kind}`);
  }
  return TABLE[view.status][action.kind](view, action);
}
