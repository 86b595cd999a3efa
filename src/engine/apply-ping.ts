/**
 * applyPing: one validated ping against its tag's state, in place. Pure: the same world,
 * config, state and ping always yield the same state and the same alerts.
 *
 * Order of checks for a fix:
 *  1. enrolment valid at the ping's ts, else 'unenrolled' and nothing changes (alerts need a
 *     subject, so status alerts need an enrolment too);
 *  2. a ts already applied (or the pending suspect's) → 'duplicate', nothing changes;
 *  3. ts < lastTs → 'late' (late-fix.ts);
 *  4. speed filter against the last accepted fix (motion-filter.ts): an outlier is set aside as
 *     the `suspect` (only the latest); a later fix that agrees with the suspect but not with the
 *     last accepted fix proves a relocation, and both are applied in ts order;
 *  5. accepted fix: every tracked zone (even one the R-tree no longer returns, so a far fix
 *     still counts toward EXITED) and every candidate zone is stepped (zone-tracker.ts).
 * Status fields (strap, battery) are handled for every non-duplicate ping (device-status.ts).
 */
import type { Alert, Ping } from '../contract/index.js';
import type { CompiledZone } from '../geo/index.js';
import { type EngineConfig, RECENT_TS_CAPACITY } from './config.js';
import { applyStatus, hasStatus } from './device-status.js';
import { linkedEnrolment, linkedSubjectZones, wearerAt } from './enrolment-link.js';
import { episodesExpired } from './episodes.js';
import { type FixContext, newFixContext } from './fix-context.js';
import { applyLateFix } from './late-fix.js';
import { consistentWith } from './motion-filter.js';
import { restoreSignal } from './no-signal.js';
import { followEnrolment, newTagState, type TagState, type ZoneTrack } from './tag-state.js';
import type { World } from './world.js';
import { zoneActiveAt } from './zone-activity.js';
import { deactivateTrack, forgetTrack, giveBackTrack, isDormant, stepZone } from './zone-tracker.js';

/** Every outcome applyPing can return: the one list that counters and metrics are built from. */
export const PING_OUTCOMES = [
  'applied',
  'late',
  'duplicate',
  'outlier',
  'unenrolled',
  'status',
  'heartbeat',
] as const;
export type PingOutcome = (typeof PING_OUTCOMES)[number];

export function applyPing(
  world: World,
  config: EngineConfig,
  state: TagState,
  ping: Ping,
  arrivedAt: number,
  emittedAt: number,
  out: Alert[],
): PingOutcome {
  if (ping.tagId !== state.tagId) {
    throw new Error(`ping of tag ${ping.tagId} applied to the state of tag ${state.tagId}`);
  }
  const link = linkedEnrolment(world.enrolments, state); // = world.enrolments.get(ping.tagId)
  const subjectId = wearerAt(link, ping.ts); // = subjectAt(world.enrolments.get(ping.tagId), ping.ts)
  if (subjectId === undefined) return 'unenrolled';
  followEnrolment(state, link.key!);
  const mark = out.length;
  const status = hasStatus(ping);
  let outcome: PingOutcome;
  if (ping.lat !== undefined && ping.lon !== undefined) {
    outcome = applyFix(world, config, state, subjectId, ping, arrivedAt, emittedAt, out);
    if (outcome === 'duplicate') return outcome;
  } else {
    outcome = status ? 'status' : 'heartbeat';
  }
  if (status) applyStatus(config, state, ping, subjectId, emittedAt, out);
  if (out.length - mark > 1) sortAlerts(out, mark);
  return outcome;
}

function applyFix(
  world: World,
  config: EngineConfig,
  state: TagState,
  subjectId: string,
  ping: Ping,
  arrivedAt: number,
  emittedAt: number,
  out: Alert[],
): PingOutcome {
  const ts = ping.ts;
  const lat = ping.lat!;
  const lon = ping.lon!;
  const acc = ping.accuracyM ?? config.defaultAccuracyM;
  if (isRepeat(state, ts)) return 'duplicate';
  if (state.lastTs !== null && ts < state.lastTs) {
    applyLateFix(world.zones, config, state, subjectId, ts, lat, lon, acc, emittedAt, out);
    rememberTs(state, ts);
    return 'late';
  }
  const last = state.lastFix;
  if (last !== null && !consistentWith(last, ts, lat, lon, acc, config.maxSpeedMps)) {
    const suspect = state.suspect;
    if (suspect === null || !consistentWith(suspect, ts, lat, lon, acc, config.maxSpeedMps)) {
      state.suspect = { ts, lat, lon, accuracyM: acc };
      return 'outlier';
    }
    // Two fixes agree with each other and not with the last accepted one: a real relocation.
    // Apply both in ts order, so together they can confirm a violation at the new place.
    state.suspect = null;
    const suspectEnrolled = wearerAt(linkedEnrolment(world.enrolments, state), suspect.ts) === subjectId;
    if (suspect.ts < ts) {
      if (suspectEnrolled) acceptFix(world, config, state, subjectId, suspect, arrivedAt, emittedAt, out);
      acceptFix(world, config, state, subjectId, ping as FixLike, arrivedAt, emittedAt, out, acc);
    } else {
      acceptFix(world, config, state, subjectId, ping as FixLike, arrivedAt, emittedAt, out, acc);
      if (suspectEnrolled) acceptFix(world, config, state, subjectId, suspect, arrivedAt, emittedAt, out);
    }
    return 'applied';
  }
  state.suspect = null;
  acceptFix(world, config, state, subjectId, ping as FixLike, arrivedAt, emittedAt, out, acc);
  return 'applied';
}

interface FixLike {
  ts: number;
  lat: number;
  lon: number;
  accuracyM?: number | undefined;
}

/** Scratch context for the accepted-fix path (the engine is synchronous; see fix-context.ts). */
const NO_ALERTS: Alert[] = [];
const ctx: FixContext = newFixContext({} as EngineConfig, newTagState(''), NO_ALERTS);
/** stepped[i] = 1 when state.zones[i] was stepped in step 1 of the current fix (scratch). */
let stepped = new Uint8Array(16);

function acceptFix(
  world: World,
  config: EngineConfig,
  state: TagState,
  subjectId: string,
  fix: FixLike,
  arrivedAt: number,
  emittedAt: number,
  out: Alert[],
  acc: number = fix.accuracyM ?? config.defaultAccuracyM,
): void {
  const ts = fix.ts;
  ctx.config = config;
  ctx.state = state;
  ctx.subjectId = subjectId;
  ctx.ts = ts;
  ctx.lat = fix.lat;
  ctx.lon = fix.lon;
  ctx.acc = acc;
  ctx.prevTs = state.lastTs;
  ctx.emittedAt = emittedAt;
  ctx.out = out;
  ctx.evidence = null;
  if (state.late !== null) state.late = null; // an in-order fix ends a late chain

  // 1. Zones with something in progress, wherever the fix is. Dormant tracks (only episodes
  //    left) wait for step 2, like untracked zones.
  const tracks = state.zones;
  const tracked = tracks.length;
  ctx.trackedCount = tracked;
  if (stepped.length < tracked) stepped = new Uint8Array(Math.max(tracked, stepped.length * 2));
  // The subject's zone record (= by subjectId): step 1 finds tracked zones in it, step 2 scans it.
  const subjectZones = linkedSubjectZones(world.zones, state, subjectId);
  for (let i = 0; i < tracked; i++) {
    const track = tracks[i]!;
    if (isDormant(track)) {
      stepped[i] = 0;
      continue;
    }
    stepped[i] = 1;
    const zone =
      subjectZones === undefined
        ? undefined
        : world.zones.zoneOfSubject(subjectZones, subjectId, track.zoneId);
    if (zone === undefined) {
      forgetTrack(track); // deleted, or the tag now belongs to another subject
      continue;
    }
    if (zone.kind !== track.kind) {
      forgetTrack(track);
      track.kind = zone.kind;
    }
    if (!zoneActiveAt(zone, ts)) deactivateTrack(track, ts);
    else stepZone(ctx, zone, track);
  }
  // 2. Zones near the fix (and the subject's inclusion zones) not stepped in 1.
  if (subjectZones !== undefined)
    world.zones.forEachCandidateOf(subjectZones, subjectId, fix.lat, fix.lon, visitCandidate);
  // 3. Drop dormant tracks whose episodes are gone or expired, keeping the order of the rest.
  let w = 0;
  for (let i = 0; i < tracks.length; i++) {
    const track = tracks[i]!;
    if (!isDormant(track) || !episodesExpired(track, ts)) tracks[w++] = track;
    else giveBackTrack(track);
  }
  if (w !== tracks.length) tracks.length = w;

  state.lastTs = ts;
  rememberTs(state, ts);
  const last = state.lastFix;
  if (last === null) {
    state.lastFix = { ts, lat: fix.lat, lon: fix.lon, accuracyM: acc };
  } else {
    last.ts = ts;
    last.lat = fix.lat;
    last.lon = fix.lon;
    last.accuracyM = acc;
  }
  state.lastFixArrivedAt = arrivedAt;
  restoreSignal(state, subjectId, emittedAt, out);
  ctx.out = NO_ALERTS; // don't keep the caller's array alive
}

function visitCandidate(zone: CompiledZone): void {
  const tracks = ctx.state.zones;
  let track: ZoneTrack | null = null;
  for (let i = 0; i < ctx.trackedCount; i++) {
    if (tracks[i]!.zoneId === zone.zoneId) {
      if (stepped[i] === 1) return;
      track = tracks[i]!;
      break;
    }
  }
  if (track !== null && track.kind !== zone.kind) {
    forgetTrack(track);
    track.kind = zone.kind;
  }
  if (!zoneActiveAt(zone, ctx.ts)) return;
  stepZone(ctx, zone, track);
}

/**
 * Has this fix ts been applied (or set aside as the suspect) already? Every applied ts is
 * <= lastTs, so a newer fix only needs the suspect check: the common path reads no ring.
 */
function isRepeat(state: TagState, ts: number): boolean {
  if (state.suspect !== null && state.suspect.ts === ts) return true;
  const lastTs = state.lastTs;
  if (lastTs === null || ts > lastTs) return false;
  if (ts === lastTs) return true;
  const recent = state.recentTs;
  for (let i = 0; i < recent.length; i++) if (recent[i] === ts) return true;
  return false;
}

/** Remember an applied ts: a ring of RECENT_TS_CAPACITY slots, overwritten in place when full. */
function rememberTs(state: TagState, ts: number): void {
  const recent = state.recentTs;
  if (recent.length < RECENT_TS_CAPACITY) {
    recent.push(ts);
  } else {
    recent[state.recentNext] = ts;
    state.recentNext = (state.recentNext + 1) % RECENT_TS_CAPACITY;
  }
}

/** One ping's alerts in (ts, alertId) order: independent of R-tree visiting order. */
function sortAlerts(out: Alert[], from: number): void {
  for (let i = from + 1; i < out.length; i++) {
    const a = out[i]!;
    let j = i - 1;
    while (j >= from && compareAlerts(out[j]!, a) > 0) {
      out[j + 1] = out[j]!;
      j--;
    }
    out[j + 1] = a;
  }
}

function compareAlerts(a: Alert, b: Alert): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  return a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0;
}
