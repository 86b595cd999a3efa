/**
 * Everything the console knows, in memory: the incident fold (src/centre) plus the tables the
 * views need (zones, enrolments, alert positions, the view-audit log). Records arrive here already
 * decoded; this module has no Kafka in it, so the server and the tests share one shape.
 *
 * Positions (alert fixes, evidence) are kept apart from the Incident objects on purpose: incidents
 * go to every client over the event stream (auditors included), positions only through the map
 * endpoint that checks the role and writes an audit record.
 */

import {
  type AckTargets,
  type CentreEvent,
  type CentreState,
  evolve,
  type FoldResult,
  type Incident,
  initialState,
  type Verdict,
} from '../centre/index.js';
import type {
  Alert,
  AlertAction,
  ConsoleAudit,
  Enrolment,
  EvidenceFix,
  NotificationRecord,
  Zone,
} from '../contract/index.js';
import { incidentIdOf } from '../contract/index.js';

export interface AlertPosition {
  alertId: string;
  incidentId: string;
  type: Alert['type'];
  ts: number;
  lat?: number;
  lon?: number;
  accuracyM?: number;
  evidence: EvidenceFix[];
}

export type ChangeListener = (incident: Incident, result: FoldResult) => void;

const AUDIT_KEEP = 10_000;
const POSITIONS_PER_SUBJECT = 500;

export class CentreStore {
  readonly state: CentreState;
  readonly zones = new Map<string, Zone>();
  readonly enrolments = new Map<string, Enrolment>();
  /** subjectId → that subject's alert positions, oldest first (bounded). */
  private readonly positions = new Map<string, AlertPosition[]>();
  readonly audit: ConsoleAudit[] = [];
  private readonly listeners = new Set<ChangeListener>();
  private readonly waiters = new Map<string, (v: Verdict) => void>();

  constructor(ackTargetsMs: AckTargets) {
    this.state = initialState(ackTargetsMs);
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private fold(event: CentreEvent): FoldResult {
    const result = evolve(this.state, event);
    if (result.changed !== undefined) for (const l of this.listeners) l(result.changed, result);
    return result;
  }

  applyAlert(alert: Alert): void {
    const fresh = !this.state.alertIds.has(alert.alertId);
    this.fold({ kind: 'alert', alert });
    if (!fresh) return;
    const list = this.positions.get(alert.subjectId) ?? [];
    const position: AlertPosition = {
      alertId: alert.alertId,
      incidentId: incidentIdOf(alert),
      type: alert.type,
      ts: alert.ts,
      evidence: alert.evidence ?? [],
    };
    if (alert.lat !== undefined) position.lat = alert.lat;
    if (alert.lon !== undefined) position.lon = alert.lon;
    if (alert.accuracyM !== undefined) position.accuracyM = alert.accuracyM;
    list.push(position);
    if (list.length > POSITIONS_PER_SUBJECT) list.shift();
    this.positions.set(alert.subjectId, list);
  }

  applyAction(action: AlertAction): void {
    const result = this.fold({ kind: 'action', action });
    const verdict = result.verdict ?? this.state.verdicts.get(action.actionId);
    const waiter = this.waiters.get(action.actionId);
    if (waiter !== undefined && verdict !== undefined) {
      this.waiters.delete(action.actionId);
      waiter(verdict);
    }
  }

  applyNotification(record: NotificationRecord): void {
    this.fold({ kind: 'notification', record });
  }

  applyAudit(record: ConsoleAudit): void {
    this.audit.push(record);
    if (this.audit.length > 2 * AUDIT_KEEP) this.audit.splice(0, this.audit.length - AUDIT_KEEP);
  }

  applyZone(key: string, zone: Zone | null): void {
    if (zone === null) this.zones.delete(key);
    else this.zones.set(key, zone);
  }

  applyEnrolment(key: string, enrolment: Enrolment | null): void {
    if (enrolment === null) this.enrolments.delete(key);
    else this.enrolments.set(key, enrolment);
  }

  /**
   * Resolves with the fold's verdict on `actionId` once this console has folded that record (or
   * at once when it already has); rejects after `timeoutMs`.
   */
  verdictOf(actionId: string, timeoutMs: number): Promise<Verdict> {
    const known = this.state.verdicts.get(actionId);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(actionId);
        reject(new Error('action not folded in time'));
      }, timeoutMs);
      this.waiters.set(actionId, (v) => {
        clearTimeout(timer);
        resolve(v);
      });
    });
  }

  positionsOf(subjectId: string): readonly AlertPosition[] {
    return this.positions.get(subjectId) ?? [];
  }

  zonesOf(subjectId: string): Zone[] {
    const out: Zone[] = [];
    for (const z of this.zones.values()) if (z.subjectId === subjectId) out.push(z);
    return out;
  }

  tagsOf(subjectId: string): Enrolment[] {
    const out: Enrolment[] = [];
    for (const e of this.enrolments.values()) if (e.subjectId === subjectId) out.push(e);
    return out;
  }
}
