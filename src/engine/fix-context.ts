/**
 * The fix being decided, as the per-zone state machines see it. apply-ping.ts keeps one
 * module-level instance and refills it per fix, so visiting candidate zones needs no closure
 * and no allocation (the engine is synchronous; nothing can interleave).
 */
import type { Alert } from '../contract/index.js';
import type { EngineConfig } from './config.js';
import type { EvidenceFix, TagState } from './tag-state.js';

export interface FixContext {
  config: EngineConfig;
  state: TagState;
  subjectId: string;
  ts: number;
  lat: number;
  lon: number;
  /** Resolved accuracy radius. */
  acc: number;
  /** The tag's last applied fix ts before this one (an episode's lower bound), null if none. */
  prevTs: number | null;
  emittedAt: number;
  out: Alert[];
  /** This fix as evidence, created on first need and shared by every zone's streak. */
  evidence: EvidenceFix | null;
  /** Tracks that existed before this fix (state.zones[0..trackedCount)). */
  trackedCount: number;
}

export function newFixContext(config: EngineConfig, state: TagState, out: Alert[]): FixContext {
  return {
    config,
    state,
    subjectId: '',
    ts: 0,
    lat: 0,
    lon: 0,
    acc: 0,
    prevTs: null,
    emittedAt: 0,
    out,
    evidence: null,
    trackedCount: 0,
  };
}

export function fixEvidence(ctx: FixContext): EvidenceFix {
  let e = ctx.evidence;
  if (e === null) {
    e = { ts: ctx.ts, lat: ctx.lat, lon: ctx.lon, accuracyM: ctx.acc };
    ctx.evidence = e;
  }
  return e;
}
