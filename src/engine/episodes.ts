/**
 * Violation episodes remembered per zone, so a late fix can tell whether the violation it shows
 * is already covered by an alert. Bounded in count (MAX_EPISODES) and in age
 * (EPISODE_RETENTION_MS behind the tag's latest fix).
 */
import { EPISODE_RETENTION_MS, MAX_EPISODES } from './config.js';
import type { ZoneTrack } from './tag-state.js';

/** An alert was raised: remember [from, open). */
export function openEpisode(track: ZoneTrack, from: number): void {
  pushBounded(track, [from, null]);
}

/** The ongoing violation ended (alert or silent close) at fix ts `to`. */
export function closeEpisode(track: ZoneTrack, to: number): void {
  const eps = track.episodes;
  for (let i = eps.length - 1; i >= 0; i--) {
    const ep = eps[i]!;
    if (ep[1] === null) {
      ep[1] = to;
      return;
    }
  }
}

/** A late alert covers [from, to]. */
export function addClosedEpisode(track: ZoneTrack, from: number, to: number): void {
  pushBounded(track, [from, to]);
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

/** Forget closed episodes that ended more than EPISODE_RETENTION_MS before `latestTs`. */
export function pruneEpisodes(track: ZoneTrack, latestTs: number): void {
  const eps = track.episodes;
  if (eps.length === 0) return;
  const horizon = latestTs - EPISODE_RETENTION_MS;
  let w = 0;
  for (let i = 0; i < eps.length; i++) {
    const ep = eps[i]!;
    if (ep[1] === null || ep[1] >= horizon) eps[w++] = ep;
  }
  if (w !== eps.length) eps.length = w;
}

function pushBounded(track: ZoneTrack, ep: [number, number | null]): void {
  const eps = track.episodes;
  eps.push(ep);
  if (eps.length > MAX_EPISODES) {
    // Drop the oldest closed episode; the open one (at most one) is never dropped.
    const victim = eps[0]![1] === null ? 1 : 0;
    eps.splice(victim, 1);
  }
}
