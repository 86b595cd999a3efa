/**
 * Detection quality against ground truth: the simulated stream is run through the pure engine
 * (applyPing, per tag, in upload order, arrival = upload time) and through the naive baselines,
 * then scored by match-truth.ts. Running the pure engine is equivalent to running the worker with
 * exactly-once on: the worker applies exactly these calls to exactly these pings, once each.
 */
import type { Alert } from '../src/contract/index.js';
import {
  applyPing,
  DEFAULT_ENGINE_CONFIG,
  EnrolmentTable,
  newTagState,
  type TagState,
} from '../src/engine/index.js';
import { compileZone, ZoneIndex } from '../src/geo/index.js';
import { simEnd, simulateFleet } from '../src/sim/fleet.js';
import type { SimOptions } from '../src/sim/sim-options.js';
import type { TruthRecord } from '../src/sim/truth.js';
import { type DetectionScore, type ScoredAlert, scoreDetections, type TruthEpisode } from './match-truth.js';
import { NaiveBaseline } from './naive-baseline.js';

export interface QualityResult {
  subjects: number;
  durationH: number;
  approachShare: number;
  pings: number;
  fixes: number;
  engineWallS: number;
  alertsByType: Record<string, number>;
  /** Confirmation rule 1.1 (the default). */
  fenceline: DetectionScore;
  /** The same fleet under rule 1.0, "single fix confirms" (confirmRule 'single-fix'). */
  singleFix?: DetectionScore;
  singleFixCurfew?: DetectionScore;
  naiveEveryFix: DetectionScore;
  naiveOnEntry: DetectionScore;
  curfew: DetectionScore;
  truthCounts: Record<string, number>;
}

export function runDetectionQuality(opts: SimOptions, log: (s: string) => void = () => {}): QualityResult {
  const zones = new ZoneIndex();
  const enrolments = new EnrolmentTable();
  const world = { zones, enrolments };
  const states = new Map<string, TagState>();
  const singleStates = new Map<string, TagState>();
  const singleConfig = { ...DEFAULT_ENGINE_CONFIG, confirmRule: 'single-fix' as const };
  const singleEntered: ScoredAlert[] = [];
  const singleLeft: ScoredAlert[] = [];
  const subjectOf = (tagId: string) => enrolments.get(tagId)?.subjectId;
  const naiveEvery = new NaiveBaseline(zones, subjectOf, 'every-fix');
  const naiveEntry = new NaiveBaseline(zones, subjectOf, 'on-entry');
  const entered: ScoredAlert[] = [];
  const left: ScoredAlert[] = [];
  const alertsByType: Record<string, number> = {};
  const truth: TruthRecord[] = [];
  const out: Alert[] = [];
  let pings = 0;
  let fixes = 0;
  let engineMs = 0;
  for (const ev of simulateFleet(opts)) {
    switch (ev.kind) {
      case 'zone':
        zones.upsert(compileZone(ev.value));
        break;
      case 'enrolment':
        enrolments.upsert(ev.value);
        break;
      case 'truth':
        truth.push(ev.record);
        break;
      case 'pings': {
        const t0 = performance.now();
        let state = states.get(ev.key);
        if (!state) {
          state = newTagState(ev.key);
          states.set(ev.key, state);
        }
        for (const p of ev.pings) {
          out.length = 0;
          applyPing(world, DEFAULT_ENGINE_CONFIG, state, p.ping, ev.uploadAt, ev.uploadAt, out);
          for (const a of out) {
            alertsByType[a.type] = (alertsByType[a.type] ?? 0) + 1;
            const scored = {
              tagId: a.tagId,
              zoneId: a.zoneId!,
              ts: a.ts,
              arrivedAt: ev.uploadAt,
              outlier: p.outlier === true,
            };
            if (a.type === 'EXCLUSION_ENTERED') entered.push(scored);
            if (a.type === 'INCLUSION_LEFT') left.push(scored);
          }
        }
        engineMs += performance.now() - t0;
        let single = singleStates.get(ev.key);
        if (!single) {
          single = newTagState(ev.key);
          singleStates.set(ev.key, single);
        }
        for (const p of ev.pings) {
          out.length = 0;
          applyPing(world, singleConfig, single, p.ping, ev.uploadAt, ev.uploadAt, out);
          for (const a of out) {
            if (a.type !== 'EXCLUSION_ENTERED' && a.type !== 'INCLUSION_LEFT') continue;
            const scored = {
              tagId: a.tagId,
              zoneId: a.zoneId!,
              ts: a.ts,
              arrivedAt: ev.uploadAt,
              outlier: p.outlier === true,
            };
            (a.type === 'EXCLUSION_ENTERED' ? singleEntered : singleLeft).push(scored);
          }
        }
        for (const p of ev.pings) {
          pings++;
          if (p.ping.lat !== undefined) fixes++;
          naiveEvery.apply(p.ping, ev.uploadAt, p.outlier === true);
          naiveEntry.apply(p.ping, ev.uploadAt, p.outlier === true);
        }
        if (pings % 1_000_000 < ev.pings.length) log(`  quality: ${(pings / 1e6).toFixed(0)}M pings`);
        break;
      }
      default: {
        const never: never = ev;
        throw new Error(`unexpected ${JSON.stringify(never)}`);
      }
    }
  }
  const run = { end: simEnd(opts), subjectDays: (opts.subjects * opts.durationH) / 24 };
  const exclusion: TruthEpisode[] = [];
  const curfew: TruthEpisode[] = [];
  const truthCounts: Record<string, number> = {};
  for (const r of truth) {
    truthCounts[r.type] = (truthCounts[r.type] ?? 0) + 1;
    if (r.type === 'exclusion')
      exclusion.push({ tagId: r.tagId, zoneId: r.zoneId, from: r.entryTs, to: r.exitTs });
    if (r.type === 'curfew') curfew.push({ tagId: r.tagId, zoneId: r.zoneId, from: r.fromTs, to: r.toTs });
  }
  return {
    subjects: opts.subjects,
    durationH: opts.durationH,
    approachShare: opts.approachShare,
    pings,
    fixes,
    engineWallS: engineMs / 1000,
    alertsByType,
    fenceline: scoreDetections(exclusion, entered, run),
    singleFix: scoreDetections(exclusion, singleEntered, run),
    singleFixCurfew: scoreDetections(curfew, singleLeft, run),
    naiveEveryFix: scoreDetections(exclusion, naiveEvery.alerts, run),
    naiveOnEntry: scoreDetections(exclusion, naiveEntry.alerts, run),
    curfew: scoreDetections(curfew, left, run),
    truthCounts,
  };
}
