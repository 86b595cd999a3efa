/**
 * Field descriptions for the generated JSON Schemas, worded after docs/CONTRACT.md
 * (the wire contract), so a team reading only the schema learns the rules that matter.
 * generate-schemas.ts fails if a description names a field the zod schema does not have.
 */

export const PING_DESCRIPTIONS: Record<string, string> = {
  tagId: 'The tag; also the Kafka key, so one tag’s pings stay in order. 1-64 of A-Z a-z 0-9 . _ : -',
  ts: 'Integer ms since the Unix epoch (UTC) when the device took the fix or status.',
  lat: 'WGS84 latitude in degrees. A fix has both lat and lon, or neither.',
  lon: 'WGS84 longitude in degrees. A fix has both lat and lon, or neither.',
  accuracyM:
    'Radius in metres of the fix’s ~95% confidence circle; when absent the worker’s configured default applies.',
  battery: 'Battery level, 0 (empty) to 1 (full).',
  strap: 'Strap state; "tampered" after "ok" or nothing raises STRAP_TAMPER.',
};

const VALIDITY_FROM = 'Integer ms; the record applies to fixes with validFrom <= ts. Absent: since forever.';
const VALIDITY_TO =
  'Integer ms; the record applies to fixes with ts < validTo. Absent: forever. Must be later than validFrom (not expressible in JSON Schema; the worker checks it).';

export const ZONE_DESCRIPTIONS: Record<string, string> = {
  zoneId: 'The zone; also the Kafka key.',
  subjectId: 'The monitored person this zone restrains.',
  kind: 'exclusion: must stay out; inclusion: must stay in.',
  geometry:
    'GeoJSON (RFC 7946) Point, Polygon or MultiPolygon in WGS84 degrees; polygons may have holes, and a hole is outside the zone. The boundary belongs to the zone.',
  radiusM: 'Metres; required when geometry is a Point: the zone is that circle.',
  warningM: 'Exclusion only: width in metres of the approach ring outside the boundary. Default 0 (none).',
  schedule: 'When the zone is active; absent: always.',
  validFrom: VALIDITY_FROM,
  validTo: VALIDITY_TO,
  severity: 'Severity of the zone’s alerts. Default P1 for exclusion, P2 for inclusion.',
  label: 'Human-readable name, e.g. "victim’s home". Sensitive: never logged.',
  version: 'Bump on every change; alerts report it as zoneVersion.',
};

export const ENROLMENT_DESCRIPTIONS: Record<string, string> = {
  tagId: 'The tag; also the Kafka key.',
  subjectId: 'Who wears the tag.',
  validFrom: VALIDITY_FROM,
  validTo: VALIDITY_TO,
};

export const ALERT_DESCRIPTIONS: Record<string, string> = {
  alertId:
    'Deterministic: the same input stream always yields the same ids, so consumers can de-duplicate on it.',
  type: 'What happened; see the wire contract for when each type is raised. Later contract versions may add types (this schema lists v1’s): ignore a type you do not know.',
  severity: 'P1 is the most urgent.',
  subjectId: 'The monitored person; also the Kafka key.',
  tagId: 'The tag whose ping triggered the alert.',
  zoneId: 'Zone alerts only.',
  zoneVersion: 'Zone alerts only: the zone’s version when the decision was made.',
  breachId:
    'Links an EXCLUSION_ENTERED to its EXCLUSION_EXITED, an INCLUSION_LEFT to its INCLUSION_RETURNED.',
  ts: 'Integer ms: the ts of the fix or status that triggered the alert (for NO_SIGNAL, of the last fix).',
  emittedAt: 'Integer ms: wall clock when the worker produced the alert.',
  lat: 'The triggering fix, where there is one.',
  lon: 'The triggering fix, where there is one.',
  accuracyM: 'The triggering fix’s accuracy radius in metres, where there is one.',
  distanceM: 'Signed distance in metres from the fix to the zone boundary: negative inside.',
  certainty: 'confirmed: the whole accuracy circle is on the alerting side of the boundary.',
  score:
    'Confirmation rule 1.1 only, on EXCLUSION_ENTERED / INCLUSION_LEFT: the evidence score (natural-log odds that the subject is on the violating side, floored at 0) when the alert was raised; the default threshold is 6.9. Absent under rule 1.0 ("single fix confirms") and on other types.',
  late: 'The fix is older than a fix already processed for that tag.',
  evidence: 'The fixes the decision rests on, oldest first.',
  reason:
    'CONFIG_REJECTED only: the field and the rule or limit the rejected zone or enrolment broke; never its content.',
};

export const ALERT_ACTION_DESCRIPTIONS: Record<string, string> = {
  actionId:
    'Chosen by the console once per request; consumers apply each actionId once, so a retried or replayed record changes nothing.',
  incidentId:
    'The incident acted on (the alert’s breachId when it has one, else its alertId); also the Kafka key.',
  kind: 'What the operator did.',
  user: 'Login name of who acted.',
  role: 'The role they acted in.',
  at: 'Integer ms: when the console accepted the action (the console’s wall clock).',
  note: 'Free text. Required (not blank) when kind is note, and to close a STRAP_TAMPER incident; optional otherwise. Sensitive: never logged.',
  outcome: 'Required when kind is close; only a close has one.',
};

export const NOTIFICATION_DESCRIPTIONS: Record<string, string> = {
  notificationId:
    'The Standard Webhooks webhook-id, derived from the alert and the endpoint: every retry and redelivery of one alert to one endpoint carries the same id. Also the Kafka key.',
  alertId: 'The alert being delivered.',
  incidentId: 'The alert’s incident.',
  endpoint: 'The endpoint’s configured name (never its URL or secret).',
  reason: 'Why the alert was routed to the endpoint.',
  actionId: 'The escalation’s actionId when reason is escalation.',
  attempt: '1 for the first attempt.',
  at: 'Integer ms: when this attempt or outcome happened.',
  outcome:
    'delivered: a 2xx answered, nothing more is sent; retrying: another attempt is due at nextAttemptAt; exhausted: the retry schedule ran out and a person must phone the force; endpoint_disabled: the endpoint answered 410 Gone (or was disabled earlier), nothing more is sent to it, and a person must take over.',
  status: 'HTTP status of this attempt, when one came back.',
  error: 'Short error text (timeout, connection reset); never a body, a URL or a secret.',
  nextAttemptAt: 'Integer ms: when the next attempt is due (with retrying).',
};

export const DEVICE_PROFILE_DESCRIPTIONS: Record<string, string> = {
  profileId:
    'Content hash: a new id means the device must switch to this profile; an equal id means nothing changed.',
  tagId: 'The tag; also the Kafka key.',
  asOf: 'Integer ms: the instant the profile was derived for. A newer record supersedes it.',
  refreshBy:
    'Integer ms: a newer profile will be published by then (a zone starts or ends). Absent: only a zone or enrolment change replaces it.',
  offsetRadiusM:
    'Privacy radius in metres: each near-exclusion circle is offset from its zone by up to this, by a secret the device never has.',
  realTime:
    'Real-time mode: take a fix every fixIntervalS and upload each within uploadWithinS (0: at once). Outside every active trigger the device keeps its default schedule.',
  triggers:
    'near-exclusion: real time while inside circle; curfew: real time while outside circle. A trigger counts only while active: validFrom <= now < validTo and, with a schedule, inside a window (local time of schedule.tz).',
};

export const CONSOLE_AUDIT_DESCRIPTIONS: Record<string, string> = {
  auditId: 'Unique per view, chosen by the console.',
  view: 'What was shown: a zone’s geometry (with its warning ring) or a subject’s recent track.',
  user: 'Login name of who looked.',
  role: 'The role they looked in.',
  at: 'Integer ms: when the console served the view (the console’s wall clock).',
  subjectId: 'The monitored subject whose zones or track were shown; also the Kafka key.',
  incidentId: 'The incident the view was opened from, when there was one.',
  zoneIds: 'The zones whose geometry was shown (ids only).',
};
