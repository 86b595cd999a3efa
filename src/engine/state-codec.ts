/**
 * TagState <-> JSON. Two encodings decode here:
 *  - format 1 (encodeTagState): JSON.stringify of the plain state, readable field by field. The
 *    changelog held this before the compact format and every such record still decodes;
 *  - format 2 (compact-state-codec.ts, what the worker now writes to the changelog): a JSON
 *    array starting with 2, about a third of the size.
 * Format 1 decoding rebuilds
 * every object in the canonical key order (so encode(decode(x)) === x for any encoded state)
 * after checking the shape, and throws a StateCodecError naming the first bad field. Values are
 * checked for type only: the engine wrote them.
 *
 * Backward compatible: a state written before confirmation rule 1.1 has no `late` and its zone
 * tracks no `score`/`scoreFixes`; they decode as "nothing in progress" (null, 0, []), which is
 * exactly what such a state meant, so a worker upgraded mid-stream continues the same decisions.
 */
import { decodeCompactTagState, isCompactTagState } from './compact-state-codec.js';
import { arr, bad, bool, num, numOrNull, obj, StateCodecError, str } from './state-codec-checks.js';
import type { Episode, EvidenceFix, LateChain, LateZone, TagState, ZoneTrack } from './tag-state.js';

export { StateCodecError };

export function encodeTagState(s: TagState): string {
  return JSON.stringify(s);
}

export function decodeTagState(json: string): TagState {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new StateCodecError('(value)', 'JSON');
  }
  if (isCompactTagState(raw)) return decodeCompactTagState(raw);
  const o = obj(raw, '(value)');
  if (o.v !== 1) throw new StateCodecError('v', '1');
  return {
    v: 1,
    tagId: str(o.tagId, 'tagId'),
    lastTs: numOrNull(o.lastTs, 'lastTs'),
    recentTs: arr(o.recentTs, 'recentTs').map((t, i) => num(t, `recentTs.${i}`)),
    recentNext: num(o.recentNext, 'recentNext'),
    lastFix: o.lastFix === null ? null : evidence(o.lastFix, 'lastFix'),
    suspect: o.suspect === null ? null : evidence(o.suspect, 'suspect'),
    zones: arr(o.zones, 'zones').map((z, i) => track(z, `zones.${i}`)),
    strap:
      o.strap === null || o.strap === 'ok' || o.strap === 'tampered'
        ? o.strap
        : bad('strap', 'ok|tampered|null'),
    strapTs: numOrNull(o.strapTs, 'strapTs'),
    batteryLow: bool(o.batteryLow, 'batteryLow'),
    batteryTs: numOrNull(o.batteryTs, 'batteryTs'),
    lastFixArrivedAt: numOrNull(o.lastFixArrivedAt, 'lastFixArrivedAt'),
    noSignalTs: numOrNull(o.noSignalTs, 'noSignalTs'),
    late: o.late === undefined || o.late === null ? null : lateChain(o.late, 'late'),
    // Absent in states written before enrolments were followed: such a state adopts the next one.
    enrolment: o.enrolment === undefined || o.enrolment === null ? null : str(o.enrolment, 'enrolment'),
  };
}

function lateChain(raw: unknown, path: string): LateChain {
  const o = obj(raw, path);
  return {
    ts: num(o.ts, `${path}.ts`),
    zones: arr(o.zones, `${path}.zones`).map((z, i) => lateZone(z, `${path}.zones.${i}`)),
  };
}

function lateZone(raw: unknown, path: string): LateZone {
  const o = obj(raw, path);
  return {
    zoneId: str(o.zoneId, `${path}.zoneId`),
    run: evidenceList(o.run, `${path}.run`),
    score: num(o.score, `${path}.score`),
    scoreFixes: evidenceList(o.scoreFixes, `${path}.scoreFixes`),
  };
}

function evidenceList(raw: unknown, path: string): EvidenceFix[] {
  return arr(raw, path).map((e, i) => evidence(e, `${path}.${i}`));
}

function track(raw: unknown, path: string): ZoneTrack {
  const o = obj(raw, path);
  return {
    zoneId: str(o.zoneId, `${path}.zoneId`),
    kind:
      o.kind === 'exclusion' || o.kind === 'inclusion' ? o.kind : bad(`${path}.kind`, 'exclusion|inclusion'),
    phase: o.phase === 'clear' || o.phase === 'violating' ? o.phase : bad(`${path}.phase`, 'clear|violating'),
    streak: arr(o.streak, `${path}.streak`).map((e, i) => evidence(e, `${path}.streak.${i}`)),
    streakFrom: num(o.streakFrom, `${path}.streakFrom`),
    // Absent before rule 1.1 (see the header).
    score: o.score === undefined ? 0 : num(o.score, `${path}.score`),
    scoreFixes: o.scoreFixes === undefined ? [] : evidenceList(o.scoreFixes, `${path}.scoreFixes`),
    breachId: o.breachId === null ? null : str(o.breachId, `${path}.breachId`),
    approached: bool(o.approached, `${path}.approached`),
    approachStreak: arr(o.approachStreak, `${path}.approachStreak`).map((e, i) =>
      evidence(e, `${path}.approachStreak.${i}`),
    ),
    beyond: num(o.beyond, `${path}.beyond`),
    episodes: arr(o.episodes, `${path}.episodes`).map((e, i) => episode(e, `${path}.episodes.${i}`)),
    episodesEnd: numOrNull(o.episodesEnd, `${path}.episodesEnd`),
  };
}

function episode(raw: unknown, path: string): Episode {
  const a = arr(raw, path);
  if (a.length !== 2) bad(path, '[from, to]');
  return [num(a[0], `${path}.0`), numOrNull(a[1], `${path}.1`)];
}

function evidence(raw: unknown, path: string): EvidenceFix {
  const o = obj(raw, path);
  return {
    ts: num(o.ts, `${path}.ts`),
    lat: num(o.lat, `${path}.lat`),
    lon: num(o.lon, `${path}.lon`),
    accuracyM: num(o.accuracyM, `${path}.accuracyM`),
  };
}
