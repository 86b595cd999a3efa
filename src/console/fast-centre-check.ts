/**
 * Hand-written checks that accept an alert or an operator action exactly when AlertSchema /
 * AlertActionSchema (zod) would, and build the same output object (known keys only, in the
 * schema's order), at a fraction of the cost. The console decodes its whole history at start
 * (100k records in the benchmark) and a profile showed zod's per-field checks dominating that
 * replay. Same design as src/contract/fast-ping-check.ts: whatever these do not accept goes
 * through zod, so every reject reason still comes from the schema.
 *
 * Deliberately conservative where zod's behaviour is subtle: an input (or evidence fix) whose
 * prototype is not Object.prototype (or null), or with a known key present but `undefined`, is
 * left to zod. JSON.parse never produces either, so the replay never pays for that.
 * test/console/fast-centre-check.property.test.ts proves the agreement with fast-check; keep
 * these in step with src/contract/alert.ts and alert-action.ts.
 */
import {
  ALERT_ACTION_KINDS,
  ALERT_TYPES,
  type Alert,
  type AlertAction,
  CLOSE_OUTCOMES,
  CONSOLE_ROLES,
  type EvidenceFix,
} from '../contract/index.js';

const EPOCH_MIN = -8.64e15;
const EPOCH_MAX = 8.64e15;
const TYPES: ReadonlySet<unknown> = new Set(ALERT_TYPES);
const SEVERITIES: ReadonlySet<unknown> = new Set(['P1', 'P2', 'P3']);
const CERTAINTIES: ReadonlySet<unknown> = new Set(['confirmed', 'possible']);
const KINDS: ReadonlySet<unknown> = new Set(ALERT_ACTION_KINDS);
const ROLES: ReadonlySet<unknown> = new Set(CONSOLE_ROLES);
const OUTCOMES: ReadonlySet<unknown> = new Set(CLOSE_OUTCOMES);

/** /^[A-Za-z0-9._:-]*$/ as a 128-entry lookup (1 = allowed). */
const TAG_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) TAG_CHAR[c] = /^[A-Za-z0-9._:-]$/.test(String.fromCharCode(c)) ? 1 : 0;

function isTagId(v: unknown): v is string {
  if (typeof v !== 'string' || v.length < 1 || v.length > 64) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128 || TAG_CHAR[c] === 0) return false;
  }
  return true;
}

/** A string whose UTF-16 length (zod's measure) is within [min, max]. */
const isText = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;
/** Zod 4 numbers refuse NaN and ±Infinity; every comparison below is false for NaN. */
const inRange = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && v >= min && v <= max;
const isEpoch = (v: unknown): v is number => inRange(v, EPOCH_MIN, EPOCH_MAX) && Number.isInteger(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPositive = (v: unknown): v is number => isFiniteNumber(v) && v > 0;

function plain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Reads optional field `k`: ABSENT when the key is not there, the value when it passes `ok`,
 * else REFUSE (a bad value, or a present-but-undefined key left to zod).
 */
const ABSENT = Symbol('absent');
const REFUSE = Symbol('refuse');
function optional<T>(
  o: Record<string, unknown>,
  k: string,
  ok: (v: unknown) => v is T,
): T | typeof ABSENT | typeof REFUSE {
  const v = o[k];
  if (v === undefined) return k in o ? REFUSE : ABSENT;
  return ok(v) ? v : REFUSE;
}

function fix(v: unknown): EvidenceFix | undefined {
  if (!plain(v)) return undefined;
  const { ts, lat, lon, accuracyM } = v;
  if (!isEpoch(ts) || !inRange(lat, -90, 90) || !inRange(lon, -180, 180) || !isPositive(accuracyM)) {
    return undefined;
  }
  return { ts, lat, lon, accuracyM };
}

function evidence(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

/** The alert AlertSchema.safeParse(input) would return, or undefined when not accepted here. */
export function fastAlertCheck(input: unknown): Alert | undefined {
  if (!plain(input)) return undefined;
  const o = input;
  const { alertId, type, severity, subjectId, tagId, ts, emittedAt } = o;
  if (!isText(alertId, 1, Number.POSITIVE_INFINITY) || !TYPES.has(type) || !SEVERITIES.has(severity))
    return undefined;
  if (!isText(subjectId, 1, 256) || !isTagId(tagId) || !isEpoch(ts) || !isEpoch(emittedAt)) return undefined;
  const zoneId = optional(o, 'zoneId', (v): v is string => isText(v, 1, 256));
  const zoneVersion = optional(
    o,
    'zoneVersion',
    (v): v is number => typeof v === 'number' && Number.isSafeInteger(v),
  );
  const breachId = optional(o, 'breachId', (v): v is string => typeof v === 'string');
  const lat = optional(o, 'lat', (v): v is number => inRange(v, -90, 90));
  const lon = optional(o, 'lon', (v): v is number => inRange(v, -180, 180));
  const accuracyM = optional(o, 'accuracyM', isPositive);
  const distanceM = optional(o, 'distanceM', isFiniteNumber);
  const certainty = optional(o, 'certainty', (v): v is 'confirmed' | 'possible' => CERTAINTIES.has(v));
  const score = optional(o, 'score', (v): v is number => isFiniteNumber(v) && v >= 0);
  const late = optional(o, 'late', (v): v is boolean => typeof v === 'boolean');
  const rawEvidence = optional(o, 'evidence', evidence);
  const reason = optional(o, 'reason', (v): v is string => isText(v, 0, 1024));
  if (
    zoneId === REFUSE ||
    zoneVersion === REFUSE ||
    breachId === REFUSE ||
    lat === REFUSE ||
    lon === REFUSE ||
    accuracyM === REFUSE ||
    distanceM === REFUSE ||
    certainty === REFUSE ||
    score === REFUSE ||
    late === REFUSE ||
    rawEvidence === REFUSE ||
    reason === REFUSE
  ) {
    return undefined;
  }
  let fixes: EvidenceFix[] | undefined;
  if (rawEvidence !== ABSENT) {
    fixes = new Array(rawEvidence.length);
    for (let i = 0; i < rawEvidence.length; i++) {
      const f = fix(rawEvidence[i]);
      if (f === undefined) return undefined;
      fixes[i] = f;
    }
  }
  // Built in the schema's key order, like zod's output.
  const out = {
    alertId,
    type: type as Alert['type'],
    severity: severity as Alert['severity'],
    subjectId,
    tagId,
  } as Alert;
  if (zoneId !== ABSENT) out.zoneId = zoneId;
  if (zoneVersion !== ABSENT) out.zoneVersion = zoneVersion;
  if (breachId !== ABSENT) out.breachId = breachId;
  out.ts = ts;
  out.emittedAt = emittedAt;
  if (lat !== ABSENT) out.lat = lat;
  if (lon !== ABSENT) out.lon = lon;
  if (accuracyM !== ABSENT) out.accuracyM = accuracyM;
  if (distanceM !== ABSENT) out.distanceM = distanceM;
  if (certainty !== ABSENT) out.certainty = certainty;
  if (score !== ABSENT) out.score = score;
  if (late !== ABSENT) out.late = late;
  if (fixes !== undefined) out.evidence = fixes;
  if (reason !== ABSENT) out.reason = reason;
  return out;
}

/** The action AlertActionSchema.safeParse(input) would return, or undefined when not accepted here. */
export function fastActionCheck(input: unknown): AlertAction | undefined {
  if (!plain(input)) return undefined;
  const o = input;
  const { actionId, incidentId, kind, user, role, at } = o;
  if (!isText(actionId, 1, 128) || !isText(incidentId, 1, 1024) || !KINDS.has(kind)) return undefined;
  if (!isText(user, 1, 128) || !ROLES.has(role) || !isEpoch(at)) return undefined;
  const note = optional(o, 'note', (v): v is string => isText(v, 0, 4000));
  const outcome = optional(o, 'outcome', (v): v is AlertAction['outcome'] & string => OUTCOMES.has(v));
  if (note === REFUSE || outcome === REFUSE) return undefined;
  // The schema's refinements.
  if ((kind === 'close') !== (outcome !== ABSENT)) return undefined;
  if (kind === 'note' && (note === ABSENT || note.trim() === '')) return undefined;
  const out = {
    actionId,
    incidentId,
    kind: kind as AlertAction['kind'],
    user,
    role: role as AlertAction['role'],
    at,
  } as AlertAction;
  if (note !== ABSENT) out.note = note;
  if (outcome !== ABSENT) out.outcome = outcome;
  return out;
}
