/**
 * Format 2 of the tag state's changelog value: the same TagState as format 1 (state-codec.ts),
 * positional instead of keyed, so a catch-up transaction of 40,000 changed tags carries about a
 * third of the bytes. Still JSON (kcat shows it), decoded by the same decodeTagState, which tells
 * the formats apart by the outer value: format 1 is an object, format 2 an array opening with 2.
 *
 *   [2, tagId, enrolment, lastTs, recentNext, recentTs, lastFix, zones, lastFixArrivedAt,
 *    noSignalTs, suspect, strap, strapTs, batteryLow, batteryTs, late]
 *
 * - Times other than lastTs are written relative to lastTs (0 when none): recent fixes are
 *   minutes apart, so 13 digits become 5 to 7. A time whose difference would not restore exactly
 *   (beyond 2^53) is written absolute as [t].
 * - A fix is [dt, lat, lon, accuracyM]; lat and lon keep every digit (decisions are identical).
 * - A zone track is [zoneId, flags, streakFrom, streak, score, scoreFixes, breachId, beyond,
 *   approachStreak, episodes, episodesEnd], flags = inclusion 1 | violating 2 | approached 4,
 *   streakFrom null for 0 (no streak yet).
 *   A late chain is [dt, [[zoneId, run, score, scoreFixes], ...]].
 * - strap: 0 unknown, 1 ok, 2 tampered; booleans 0/1.
 * - Trailing slots at their default (null, 0 or []) are left off; a missing slot decodes as
 *   its default. The encoding is canonical: encode(decode(x)) === x for any encoded state.
 *
 * Decoding checks every slot's type and throws a StateCodecError naming the field by its
 * format-1 name (zones.0.score, late.zones.1.run, ...).
 */
import { arr, bad, num, numOrNull, str } from './state-codec-checks.js';
import type { Episode, EvidenceFix, LateChain, LateZone, TagState, ZoneTrack } from './tag-state.js';

export const COMPACT_FORMAT = 2;

/** Is this parsed changelog value a format-2 state? (Format 1 is an object.) */
export function isCompactTagState(raw: unknown): raw is unknown[] {
  return Array.isArray(raw) && raw[0] === COMPACT_FORMAT;
}

type Slot = unknown;
const STRAP_CODE = { ok: 1, tampered: 2 } as const;
const STRAP_OF = [null, 'ok', 'tampered'] as const;

export function encodeTagStateCompact(s: TagState): string {
  const base = s.lastTs ?? 0;
  const out: Slot[] = [
    COMPACT_FORMAT,
    s.tagId,
    s.enrolment,
    s.lastTs,
    s.recentNext,
    s.recentTs.map((t) => rel(t, base)),
    s.lastFix === null ? null : fix(s.lastFix, base),
    s.zones.map((z) => track(z, base)),
    relOrNull(s.lastFixArrivedAt, base),
    relOrNull(s.noSignalTs, base),
    s.suspect === null ? null : fix(s.suspect, base),
    s.strap === null ? 0 : STRAP_CODE[s.strap],
    relOrNull(s.strapTs, base),
    s.batteryLow ? 1 : 0,
    relOrNull(s.batteryTs, base),
    s.late === null ? null : lateChain(s.late, base),
  ];
  return JSON.stringify(trimDefaults(out, STATE_DEFAULTS));
}

function fix(e: EvidenceFix, base: number): Slot[] {
  return [rel(e.ts, base), e.lat, e.lon, e.accuracyM];
}

function fixes(list: EvidenceFix[], base: number): Slot[] {
  return list.map((e) => fix(e, base));
}

function track(t: ZoneTrack, base: number): Slot[] {
  const flags = (t.kind === 'inclusion' ? 1 : 0) | (t.phase === 'violating' ? 2 : 0) | (t.approached ? 4 : 0);
  const out: Slot[] = [
    t.zoneId,
    flags,
    t.streakFrom === 0 ? null : rel(t.streakFrom, base), // 0: no streak has started yet
    fixes(t.streak, base),
    t.score,
    fixes(t.scoreFixes, base),
    t.breachId,
    t.beyond,
    fixes(t.approachStreak, base),
    t.episodes.map(([from, to]) => [rel(from, base), relOrNull(to, base)]),
    relOrNull(t.episodesEnd, base),
  ];
  return trimDefaults(out, TRACK_DEFAULTS);
}

function lateChain(c: LateChain, base: number): Slot[] {
  return [
    rel(c.ts, base),
    c.zones.map((z) => [z.zoneId, fixes(z.run, base), z.score, fixes(z.scoreFixes, base)]),
  ];
}

/** t relative to base, or [t] when the difference would not restore t exactly. */
function rel(t: number, base: number): number | [number] {
  const d = t - base;
  return base + d === t && Number.isSafeInteger(d) ? d : [t];
}

function relOrNull(t: number | null, base: number): number | [number] | null {
  return t === null ? null : rel(t, base);
}

/**
 * Each slot's encoded default (what a missing slot decodes as); undefined: never left off.
 * Times are encoded relative, so a relative 0 (= lastTs) is never a time slot's default.
 */
type Default = null | 0 | [] | undefined;
const STATE_DEFAULTS: readonly Default[] = [
  undefined, // 0 format
  undefined, // 1 tagId
  undefined, // 2 enrolment
  null, // 3 lastTs
  0, // 4 recentNext
  [], // 5 recentTs
  null, // 6 lastFix
  [], // 7 zones
  null, // 8 lastFixArrivedAt
  null, // 9 noSignalTs
  null, // 10 suspect
  0, // 11 strap
  null, // 12 strapTs
  0, // 13 batteryLow
  null, // 14 batteryTs
  null, // 15 late
];
const TRACK_DEFAULTS: readonly Default[] = [
  undefined, // 0 zoneId
  undefined, // 1 flags
  null, // 2 streakFrom (0)
  [], // 3 streak
  0, // 4 score
  [], // 5 scoreFixes
  null, // 6 breachId
  0, // 7 beyond
  [], // 8 approachStreak
  [], // 9 episodes
  null, // 10 episodesEnd
];

/** Drop trailing slots that hold their default. */
function trimDefaults(a: Slot[], defaults: readonly Default[]): Slot[] {
  let n = a.length;
  while (n > 0 && isDefault(a[n - 1], defaults[n - 1])) n--;
  a.length = n;
  return a;
}

function isDefault(v: Slot, d: Default): boolean {
  if (d === undefined) return false;
  if (Array.isArray(d)) return Array.isArray(v) && v.length === 0;
  return v === d;
}

// ---- decoding ----

export function decodeCompactTagState(a: unknown[]): TagState {
  const lastTs = numOrNull(slot(a, 3, STATE_DEFAULTS), 'lastTs');
  const base = lastTs ?? 0;
  const strap = slot(a, 11, STATE_DEFAULTS);
  return {
    v: 1,
    tagId: str(a[1], 'tagId'),
    lastTs,
    recentTs: arr(slot(a, 5, STATE_DEFAULTS), 'recentTs').map((t, i) => abs(t, base, `recentTs.${i}`)),
    recentNext: num(slot(a, 4, STATE_DEFAULTS), 'recentNext'),
    lastFix: fixOrNull(slot(a, 6, STATE_DEFAULTS), base, 'lastFix'),
    suspect: fixOrNull(slot(a, 10, STATE_DEFAULTS), base, 'suspect'),
    zones: arr(slot(a, 7, STATE_DEFAULTS), 'zones').map((z, i) => decodeTrack(z, base, `zones.${i}`)),
    strap: strap === 0 || strap === 1 || strap === 2 ? STRAP_OF[strap] : bad('strap', '0|1|2'),
    strapTs: absOrNull(slot(a, 12, STATE_DEFAULTS), base, 'strapTs'),
    batteryLow: flag(slot(a, 13, STATE_DEFAULTS), 'batteryLow'),
    batteryTs: absOrNull(slot(a, 14, STATE_DEFAULTS), base, 'batteryTs'),
    lastFixArrivedAt: absOrNull(slot(a, 8, STATE_DEFAULTS), base, 'lastFixArrivedAt'),
    noSignalTs: absOrNull(slot(a, 9, STATE_DEFAULTS), base, 'noSignalTs'),
    late: decodeLate(slot(a, 15, STATE_DEFAULTS), base),
    enrolment: a[2] === null || a[2] === undefined ? null : str(a[2], 'enrolment'),
  };
}

function decodeTrack(raw: unknown, base: number, path: string): ZoneTrack {
  const t = arr(raw, path);
  const flags = num(slot(t, 1, TRACK_DEFAULTS), `${path}.flags`);
  if (!Number.isInteger(flags) || flags < 0 || flags > 7) bad(`${path}.flags`, 'an integer 0-7');
  const breachId = slot(t, 6, TRACK_DEFAULTS);
  return {
    zoneId: str(t[0], `${path}.zoneId`),
    kind: flags & 1 ? 'inclusion' : 'exclusion',
    phase: flags & 2 ? 'violating' : 'clear',
    streak: fixList(slot(t, 3, TRACK_DEFAULTS), base, `${path}.streak`),
    streakFrom: absOrNull(slot(t, 2, TRACK_DEFAULTS), base, `${path}.streakFrom`) ?? 0,
    score: num(slot(t, 4, TRACK_DEFAULTS), `${path}.score`),
    scoreFixes: fixList(slot(t, 5, TRACK_DEFAULTS), base, `${path}.scoreFixes`),
    breachId: breachId === null ? null : str(breachId, `${path}.breachId`),
    approached: (flags & 4) !== 0,
    approachStreak: fixList(slot(t, 8, TRACK_DEFAULTS), base, `${path}.approachStreak`),
    beyond: num(slot(t, 7, TRACK_DEFAULTS), `${path}.beyond`),
    episodes: arr(slot(t, 9, TRACK_DEFAULTS), `${path}.episodes`).map((e, i) =>
      decodeEpisode(e, base, `${path}.episodes.${i}`),
    ),
    episodesEnd: absOrNull(slot(t, 10, TRACK_DEFAULTS), base, `${path}.episodesEnd`),
  };
}

function decodeEpisode(raw: unknown, base: number, path: string): Episode {
  const e = arr(raw, path);
  if (e.length !== 2) bad(path, '[from, to]');
  return [abs(e[0], base, `${path}.0`), absOrNull(e[1], base, `${path}.1`)];
}

function decodeLate(raw: unknown, base: number): LateChain | null {
  if (raw === null) return null;
  const c = arr(raw, 'late');
  return {
    ts: abs(c[0], base, 'late.ts'),
    zones: arr(c[1], 'late.zones').map((z, i): LateZone => {
      const path = `late.zones.${i}`;
      const l = arr(z, path);
      return {
        zoneId: str(l[0], `${path}.zoneId`),
        run: fixList(l[1], base, `${path}.run`),
        score: num(l[2], `${path}.score`),
        scoreFixes: fixList(l[3], base, `${path}.scoreFixes`),
      };
    }),
  };
}

function fixList(raw: unknown, base: number, path: string): EvidenceFix[] {
  return arr(raw, path).map((e, i) => decodeFix(e, base, `${path}.${i}`));
}

function fixOrNull(raw: unknown, base: number, path: string): EvidenceFix | null {
  return raw === null ? null : decodeFix(raw, base, path);
}

function decodeFix(raw: unknown, base: number, path: string): EvidenceFix {
  const f = arr(raw, path);
  if (f.length !== 4) bad(path, '[ts, lat, lon, accuracyM]');
  return {
    ts: abs(f[0], base, `${path}.ts`),
    lat: num(f[1], `${path}.lat`),
    lon: num(f[2], `${path}.lon`),
    accuracyM: num(f[3], `${path}.accuracyM`),
  };
}

/** A slot left off as trailing default decodes as that default. */
function slot(a: unknown[], i: number, defaults: readonly Default[]): unknown {
  if (i < a.length) return a[i];
  const d = defaults[i];
  return Array.isArray(d) ? [] : d;
}

function abs(v: unknown, base: number, path: string): number {
  if (Array.isArray(v) && v.length === 1) return num(v[0], path);
  return base + num(v, path);
}

function absOrNull(v: unknown, base: number, path: string): number | null {
  return v === null ? null : abs(v, base, path);
}

function flag(v: unknown, path: string): boolean {
  return v === 1 ? true : v === 0 ? false : bad(path, '0|1');
}
