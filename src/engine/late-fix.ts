/**
 * A late fix: older than a fix already applied for the tag (a buffered upload overtaken by a
 * live fix). It does not rewind or change any zone's streak or phase, and it neither passes the
 * speed filter nor raises APPROACH. It is judged alone, against the zones active at its own ts:
 * only a fix CONFIRMED on a violating side (its whole accuracy circle) can show a violation by
 * itself, and it raises ENTERED/LEFT with late: true unless a raised alert already covers its
 * ts (see episodes.ts). The late alert covers [its ts, the next applied fix after it], so the
 * rest of the same buffered upload does not raise again. It has no EXITED/RETURNED: the next
 * applied fix already showed the subject clear, or in-order fixes own the zone's phase.
 */
import type { Alert } from '../contract/index.js';
import type { CompiledZone, ZoneIndex } from '../geo/index.js';
import { signedDistanceM } from '../geo/index.js';
import { zoneAlert, zoneBreachId } from './alert-factory.js';
import type { EngineConfig } from './config.js';
import { addClosedEpisode, episodeCovers } from './episodes.js';
import { type FixContext, fixEvidence, newFixContext } from './fix-context.js';
import { newTagState, type TagState, type ZoneTrack } from './tag-state.js';
import { zoneActiveAt } from './zone-activity.js';
import { newTrack } from './zone-tracker.js';

const NO_ALERTS: Alert[] = [];
const ctx: FixContext = newFixContext({} as EngineConfig, newTagState(''), NO_ALERTS);

export function applyLateFix(
  zones: ZoneIndex,
  config: EngineConfig,
  state: TagState,
  subjectId: string,
  ts: number,
  lat: number,
  lon: number,
  acc: number,
  emittedAt: number,
  out: Alert[],
): void {
  ctx.config = config;
  ctx.state = state;
  ctx.subjectId = subjectId;
  ctx.ts = ts;
  ctx.lat = lat;
  ctx.lon = lon;
  ctx.acc = acc;
  ctx.prevTs = null;
  ctx.emittedAt = emittedAt;
  ctx.out = out;
  ctx.evidence = null;
  ctx.trackedCount = state.zones.length;
  zones.forEachCandidate(subjectId, lat, lon, visitLate);
  ctx.out = NO_ALERTS;
}

function visitLate(zone: CompiledZone): void {
  if (!zoneActiveAt(zone, ctx.ts)) return;
  const d = signedDistanceM(zone, ctx.lat, ctx.lon);
  const exclusion = zone.kind === 'exclusion';
  const confirmedViolation = exclusion ? d + ctx.acc <= 0 : d - ctx.acc > 0;
  if (!confirmedViolation) return;
  const state = ctx.state;
  let track = findTrack(state.zones, zone.zoneId);
  if (track !== null && episodeCovers(track, ctx.ts)) return;
  if (track === null) {
    track = newTrack(zone);
    state.zones.push(track);
  }
  addClosedEpisode(track, ctx.ts, nextAppliedAfter(state, ctx.ts), state.lastTs ?? ctx.ts);
  const fix = fixEvidence(ctx);
  ctx.out.push(
    zoneAlert(
      exclusion ? 'EXCLUSION_ENTERED' : 'INCLUSION_LEFT',
      zone,
      ctx.subjectId,
      state.tagId,
      `${zoneBreachId(state.tagId, zone.zoneId, ctx.ts)}|late`,
      fix,
      ctx.emittedAt,
      d,
      'confirmed',
      true,
      [fix],
    ),
  );
}

function findTrack(tracks: ZoneTrack[], zoneId: string): ZoneTrack | null {
  for (let i = 0; i < tracks.length; i++) if (tracks[i]!.zoneId === zoneId) return tracks[i]!;
  return null;
}

/** The earliest remembered applied fix after `ts` (the late fix's own ts if none is known). */
function nextAppliedAfter(state: TagState, ts: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const t of state.recentTs) if (t > ts && t < next) next = t;
  return next === Number.POSITIVE_INFINITY ? ts : next;
}
