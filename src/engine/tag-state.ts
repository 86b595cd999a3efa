/**
 * Everything the engine remembers about one tag. It is plain JSON data (no Map, Set, class or
 * undefined: absent is null) because the stream layer writes it to a compacted changelog after
 * every batch that changes it, and a worker that takes over the partition must resume with
 * exactly the same decisions (see state-codec.ts).
 *
 * The per-fix path mutates this object in place; only rare events (a streak starting, an alert)
 * allocate.
 */

/** One fix as evidence; the same shape as an alert's evidence entry, so it is copied by reference. */
export interface EvidenceFix {
  ts: number;
  lat: number;
  lon: number;
  /** Resolved accuracy (the fix's own, or the configured default). */
  accuracyM: number;
}

/**
 * A violation episode [from, to] in fix time: from = the tag's last applied fix before the
 * streak that raised it (no fix in between contradicted the violation), to = ts of the fix that
 * ended it, null while it is ongoing. A late fix inside an episode is already covered.
 */
export type Episode = [from: number, to: number | null];

export type ZonePhase = 'clear' | 'violating';

/**
 * Per-zone progress. A tag keeps one only while something is in progress for that zone (a
 * streak, a violation, an approach) or, "dormant", while it remembers episodes for late fixes
 * (at most EPISODE_RETENTION_MS past the last one), so the state stays small.
 */
export interface ZoneTrack {
  zoneId: string;
  /** The zone's kind when tracking began: a zone re-sent with the other kind starts afresh. */
  kind: 'exclusion' | 'inclusion';
  phase: ZonePhase;
  /**
   * Consecutive fixes on the side opposite to `phase` (violating side when clear, and back): the
   * "run" of rule 1.1. At most EVIDENCE_CAP, the latest.
   */
  streak: EvidenceFix[];
  /** Lower bound of the episode the current streak would open (see Episode). */
  streakFrom: number;
  /**
   * While clear, under rule 1.1: the evidence score S ≥ 0 (log-odds, see evidence-score.ts);
   * 0 when nothing speaks for a violation, and always 0 while violating.
   */
  score: number;
  /** The violating fixes that built `score` since it was last 0 (at most EVIDENCE_CAP, the latest). */
  scoreFixes: EvidenceFix[];
  /** Set while violating: links ENTERED/LEFT to EXITED/RETURNED. */
  breachId: string | null;
  /** EXCLUSION_APPROACH already raised (or subsumed by an entry) for the current approach. */
  approached: boolean;
  /** While not approached: consecutive fixes inside the ring's outer edge (d <= warningM). */
  approachStreak: EvidenceFix[];
  /** While approached: consecutive fixes beyond the ring (d > warningM). */
  beyond: number;
  episodes: Episode[];
  /** Latest end of a closed episode (null: none yet); the track expires with it. */
  episodesEnd: number | null;
}

/** One zone's progress within a late chain (rule 1.1 applied to late fixes). */
export interface LateZone {
  zoneId: string;
  /** Consecutive violating late fixes (at most EVIDENCE_CAP, the latest). */
  run: EvidenceFix[];
  score: number;
  /** The violating late fixes that built `score` (at most EVIDENCE_CAP, the latest). */
  scoreFixes: EvidenceFix[];
}

/**
 * Late fixes arriving one after another in increasing ts (a buffered upload) form a chain,
 * judged by the same rule as in-order fixes. Any other fix (in-order, or a late fix not newer
 * than the chain's last) ends it. Null almost always.
 */
export interface LateChain {
  /** ts of the chain's latest late fix. */
  ts: number;
  /** Zones with a run or a score in progress. */
  zones: LateZone[];
}

export interface TagState {
  /** Format version of this record, for the changelog. */
  v: 1;
  readonly tagId: string;
  /** Greatest applied (accepted, in-order) fix ts; null before the first. */
  lastTs: number | null;
  /** Recently applied fix timestamps (in-order and late), a ring, to recognise repeats. */
  recentTs: number[];
  /** Ring slot the next ts overwrites once recentTs is full. */
  recentNext: number;
  /** The last accepted in-order fix: the speed filter's reference (its ts equals lastTs). */
  lastFix: EvidenceFix | null;
  /** The latest fix set aside as a speed outlier, waiting for a later fix to agree with it. */
  suspect: EvidenceFix | null;
  zones: ZoneTrack[];
  strap: 'ok' | 'tampered' | null;
  strapTs: number | null;
  batteryLow: boolean;
  batteryTs: number | null;
  /** Wall-clock arrival of the last accepted in-order fix (NO_SIGNAL measures silence from it). */
  lastFixArrivedAt: number | null;
  /** lastTs at which NO_SIGNAL was raised; null when no silence is open. */
  noSignalTs: number | null;
  /** The late chain in progress (rule 1.1), null when none. Absent in states written before 1.1. */
  late: LateChain | null;
  /**
   * The enrolment this state follows (enrolmentKey: subject and start); null before the first
   * ping, or in a state written before the field existed. A new enrolment of the tag starts a
   * fresh state: strap, battery, signal and history belong to the previous wearer.
   */
  enrolment: string | null;
}

export function newTagState(tagId: string): TagState {
  return {
    v: 1,
    tagId,
    lastTs: null,
    recentTs: [],
    recentNext: 0,
    lastFix: null,
    suspect: null,
    zones: [],
    strap: null,
    strapTs: null,
    batteryLow: false,
    batteryTs: null,
    lastFixArrivedAt: null,
    noSignalTs: null,
    late: null,
    enrolment: null,
  };
}

/** Follow enrolment `key`: a state that followed another one is reset to a fresh state first. */
export function followEnrolment(state: TagState, key: string): void {
  if (state.enrolment === key) return;
  if (state.enrolment !== null) Object.assign(state, newTagState(state.tagId));
  state.enrolment = key;
}

/**
 * A deep copy that shares nothing mutable with `s`: the undo snapshot a batch takes before it
 * first touches a tag (cheaper than encoding, and put back as is if the batch fails).
 */
export function cloneTagState(s: TagState): TagState {
  return {
    v: 1,
    tagId: s.tagId,
    lastTs: s.lastTs,
    recentTs: s.recentTs.slice(),
    recentNext: s.recentNext,
    lastFix: s.lastFix === null ? null : cloneFix(s.lastFix),
    suspect: s.suspect === null ? null : cloneFix(s.suspect),
    zones: s.zones.map(cloneTrack),
    strap: s.strap,
    strapTs: s.strapTs,
    batteryLow: s.batteryLow,
    batteryTs: s.batteryTs,
    lastFixArrivedAt: s.lastFixArrivedAt,
    noSignalTs: s.noSignalTs,
    late: s.late === null ? null : { ts: s.late.ts, zones: s.late.zones.map(cloneLateZone) },
    enrolment: s.enrolment,
  };
}

function cloneFix(e: EvidenceFix): EvidenceFix {
  return { ts: e.ts, lat: e.lat, lon: e.lon, accuracyM: e.accuracyM };
}

function cloneTrack(t: ZoneTrack): ZoneTrack {
  return {
    zoneId: t.zoneId,
    kind: t.kind,
    phase: t.phase,
    streak: t.streak.map(cloneFix),
    streakFrom: t.streakFrom,
    score: t.score,
    scoreFixes: t.scoreFixes.map(cloneFix),
    breachId: t.breachId,
    approached: t.approached,
    approachStreak: t.approachStreak.map(cloneFix),
    beyond: t.beyond,
    episodes: t.episodes.map((e): Episode => [e[0], e[1]]),
    episodesEnd: t.episodesEnd,
  };
}

function cloneLateZone(z: LateZone): LateZone {
  return {
    zoneId: z.zoneId,
    run: z.run.map(cloneFix),
    score: z.score,
    scoreFixes: z.scoreFixes.map(cloneFix),
  };
}
