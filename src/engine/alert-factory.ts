/**
 * Alert construction. Alerts are JSON-serialised and must be byte-identical when the same input
 * stream is replayed, so every alert is built field by field in one fixed key order and carries
 * only the optional fields that apply (never an undefined-valued key).
 *
 * Ids are deterministic: alertId = `${type}|${tagId}|${zoneId or '-'}|${ts}` (plus `|late` for an
 * alert raised by a late fix, so it can never collide with an in-order alert for the same ts).
 * One fix raises at most one alert per (type, zone), so the id is unique. Tag ids cannot contain
 * '|', so the id parses unambiguously from both ends even when a zone id contains '|'.
 */
import type { Alert, AlertType } from '../contract/index.js';
import type { CompiledZone } from '../geo/index.js';
import type { EvidenceFix } from './tag-state.js';

export type ZoneAlertType = Extract<
  AlertType,
  'EXCLUSION_ENTERED' | 'EXCLUSION_EXITED' | 'EXCLUSION_APPROACH' | 'INCLUSION_LEFT' | 'INCLUSION_RETURNED'
>;
/** CONFIG_REJECTED is raised by the stream layer's table readers, never by a ping. */
export type DeviceAlertType = Exclude<AlertType, ZoneAlertType | 'CONFIG_REJECTED'>;

/**
 * Device alerts have no zone to take a severity from. Tamper and silence can mean the subject
 * is deliberately evading monitoring, so they are P1; a low battery or a restored signal is
 * information for the monitoring centre, P3.
 */
export const DEVICE_ALERT_SEVERITY: Readonly<Record<DeviceAlertType, 'P1' | 'P2' | 'P3'>> = {
  STRAP_TAMPER: 'P1',
  NO_SIGNAL: 'P1',
  LOW_BATTERY: 'P3',
  SIGNAL_RESTORED: 'P3',
};

/** Zone breach id: `${tagId}|${zoneId}|${ts of the raising fix}`. */
export function zoneBreachId(tagId: string, zoneId: string, ts: number): string {
  return `${tagId}|${zoneId}|${ts}`;
}

/** Silence breach id (NO_SIGNAL → SIGNAL_RESTORED): zone ids are never empty, so no collision. */
export function silenceBreachId(tagId: string, lastFixTs: number): string {
  return `${tagId}||${lastFixTs}`;
}

/** Signed distance rounded to 0.1 m: finer is noise, and it keeps the JSON short. */
function roundDistance(d: number): number {
  return Math.round(d * 10) / 10;
}

/** Evidence score rounded to 0.01: it is read by people, and finer digits are noise. */
function roundScore(s: number): number {
  return Math.round(s * 100) / 100;
}

export function zoneAlert(
  type: ZoneAlertType,
  zone: CompiledZone,
  subjectId: string,
  tagId: string,
  breachId: string | null,
  fix: EvidenceFix,
  emittedAt: number,
  distanceM: number,
  certainty: 'confirmed' | 'possible',
  late: boolean,
  evidence: EvidenceFix[],
  score: number | null = null,
): Alert {
  const alert = {
    alertId: `${type}|${tagId}|${zone.zoneId}|${fix.ts}${late ? '|late' : ''}`,
    type,
    severity: zone.severity,
    subjectId,
    tagId,
    zoneId: zone.zoneId,
  } as Alert;
  if (zone.version !== undefined) alert.zoneVersion = zone.version;
  if (breachId !== null) alert.breachId = breachId;
  alert.ts = fix.ts;
  alert.emittedAt = emittedAt;
  alert.lat = fix.lat;
  alert.lon = fix.lon;
  alert.accuracyM = fix.accuracyM;
  alert.distanceM = roundDistance(distanceM);
  alert.certainty = certainty;
  if (score !== null) alert.score = roundScore(score);
  alert.late = late;
  alert.evidence = evidence;
  return alert;
}

/** Device alerts: no zone, no distance; the fix's position when the trigger has one. */
export function deviceAlert(
  type: DeviceAlertType,
  subjectId: string,
  tagId: string,
  breachId: string | null,
  ts: number,
  emittedAt: number,
  fix: EvidenceFix | null,
): Alert {
  const alert = {
    alertId: `${type}|${tagId}|-|${ts}`,
    type,
    severity: DEVICE_ALERT_SEVERITY[type],
    subjectId,
    tagId,
  } as Alert;
  if (breachId !== null) alert.breachId = breachId;
  alert.ts = ts;
  alert.emittedAt = emittedAt;
  if (fix !== null) {
    alert.lat = fix.lat;
    alert.lon = fix.lon;
    alert.accuracyM = fix.accuracyM;
  }
  return alert;
}
