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
  /** Consecutive fixes on the side opposite to `phase` (violating side when clear, and back). */
  streak: EvidenceFix[];
  /** Lower bound of the episode the current streak would open (see Episode). */
  streakFrom: number;
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
    enrolment: null,
  };
}

/** Follow enrolment `key`: a state that followed another one is reset to a fresh state first. */
export function followEnrolment(state: TagState, key: string): void {
  if (state.enrolment === key) return;
  if (state.enrolment !== null) Object.assign(state, newTagState(state.tagId));
  state.enrolment = key;
}
