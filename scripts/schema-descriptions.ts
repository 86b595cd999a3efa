/**
 * Field descriptions for the generated JSON Schemas, worded after /work/shared/CONTRACT.md
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
  late: 'The fix is older than a fix already processed for that tag.',
  evidence: 'The fixes the decision rests on, oldest first.',
  reason:
    'CONFIG_REJECTED only: the field and the rule or limit the rejected zone or enrolment broke; never its content.',
};
