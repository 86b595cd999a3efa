/**
 * Zone tracks: made fresh, or reused from those a tag's state dropped.
 *
 * A tag that comes near a zone starts a track: an object and four arrays. It is dropped again a
 * few fixes later, once nothing is in progress and its episodes have expired (apply-ping.ts,
 * step 3). In the decision-core bench about one fix in nine starts one, and each lives long
 * enough (until that tag's next fixes) to be promoted out of the young generation before it
 * dies. So a dropped track is kept here, reset, and handed out again.
 *
 * Only a track that nothing else refers to may be given back: one just removed from its state's
 * list. Arrays a track handed to an alert (its run as the alert's evidence) were replaced by fresh
 * ones at that moment (zone-tracker.ts, flip), so the arrays kept here belong to the track alone.
 * A reused track is indistinguishable from a fresh one (same fields, same values, empty arrays):
 * the pool changes no decision, only where the memory comes from.
 */
import type { CompiledZone } from '../geo/index.js';
import type { ZoneTrack } from './tag-state.js';

/** At most this many spare tracks (~0.5 MB): enough for a burst of drops, no unbounded hoard. */
export const SPARE_TRACKS_CAP = 2048;

const spare: ZoneTrack[] = [];

/** A clear, empty track for `zone`: a spare one when there is one. */
export function newTrack(zone: CompiledZone): ZoneTrack {
  const t = spare.pop();
  if (t === undefined) {
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
  t.zoneId = zone.zoneId;
  t.kind = zone.kind;
  return t;
}

/** Keep a track just removed from its state (nothing else refers to it) for a later newTrack. */
export function giveBackTrack(t: ZoneTrack): void {
  if (spare.length >= SPARE_TRACKS_CAP) return;
  t.phase = 'clear';
  if (t.streak.length > 0) t.streak.length = 0;
  t.streakFrom = 0;
  t.score = 0;
  if (t.scoreFixes.length > 0) t.scoreFixes.length = 0;
  t.breachId = null;
  t.approached = false;
  if (t.approachStreak.length > 0) t.approachStreak.length = 0;
  t.beyond = 0;
  if (t.episodes.length > 0) t.episodes.length = 0;
  t.episodesEnd = null;
  spare.push(t);
}

/** How many spare tracks are kept (for tests). */
export function spareTrackCount(): number {
  return spare.length;
}
