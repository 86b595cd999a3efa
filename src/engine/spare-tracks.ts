/**
 * Zone tracks a tag's state dropped, kept to be handed out again (zone-tracker.ts: giveBackTrack
 * resets a track and keeps it here, newTrack takes one from here before making one).
 *
 * A tag that comes near a zone starts a track: an object and four arrays. It is dropped again a
 * few fixes later, once nothing is in progress and its episodes have expired (apply-ping.ts,
 * step 3). In the decision-core bench about one fix in nine starts one, and each lives long
 * enough (until that tag's next fixes) to be promoted out of the young generation before it
 * dies. Reusing them took the collector from 16.5% to 8.3% of a 100k-zone profile.
 *
 * Only a track that nothing else refers to may be kept: one just removed from its state's list.
 * Arrays a track handed to an alert (its run as the alert's evidence) were replaced by fresh ones
 * at that moment (zone-tracker.ts, flip), so the arrays kept here belong to the track alone.
 */
import type { ZoneTrack } from './tag-state.js';

/** At most this many spare tracks (~0.5 MB): enough for a burst of drops, no unbounded hoard. */
export const SPARE_TRACKS_CAP = 2048;

const spare: ZoneTrack[] = [];

/** A spare track (already reset by whoever kept it), or undefined when there is none. */
export function takeSpareTrack(): ZoneTrack | undefined {
  return spare.pop();
}

/** Keep a reset track that nothing refers to, unless SPARE_TRACKS_CAP are kept already. */
export function keepSpareTrack(t: ZoneTrack): void {
  if (spare.length < SPARE_TRACKS_CAP) spare.push(t);
}

/** How many spare tracks are kept (for tests). */
export function spareTrackCount(): number {
  return spare.length;
}
