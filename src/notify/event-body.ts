/**
 * The webhook body: a CloudEvents 1.0 envelope in structured JSON mode
 * (`application/cloudevents+json`) carrying only what a force needs to dispatch.
 *
 * Built field by field from an explicit allow-list, never by spreading the alert: whatever a
 * future alert (or a buggy producer) carries beyond these fields, a zone's label or geometry or
 * a victim's address cannot reach the force through this function. The force holds the zone
 * details on its side, under the zone reference.
 */
import { type Alert, incidentPath } from '../contract/index.js';
import type { NotificationReason } from './routing.js';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
export const EVENT_TYPE_PREFIX = 'uk.fenceline.alert.';

export interface EventContext {
  readonly webhookId: string;
  readonly incidentId: string;
  readonly reason: NotificationReason;
  readonly source: string;
  readonly consoleBaseUrl: string;
  /** The escalation's time, when reason is `escalation`. */
  readonly escalatedAt?: number | undefined;
}

export interface AlertEventData {
  alertId: string;
  incidentId: string;
  alertType: Alert['type'];
  severity: Alert['severity'];
  certainty?: 'confirmed' | 'possible';
  subjectId: string;
  tagId: string;
  zoneId?: string;
  zoneVersion?: number;
  /** When the fix that raised the alert was taken, and when the engine raised it (RFC 3339). */
  occurredAt: string;
  raisedAt: string;
  /** The offender's fix: where to send officers. */
  fix?: { lat: number; lon: number; accuracyM?: number };
  /** Metres from the zone's edge (positive inside an exclusion zone); no geometry. */
  distanceM?: number;
  late?: boolean;
  reason: NotificationReason;
  escalatedAt?: string;
  incidentUrl: string;
}

export interface AlertEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: AlertEventData;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function buildAlertEvent(alert: Alert, ctx: EventContext): AlertEvent {
  const data: AlertEventData = {
    alertId: alert.alertId,
    incidentId: ctx.incidentId,
    alertType: alert.type,
    severity: alert.severity,
    subjectId: alert.subjectId,
    tagId: alert.tagId,
    occurredAt: iso(alert.ts),
    raisedAt: iso(alert.emittedAt),
    reason: ctx.reason,
    incidentUrl: `${ctx.consoleBaseUrl.replace(/\/+$/, '')}${incidentPath(ctx.incidentId)}`,
  };
  if (alert.certainty !== undefined) data.certainty = alert.certainty;
  if (alert.zoneId !== undefined) data.zoneId = alert.zoneId;
  if (alert.zoneVersion !== undefined) data.zoneVersion = alert.zoneVersion;
  if (alert.lat !== undefined && alert.lon !== undefined) {
    data.fix = { lat: alert.lat, lon: alert.lon };
    if (alert.accuracyM !== undefined) data.fix.accuracyM = alert.accuracyM;
  }
  if (alert.distanceM !== undefined) data.distanceM = alert.distanceM;
  if (alert.late === true) data.late = true;
  if (ctx.escalatedAt !== undefined) data.escalatedAt = iso(ctx.escalatedAt);
  return {
    specversion: '1.0',
    id: ctx.webhookId,
    source: ctx.source,
    type: `${EVENT_TYPE_PREFIX}${alert.type.toLowerCase()}`,
    subject: ctx.incidentId,
    time: iso(alert.emittedAt),
    datacontenttype: 'application/json',
    data,
  };
}
