/**
 * Confirmation rules side by side on the same simulated fleet: one pass of the simulator feeds
 * every rule's own pure engine (applyPing per tag, arrival = upload time), and each rule's
 * ENTERED and LEFT alerts are scored against ground truth by match-truth.ts. For the stress
 * fleet it also counts the true entries that had an EXCLUSION_APPROACH alert before they were
 * detected (or, when missed, before they ended): APPROACH is the early warning that covers an
 * entry whose evidence stays weak.
 */
import type { Alert } from '../src/contract/index.js';
import {
  applyPing,
  DEFAULT_ENGINE_CONFIG,
  type EngineConfig,
  EnrolmentTable,
  newTagState,
  type TagState,
} from '../src/engine/index.js';
import { compileZone, ZoneIndex } from '../src/geo/index.js';
import { type Summary, summarise } from '../src/ops/stats.js';
import { simEnd, simulateFleet } from '../src/sim/fleet.js';
import type { SimOptions } from '../src/sim/sim-options.js';
import {
  DEFAULT_MATCH_RULES,
  type DetectionScore,
  mergeEpisodes,
  type ScoredAlert,
  scoreDetections,
  type TruthEpisode,
} from './match-truth.js';

export interface RuleVariant {
  name: string;
  config: EngineConfig;
}

export const RULE_VARIANTS: readonly RuleVariant[] = [
  { name: 'single fix confirms (1.0)', config: { ...DEFAULT_ENGINE_CONFIG, confirmRule: 'single-fix' } },
  { name: 'corroborated (1.1)', config: { ...DEFAULT_ENGINE_CONFIG, confirmRule: 'corroborated' } },
];

export interface ApproachFirst {
  /** Scored (uncensored) true entries. */
  episodes: number;
  /** Of those, with an APPROACH alert for the tag and zone before detection (or the entry's end). */
  withApproach: number;
  /** Missed entries, and of those with an APPROACH alert before they ended. */
  missed: number;
  missedWithApproach: number;
}

export interface RuleResult {
  name: string;
  entered: DetectionScore;
  left: DetectionScore;
  approachFirst: ApproachFirst;
  /** Only for APPROACH: how long before the entry it came (s), over entries that had one. */
  approachLeadS: Summary;
}

export interface ComparisonResult {
  fleet: string;
  subjects: number;
  durationH: number;
  fixes: number;
  rules: RuleResult[];
}

/** An APPROACH earlier than this before the entry belongs to another visit. */
const APPROACH_LOOKBACK_MS = 60 * 60_000;

export function compareRules(
  fleet: string,
  opts: SimOptions,
  variants: readonly RuleVariant[] = RULE_VARIANTS,
  log: (s: string) => void = () => {},
): ComparisonResult {
  const zones = new ZoneIndex();
  const enrolments = new EnrolmentTable();
  const world = { zones, enrolments };
  const runs = variants.map(() => ({
    states: new Map<string, TagState>(),
    entered: [] as ScoredAlert[],
    left: [] as ScoredAlert[],
    approach: new Map<string, number[]>(),
  }));
  const exclusion: TruthEpisode[] = [];
  const curfew: TruthEpisode[] = [];
  const out: Alert[] = [];
  let fixes = 0;
  let pings = 0;
  for (const ev of simulateFleet(opts)) {
    if (ev.kind === 'zone') zones.upsert(compileZone(ev.value));
    else if (ev.kind === 'enrolment') enrolments.upsert(ev.value);
    else if (ev.kind === 'truth') {
      const r = ev.record;
      if (r.type === 'exclusion')
        exclusion.push({ tagId: r.tagId, zoneId: r.zoneId, from: r.entryTs, to: r.exitTs });
      if (r.type === 'curfew') curfew.push({ tagId: r.tagId, zoneId: r.zoneId, from: r.fromTs, to: r.toTs });
    } else {
      for (let v = 0; v < variants.length; v++) {
        const run = runs[v]!;
        let state = run.states.get(ev.key);
        if (!state) {
          state = newTagState(ev.key);
          run.states.set(ev.key, state);
        }
        for (const p of ev.pings) {
          out.length = 0;
          applyPing(world, variants[v]!.config, state, p.ping, ev.uploadAt, ev.uploadAt, out);
          for (const a of out) {
            const scored = {
              tagId: a.tagId,
              zoneId: a.zoneId!,
              ts: a.ts,
              arrivedAt: ev.uploadAt,
              outlier: p.outlier === true,
            };
            if (a.type === 'EXCLUSION_ENTERED') run.entered.push(scored);
            else if (a.type === 'INCLUSION_LEFT') run.left.push(scored);
            else if (a.type === 'EXCLUSION_APPROACH') {
              const k = `${a.tagId}|${a.zoneId}`;
              const list = run.approach.get(k);
              if (list) list.push(a.ts);
              else run.approach.set(k, [a.ts]);
            }
          }
        }
      }
      for (const p of ev.pings) {
        pings++;
        if (p.ping.lat !== undefined) fixes++;
      }
      if (pings % 2_000_000 < ev.pings.length) log(`  ${fleet}: ${(pings / 1e6).toFixed(0)}M pings`);
    }
  }
  const end = simEnd(opts);
  const runInfo = { end, subjectDays: (opts.subjects * opts.durationH) / 24 };
  return {
    fleet,
    subjects: opts.subjects,
    durationH: opts.durationH,
    fixes,
    rules: variants.map((v, i) => {
      const run = runs[i]!;
      const { approachFirst, leads } = approachBefore(exclusion, run.entered, run.approach, end);
      return {
        name: v.name,
        entered: scoreDetections(exclusion, run.entered, runInfo),
        left: scoreDetections(curfew, run.left, runInfo),
        approachFirst,
        approachLeadS: summarise(leads),
      };
    }),
  };
}

/** Same episode merging, censoring and matching window as scoreDetections. */
function approachBefore(
  rawTruth: readonly TruthEpisode[],
  entered: readonly ScoredAlert[],
  approach: ReadonlyMap<string, number[]>,
  end: number,
): { approachFirst: ApproachFirst; leads: number[] } {
  const rules = DEFAULT_MATCH_RULES;
  const truth = mergeEpisodes(rawTruth, rules.mergeGapMs).filter((e) => e.from <= end - rules.censorMs);
  const alertsOf = new Map<string, number[]>();
  for (const a of entered) {
    const k = `${a.tagId}|${a.zoneId}`;
    const list = alertsOf.get(k);
    if (list) list.push(a.ts);
    else alertsOf.set(k, [a.ts]);
  }
  const r: ApproachFirst = { episodes: truth.length, withApproach: 0, missed: 0, missedWithApproach: 0 };
  const leads: number[] = [];
  for (const e of truth) {
    const k = `${e.tagId}|${e.zoneId}`;
    const hi = e.to === null ? Number.POSITIVE_INFINITY : e.to + rules.lateWindowMs;
    let detectedAt = Number.POSITIVE_INFINITY;
    for (const ts of alertsOf.get(k) ?? [])
      if (ts >= e.from - rules.earlyToleranceMs && ts <= hi) detectedAt = Math.min(detectedAt, ts);
    const missed = detectedAt === Number.POSITIVE_INFINITY;
    const until = missed ? (e.to ?? end) : detectedAt;
    let first = Number.POSITIVE_INFINITY;
    for (const ts of approach.get(k) ?? [])
      if (ts >= e.from - APPROACH_LOOKBACK_MS && ts <= until) first = Math.min(first, ts);
    const had = first !== Number.POSITIVE_INFINITY;
    if (had) {
      r.withApproach++;
      leads.push((e.from - first) / 1000);
    }
    if (missed) {
      r.missed++;
      if (had) r.missedWithApproach++;
    }
  }
  return { approachFirst: r, leads };
}
