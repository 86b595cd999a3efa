/**
 * A late fix: older than a fix already applied for the tag (a buffered upload overtaken by a
 * live fix). It does not rewind or change any zone's streak or phase, and it neither passes the
 * speed filter nor raises APPROACH. It is judged against the zones active at its own ts and
 * raises ENTERED/LEFT with late: true unless a raised alert already covers its ts (see
 * episodes.ts):
 *  - rule 1.1 ('corroborated'): late fixes arriving one after another in increasing ts form a
 *    late chain (tag-state.ts LateChain) judged like in-order fixes: two violating fixes in a row
 *    with at least one confirmed ('confirmed'), or the evidence score reaching the threshold
 *    ('possible'). A single late fix, however small its accuracy, raises nothing on its own.
 *  - 'single-fix': a fix CONFIRMED on a violating side (its whole accuracy circle) raises alone.
 * The late alert covers [its run's first ts, the next applied fix after it], so the rest of the
 * same buffered upload does not raise again. It has no EXITED/RETURNED: the next applied fix
 * already showed the subject clear, or in-order fixes own the zone's phase.
 */
import type { Alert } from '../contract/index.js';
import type { CompiledZone, ZoneIndex } from '../geo/index.js';
import { signedDistanceM } from '../geo/index.js';
import { zoneAlert, zoneBreachId } from './alert-factory.js';
import { type EngineConfig, EVIDENCE_CAP } from './config.js';
import { addClosedEpisode, episodeCovers } from './episodes.js';
import { nextScore } from './evidence-score.js';
import { type FixContext, fixEvidence, newFixContext } from './fix-context.js';
import {
  type EvidenceFix,
  type LateChain,
  type LateZone,
  newTagState,
  type TagState,
  type ZoneTrack,
} from './tag-state.js';
import { zoneActiveAt } from './zone-activity.js';
import { corroborates, newTrack, pushCapped, runStartConfirmed } from './zone-tracker.js';

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
  // A late fix not newer than the chain's last starts a new chain (another upload, or a repeat).
  chain = state.late !== null && ts > state.late.ts ? state.late : null;
  chainPrevTs = chain === null ? null : chain.ts;
  visited.length = 0;
  zones.forEachCandidate(subjectId, lat, lon, visitLate);
  // Zones the fix was not near: the fix is clear of them, so their runs and scores end.
  if (chain !== null) {
    const list = chain.zones;
    let w = 0;
    for (let i = 0; i < list.length; i++) if (visited.includes(list[i]!)) list[w++] = list[i]!;
    if (w !== list.length) list.length = w;
    chain.ts = ts;
  }
  state.late = chain !== null && chain.zones.length > 0 ? chain : null;
  chain = null;
  visited.length = 0;
  ctx.out = NO_ALERTS;
}

/** The chain this late fix continues or starts (null until a zone needs one). Scratch. */
let chain: LateChain | null = null;
let chainPrevTs: number | null = null;
/** Chain entries this late fix stepped (scratch, reused). */
const visited: LateZone[] = [];

/** Rule 1.1 over the late chain, for one active zone near the late fix. */
function stepLateChain(zone: CompiledZone, d: number): void {
  const exclusion = zone.kind === 'exclusion';
  const violating = exclusion ? d <= 0 : d > 0;
  const state = ctx.state;
  let entry: LateZone | null = null;
  if (chain !== null) for (const z of chain.zones) if (z.zoneId === zone.zoneId) entry = z;
  if (!violating) {
    if (entry === null) return;
    entry.run.length = 0;
    const dt = chainPrevTs === null ? null : ctx.ts - chainPrevTs;
    const c = ctx.config;
    entry.score = nextScore(
      entry.score,
      exclusion ? -d : d,
      ctx.acc,
      dt,
      c.evidenceTauS,
      c.evidenceOutlierShare,
    );
    if (entry.score === 0) entry.scoreFixes.length = 0;
    else visited.push(entry);
    return;
  }
  const track = findTrack(state.zones, zone.zoneId);
  if (track !== null && episodeCovers(track, ctx.ts)) return; // already alerted: the entry ends
  if (entry === null) {
    entry = { zoneId: zone.zoneId, run: [], score: 0, scoreFixes: [] };
    if (chain === null) chain = { ts: ctx.ts, zones: [] };
    chain.zones.push(entry);
  }
  const fix = fixEvidence(ctx);
  pushCapped(entry.run, fix, EVIDENCE_CAP);
  const dt = chainPrevTs === null ? null : ctx.ts - chainPrevTs;
  const c = ctx.config;
  entry.score = nextScore(
    entry.score,
    exclusion ? -d : d,
    ctx.acc,
    dt,
    c.evidenceTauS,
    c.evidenceOutlierShare,
  );
  if (entry.score > 0) pushCapped(entry.scoreFixes, fix, EVIDENCE_CAP);
  const confirmed = exclusion ? d + ctx.acc <= 0 : d - ctx.acc > 0;
  const n = entry.run.length;
  let evidence: EvidenceFix[] | null = null;
  let certainty: 'confirmed' | 'possible' = 'confirmed';
  if (n >= 2 && (confirmed || (n === 2 && runStartConfirmed(zone, entry.run[0]!)))) evidence = entry.run;
  else if (entry.score >= c.evidenceThreshold) {
    evidence = entry.scoreFixes;
    certainty = 'possible';
  }
  if (evidence === null) {
    visited.push(entry);
    return;
  }
  raiseLate(zone, track, d, entry.run[0]!.ts, certainty, evidence, entry.score);
  // Raised: the entry is done (not marked visited, so it leaves the chain).
}

function raiseLate(
  zone: CompiledZone,
  found: ZoneTrack | null,
  d: number,
  from: number,
  certainty: 'confirmed' | 'possible',
  evidence: EvidenceFix[],
  score: number | null,
): void {
  const state = ctx.state;
  let track = found;
  if (track === null) {
    track = newTrack(zone);
    state.zones.push(track);
  }
  addClosedEpisode(track, from, nextAppliedAfter(state, ctx.ts), state.lastTs ?? ctx.ts);
  ctx.out.push(
    zoneAlert(
      zone.kind === 'exclusion' ? 'EXCLUSION_ENTERED' : 'INCLUSION_LEFT',
      zone,
      ctx.subjectId,
      state.tagId,
      `${zoneBreachId(state.tagId, zone.zoneId, ctx.ts)}|late`,
      fixEvidence(ctx),
      ctx.emittedAt,
      d,
      certainty,
      true,
      evidence,
      score,
    ),
  );
}

function visitLate(zone: CompiledZone): void {
  if (!zoneActiveAt(zone, ctx.ts)) return;
  const d = signedDistanceM(zone, ctx.lat, ctx.lon);
  if (corroborates(ctx.config, zone.kind)) {
    stepLateChain(zone, d);
    return;
  }
  const exclusion = zone.kind === 'exclusion';
  const confirmedViolation = exclusion ? d + ctx.acc <= 0 : d - ctx.acc > 0;
  if (!confirmedViolation) return;
  const track = findTrack(ctx.state.zones, zone.zoneId);
  if (track !== null && episodeCovers(track, ctx.ts)) return;
  raiseLate(zone, track, d, ctx.ts, 'confirmed', [fixEvidence(ctx)], null);
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
