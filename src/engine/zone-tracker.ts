/**
 * The per-zone state machine for one in-order accepted fix.
 *
 * Sides, with d = signed distance (negative inside, boundary inside) and acc = accuracy radius:
 *   exclusion  violating: d <= 0 (confirmed: d + acc <= 0)   clear: d > 0  (confirmed: d - acc > 0)
 *   inclusion  violating: d > 0  (confirmed: d - acc > 0)    clear: d <= 0 (confirmed: d + acc <= 0)
 *
 * A streak (the "run") counts consecutive evaluated fixes on the side opposite to the phase; a
 * fix on the phase's own side resets it. How a run flips the phase:
 *  - ending a violation (and, under the 'single-fix' rule, raising one): at the first confirmed
 *    fix or at the confirmFixes-th fix, whichever comes first;
 *  - raising a violation under rule 1.1 ('corroborated'): fast path at the first fix where the
 *    run holds two fixes, at least one confirmed ('confirmed'); slow path when the evidence score
 *    (evidence-score.ts), kept while clear, reaches the threshold ('possible').
 * A fix at which the zone is inactive resets every streak and the score and silently closes an
 * ongoing violation (see deactivateTrack).
 */
import type { CompiledZone } from '../geo/index.js';
import { signedDistanceM } from '../geo/index.js';
import { zoneAlert, zoneBreachId } from './alert-factory.js';
import { type EngineConfig, EVIDENCE_CAP } from './config.js';
import { closeEpisode, openEpisode } from './episodes.js';
import { nextScore } from './evidence-score.js';
import { type FixContext, fixEvidence } from './fix-context.js';
import { keepSpareTrack, takeSpareTrack } from './spare-tracks.js';
import type { EvidenceFix, ZonePhase, ZoneTrack } from './tag-state.js';

type Side = ZonePhase; // a fix lies on the 'violating' or the 'clear' side
type Step = 'count' | 'reset';

/** (phase, side of this fix) → what the fix does to the streak. */
const STEP: Readonly<Record<ZonePhase, Readonly<Record<Side, Step>>>> = {
  clear: { violating: 'count', clear: 'reset' },
  violating: { violating: 'reset', clear: 'count' },
};

/** The alert a completed streak raises, by (phase it leaves, zone kind). */
const FLIP_ALERT = {
  clear: { exclusion: 'EXCLUSION_ENTERED', inclusion: 'INCLUSION_LEFT' },
  violating: { exclusion: 'EXCLUSION_EXITED', inclusion: 'INCLUSION_RETURNED' },
} as const;

/** A clear, empty track for `zone`: a spare one (spare-tracks.ts) when there is one. */
export function newTrack(zone: CompiledZone): ZoneTrack {
  const spare = takeSpareTrack();
  if (spare !== undefined) {
    spare.zoneId = zone.zoneId;
    spare.kind = zone.kind;
    return spare;
  }
  return {
    zoneId: zone.zoneId,
    kind: zone.kind,
    phase: 'clear',
    streak: [],
    streakFrom: 0,
    score: 0,
    scoreFixes: [],
    breachId: null,
    approached: false,
    approachStreak: [],
    beyond: 0,
    episodes: [],
    episodesEnd: null,
  };
}

/**
 * A track just removed from its state's list (nothing else refers to it): reset to a fresh
 * track's values and kept for a later newTrack. Only the zone it is for is set on reuse.
 */
export function giveBackTrack(t: ZoneTrack): void {
  forgetTrack(t);
  // What forgetting leaves: where the last streak started, and a breach id a clear track should
  // not hold anyway.
  t.streakFrom = 0;
  t.breachId = null;
  keepSpareTrack(t);
}

/**
 * Nothing in progress (at most episodes remembered for late fixes): the zone behaves exactly as
 * an untracked one, so it is stepped only when it is a candidate for the fix, not on every fix.
 */
export function isDormant(t: ZoneTrack): boolean {
  return (
    t.phase === 'clear' &&
    t.streak.length === 0 &&
    t.score === 0 &&
    !t.approached &&
    t.approachStreak.length === 0 &&
    t.beyond === 0
  );
}

/**
 * The zone is not in force at this fix (schedule window closed, validity over). An ongoing
 * violation is closed without an alert: the order no longer applies, so "returned" or "exited"
 * would be misleading, and when the zone becomes active again a violation is judged afresh.
 * Streaks and the approach flag reset for the same reason.
 */
export function deactivateTrack(t: ZoneTrack, ts: number): void {
  if (t.phase === 'violating') {
    closeEpisode(t, ts);
    t.phase = 'clear';
    t.breachId = null;
  }
  if (t.streak.length > 0) t.streak.length = 0;
  clearScore(t);
  t.approached = false;
  if (t.approachStreak.length > 0) t.approachStreak.length = 0;
  t.beyond = 0;
}

/**
 * Forget everything about a zone that was deleted, belongs to another subject now, or changed
 * kind (its phase would mean the opposite); no alert, as for any zone that stops applying.
 */
export function forgetTrack(t: ZoneTrack): void {
  deactivateTrack(t, 0);
  if (t.episodes.length > 0) t.episodes.length = 0;
  t.episodesEnd = null;
}

/** Evaluate one active zone at the fix in `ctx`. `track` is null when the tag has none for it. */
export function stepZone(ctx: FixContext, zone: CompiledZone, track: ZoneTrack | null): void {
  const d = signedDistanceM(zone, ctx.lat, ctx.lon);
  const acc = ctx.acc;
  const exclusion = zone.kind === 'exclusion';
  const violatingSide = exclusion ? d <= 0 : d > 0;
  const side: Side = violatingSide ? 'violating' : 'clear';
  const phase: ZonePhase = track === null ? 'clear' : track.phase;

  const corroborate = phase === 'clear' && corroborates(ctx.config, zone.kind);
  // A score left by rule 1.1 after a switch to 'single-fix' would keep the track awake forever.
  if (!corroborate && track !== null && track.score > 0) clearScore(track);

  switch (STEP[phase][side]) {
    case 'reset':
      if (track !== null) {
        if (track.streak.length > 0) track.streak.length = 0;
        if (corroborate && track.score > 0) addEvidence(ctx, track, exclusion ? -d : d, false);
      }
      break;
    case 'count': {
      if (track === null) track = addTrack(ctx, zone);
      if (track.streak.length === 0) track.streakFrom = ctx.prevTs ?? ctx.ts;
      const confirmed = violatingSide
        ? exclusion
          ? d + acc <= 0
          : d - acc > 0
        : exclusion
          ? d - acc > 0
          : d + acc <= 0;
      if (corroborate) {
        pushCapped(track.streak, fixEvidence(ctx), EVIDENCE_CAP);
        addEvidence(ctx, track, exclusion ? -d : d, true);
        const n = track.streak.length;
        if (n >= 2 && (confirmed || (n === 2 && runStartConfirmed(zone, track.streak[0]!)))) {
          flip(ctx, zone, track, d, 'confirmed', track.streak);
        } else if (track.score >= ctx.config.evidenceThreshold) {
          flip(ctx, zone, track, d, 'possible', track.scoreFixes);
        }
      } else {
        track.streak.push(fixEvidence(ctx));
        if (confirmed || track.streak.length >= ctx.config.confirmFixes)
          flip(ctx, zone, track, d, confirmed ? 'confirmed' : 'possible', track.streak);
      }
      break;
    }
    default: {
      const unreachable: never = STEP[phase][side];
      throw new Error(`unknown step ${String(unreachable)}`);
    }
  }
  if (exclusion && zone.warningM > 0) stepApproach(ctx, zone, track, d);
  else if (track !== null && (track.approached || track.approachStreak.length > 0)) clearApproach(track); // ring removed
}

function clearApproach(t: ZoneTrack): void {
  t.approached = false;
  if (t.approachStreak.length > 0) t.approachStreak.length = 0;
  t.beyond = 0;
}

/** Is the violation in zones of this kind raised by rule 1.1? */
export function corroborates(config: EngineConfig, kind: 'exclusion' | 'inclusion'): boolean {
  return config.confirmRule === 'corroborated' && (kind === 'exclusion' || config.corroborateInclusion);
}

/**
 * Was the run's first fix confirmed on the violating side? Asked only at the run's second fix
 * (a confirmed fix later in the run raises by itself), so the run needs no flag in the state.
 */
export function runStartConfirmed(zone: CompiledZone, first: EvidenceFix): boolean {
  const d = signedDistanceM(zone, first.lat, first.lon);
  return zone.kind === 'exclusion' ? d + first.accuracyM <= 0 : d - first.accuracyM > 0;
}

/** Add this fix's evidence (v = violation depth) to the track's score. */
function addEvidence(ctx: FixContext, track: ZoneTrack, v: number, violating: boolean): void {
  const c = ctx.config;
  const dt = ctx.prevTs === null ? null : ctx.ts - ctx.prevTs;
  track.score = nextScore(track.score, v, ctx.acc, dt, c.evidenceTauS, c.evidenceOutlierShare);
  if (track.score === 0) {
    if (track.scoreFixes.length > 0) track.scoreFixes.length = 0;
  } else if (violating) {
    pushCapped(track.scoreFixes, fixEvidence(ctx), EVIDENCE_CAP);
  }
}

function clearScore(t: ZoneTrack): void {
  t.score = 0;
  if (t.scoreFixes.length > 0) t.scoreFixes.length = 0;
}

/**
 * The run completed: flip the phase and raise. `evidence` (the run or the score's fixes) now
 * belongs to the alert; the track gets fresh arrays.
 */
function flip(
  ctx: FixContext,
  zone: CompiledZone,
  track: ZoneTrack,
  d: number,
  certainty: 'confirmed' | 'possible',
  evidence: EvidenceFix[],
): void {
  const fix = fixEvidence(ctx);
  const type = FLIP_ALERT[track.phase][zone.kind];
  const score = track.phase === 'clear' && corroborates(ctx.config, zone.kind) ? track.score : null;
  if (evidence === track.streak) track.streak = [];
  else track.streak.length = 0;
  if (evidence === track.scoreFixes) track.scoreFixes = [];
  else if (track.scoreFixes.length > 0) track.scoreFixes.length = 0;
  track.score = 0;
  let breachId: string;
  if (track.phase === 'clear') {
    breachId = zoneBreachId(ctx.state.tagId, zone.zoneId, ctx.ts);
    track.phase = 'violating';
    track.breachId = breachId;
    openEpisode(track, track.streakFrom, ctx.ts);
  } else {
    breachId = track.breachId ?? zoneBreachId(ctx.state.tagId, zone.zoneId, ctx.ts);
    track.phase = 'clear';
    track.breachId = null;
    closeEpisode(track, ctx.ts);
  }
  ctx.out.push(
    zoneAlert(
      type,
      zone,
      ctx.subjectId,
      ctx.state.tagId,
      breachId,
      fix,
      ctx.emittedAt,
      d,
      certainty,
      false,
      evidence,
      score,
    ),
  );
}

/**
 * EXCLUSION_APPROACH, once per approach. Raised at a fix in the ring (0 < d <= warningM) whose
 * whole circle lies within the ring's outer edge (d + acc <= warningM: 'confirmed'), or at the
 * confirmFixes-th consecutive fix with d <= warningM ('possible'). The approach ends (re-arming
 * the alert) at a fix confirmed beyond the ring (d - acc > warningM) or confirmFixes fixes in a
 * row beyond it. An entry (ENTERED) counts as the approach having been signalled, so a subject
 * who walks straight in, or leaves through the ring afterwards, gets no APPROACH.
 */
function stepApproach(ctx: FixContext, zone: CompiledZone, track: ZoneTrack | null, d: number): void {
  const w = zone.warningM;
  const acc = ctx.acc;
  if (track !== null && track.phase === 'violating') {
    if (!track.approached) track.approached = true;
    if (track.approachStreak.length > 0) track.approachStreak.length = 0;
    track.beyond = 0;
    return;
  }
  if (track === null || !track.approached) {
    if (d > w) {
      if (track !== null && track.approachStreak.length > 0) track.approachStreak.length = 0;
      return;
    }
    if (track === null) track = addTrack(ctx, zone);
    pushCapped(track.approachStreak, fixEvidence(ctx), ctx.config.confirmFixes);
    if (d <= 0) return; // inside: the violation machine decides
    const confirmed = d + acc <= w;
    if (confirmed || track.approachStreak.length >= ctx.config.confirmFixes) {
      const evidence = track.approachStreak;
      track.approachStreak = [];
      track.approached = true;
      track.beyond = 0;
      ctx.out.push(
        zoneAlert(
          'EXCLUSION_APPROACH',
          zone,
          ctx.subjectId,
          ctx.state.tagId,
          null,
          fixEvidence(ctx),
          ctx.emittedAt,
          d,
          confirmed ? 'confirmed' : 'possible',
          false,
          evidence,
        ),
      );
    }
    return;
  }
  if (d > w) {
    track.beyond++;
    if (d - acc > w || track.beyond >= ctx.config.confirmFixes) {
      track.approached = false;
      track.beyond = 0;
    }
  } else if (track.beyond > 0) {
    track.beyond = 0;
  }
}

function addTrack(ctx: FixContext, zone: CompiledZone): ZoneTrack {
  const t = newTrack(zone);
  ctx.state.zones.push(t);
  return t;
}

export function pushCapped(list: EvidenceFix[], e: EvidenceFix, cap: number): void {
  list.push(e);
  if (list.length > cap) list.shift();
}
