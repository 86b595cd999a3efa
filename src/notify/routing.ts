/**
 * Which alerts go to which endpoints: a pure fold over the alerts and operator actions, in the
 * order they are read. No clock, no I/O; the shell feeds records in and schedules what comes out.
 *
 * Three reasons to send an alert to an endpoint (the ledger's `reason`):
 * - `rule`: an `immediate` rule matches the alert;
 * - `escalation`: an operator escalated the alert's incident and an `escalation` rule matches the
 *   incident's opening alert (all the incident's alerts so far go);
 * - `follow_up`: a closing alert (EXCLUSION_EXITED, INCLUSION_RETURNED, SIGNAL_RESTORED) goes to
 *   every endpoint that was sent the incident's earlier alerts, whatever the rules say, so a
 *   force told of an entry is also told of the exit.
 *
 * A (alert, endpoint) pair is routed at most once: its webhook-id is derived from the pair, so an
 * escalation of an incident already sent by rule sends nothing again.
 *
 * The fold is deterministic, so a restarted notifier that re-reads the topics re-derives every
 * routing decision (and webhook-id) it made before the crash: that is what makes "consumed but
 * never attempted" recoverable without a separate record.
 */
import type { Alert, AlertAction, AlertType, NOTIFICATION_REASONS } from '../contract/index.js';
import { incidentIdOf } from '../contract/index.js';
import type { Match, Rule } from './routing-config.js';

/** The ledger's `reason` values (the contract exports only the schema). */
export type NotificationReason = (typeof NOTIFICATION_REASONS)[number];

export interface RouteDecision {
  readonly alert: Alert;
  readonly incidentId: string;
  readonly endpoint: string;
  readonly reason: NotificationReason;
  /** The escalation's actionId when reason is `escalation`. */
  readonly actionId?: string;
  /** When the decision's trigger happened (alert emittedAt, or the escalation's at), ms. */
  readonly triggeredAt: number;
}

const CLOSING_TYPES: ReadonlySet<AlertType> = new Set([
  'EXCLUSION_EXITED',
  'INCLUSION_RETURNED',
  'SIGNAL_RESTORED',
]);

export function isClosing(type: AlertType): boolean {
  return CLOSING_TYPES.has(type);
}

interface Incident {
  readonly alerts: Alert[];
  /** Endpoints sent (routed) any alert of this incident. */
  readonly endpoints: Set<string>;
  /** Escalations seen before the incident's first alert (topics are read concurrently). */
  readonly waitingEscalations: AlertAction[];
  readonly escalations: AlertAction[];
}

export interface RouterState {
  readonly incidents: Map<string, Incident>;
  /** `${alertId}\u0000${endpoint}` of every routed pair. */
  readonly routed: Set<string>;
}

export function initialRouterState(): RouterState {
  return { incidents: new Map(), routed: new Set() };
}

export function matches(match: Match, alert: Alert): boolean {
  if (match.types && !match.types.includes(alert.type)) return false;
  if (match.severities && !match.severities.includes(alert.severity)) return false;
  if (match.certainties && (alert.certainty === undefined || !match.certainties.includes(alert.certainty)))
    return false;
  if (match.subjects && !match.subjects.includes(alert.subjectId)) return false;
  if (match.zones && (alert.zoneId === undefined || !match.zones.includes(alert.zoneId))) return false;
  if (match.area) {
    const { lat, lon } = alert;
    if (lat === undefined || lon === undefined) return false;
    const a = match.area;
    if (lat < a.minLat || lat > a.maxLat || lon < a.minLon || lon > a.maxLon) return false;
  }
  return true;
}

function incidentOf(state: RouterState, incidentId: string): Incident {
  let incident = state.incidents.get(incidentId);
  if (!incident) {
    incident = { alerts: [], endpoints: new Set(), waitingEscalations: [], escalations: [] };
    state.incidents.set(incidentId, incident);
  }
  return incident;
}

function route(
  state: RouterState,
  out: RouteDecision[],
  incident: Incident,
  d: Omit<RouteDecision, 'incidentId'> & { incidentId: string },
): void {
  const key = `${d.alert.alertId}\u0000${d.endpoint}`;
  if (state.routed.has(key)) return;
  state.routed.add(key);
  incident.endpoints.add(d.endpoint);
  out.push(d);
}

function escalate(state: RouterState, rules: readonly Rule[], incident: Incident, action: AlertAction) {
  const out: RouteDecision[] = [];
  const opener = incident.alerts[0];
  if (!opener) return out;
  // Rules judge the incident by its opening alert; a closer alone would not match a P1 ENTERED rule.
  const endpoints = new Set<string>();
  for (const rule of rules) {
    if (rule.mode === 'escalation' && matches(rule.match, opener))
      for (const e of rule.endpoints) endpoints.add(e);
  }
  for (const alert of incident.alerts) {
    for (const endpoint of endpoints) {
      route(state, out, incident, {
        alert,
        incidentId: action.incidentId,
        endpoint,
        reason: 'escalation',
        actionId: action.actionId,
        triggeredAt: action.at,
      });
    }
  }
  return out;
}

/** Fold one alert in; returns the deliveries it causes (possibly none). */
export function routeAlert(state: RouterState, rules: readonly Rule[], alert: Alert): RouteDecision[] {
  const incidentId = incidentIdOf(alert);
  const incident = incidentOf(state, incidentId);
  if (incident.alerts.some((a) => a.alertId === alert.alertId)) return []; // replayed record
  incident.alerts.push(alert);
  const out: RouteDecision[] = [];
  const base = { alert, incidentId, triggeredAt: alert.emittedAt };
  for (const rule of rules) {
    if (rule.mode !== 'immediate' || !matches(rule.match, alert)) continue;
    for (const endpoint of rule.endpoints) route(state, out, incident, { ...base, endpoint, reason: 'rule' });
  }
  if (isClosing(alert.type)) {
    for (const endpoint of [...incident.endpoints])
      route(state, out, incident, { ...base, endpoint, reason: 'follow_up' });
  }
  if (incident.waitingEscalations.length > 0) {
    const waiting = incident.waitingEscalations.splice(0);
    for (const action of waiting) for (const d of applyEscalation(state, rules, action)) out.push(d);
  }
  return out;
}

function applyEscalation(state: RouterState, rules: readonly Rule[], action: AlertAction): RouteDecision[] {
  const incident = incidentOf(state, action.incidentId);
  if (incident.escalations.some((a) => a.actionId === action.actionId)) return [];
  incident.escalations.push(action);
  return escalate(state, rules, incident, action);
}

/** Fold one operator action in. Only `escalate` routes anything; other kinds are ignored. */
export function routeAction(
  state: RouterState,
  rules: readonly Rule[],
  action: AlertAction,
): RouteDecision[] {
  if (action.kind !== 'escalate') return [];
  const incident = incidentOf(state, action.incidentId);
  if (incident.alerts.length === 0) {
    if (!incident.waitingEscalations.some((a) => a.actionId === action.actionId))
      incident.waitingEscalations.push(action);
    return [];
  }
  return applyEscalation(state, rules, action);
}
