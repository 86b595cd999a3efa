/**
 * Violation episodes remembered per zone, so a late fix can tell whether the violation it shows
 * is already covered by an alert. Bounded in count (MAX_EPISODES) and in age: closed episodes
 * that ended more than EPISODE_RETENTION_MS before the tag's latest fix are pruned when a new one
 * is recorded, and a track holding nothing but old episodes is dropped (see apply-ping.ts).
 */
import { EPISODE_RETENTION_MS, MAX_EPISODES } from './config.js';
import type { ZoneTrack } from './tag-state.js';

/** An alert was raised at fix time `nowTs`: remember [from, open). */
export function openEpisode(track: ZoneTrack, from: number, nowTs: number): void {
  pushBounded(track, [from, null], nowTs);
}

/** The ongoing violation ended (alert or silent close) at fix ts `to`. */
export function closeEpisode(track: ZoneTrack, to: number): void {
  const eps = track.episodes;
  for (let i = eps.length - 1; i >= 0; i--) {
    const ep = eps[i]!;
    if (ep[1] === null) {
      ep[1] = to;
      noteEnd(track, to);
      return;
    }
  }
}

/** A late alert covers [from, to]; `nowTs` is the tag's latest applied fix ts. */
export function addClosedEpisode(track: ZoneTrack, from: number, to: number, nowTs: number): void {
  pushBounded(track, [from, to], nowTs);
  noteEnd(track, to);
}

/** Does a raised alert already cover fix time `ts`? */
export function episodeCovers(track: ZoneTrack, ts: number): boolean {
  const eps = track.episodes;
  for (let i = 0; i < eps.length; i++) {
    const ep = eps[i]!;
    if (ep[0] <= ts && (ep[1] === null || ts <= ep[1])) return true;
  }
  return false;
}

/** Every remembered episode is closed and ended before the retention horizon of `nowTs`. */
export function episodesExpired(track: ZoneTrack, nowTs: number): boolean {
  if (track.episodes.length === 0) return true;
  return track.episodesEnd !== null && track.episodesEnd < nowTs - EPISODE_RETENTION_MS;
}

function noteEnd(track: ZoneTrack, to: number): void {
  if (track.episodesEnd === null || to > track.episodesEnd) track.episodesEnd = to;
}

function pushBounded(track: ZoneTrack, ep: [number, number | null], nowTs: number): void {
  const eps = track.episodes;
  const horizon = nowTs - EPISODE_RETENTION_MS;
  let w = 0;
  for (let i = 0; i < eps.length; i++) {
    const old = eps[i]!;
    if (old[1] === null || old[1] >= horizon) eps[w++] = old;
  }
  if (w !== eps.length) eps.length = w;
  eps.push(ep);
  if (eps.length > MAX_EPISODES) {
    // Drop the oldest closed episode; the open one (at most one) is never dropped.
    const victim = eps[0]![1] === null ? 1 : 0;
    eps.splice(victim, 1);
  }
}
