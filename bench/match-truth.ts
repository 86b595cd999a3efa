/**
 * Scoring alerts against the simulator's ground truth. The rules, also printed in the summary:
 *
 *  - A true episode is a (tag, zone, entryTs, exitTs) interval the true position spent inside an
 *    exclusion zone (exitTs null: still inside when the run ended).
 *  - An EXCLUSION_ENTERED alert for that tag and zone is a TRUE detection of the episode when its
 *    ts lies in [entryTs - earlyToleranceMs, exitTs + lateWindowMs]. The early tolerance admits a
 *    noisy fix that looked inside just before the true entry; the late window admits the
 *    confirmation of a short visit by the fix after the exit.
 *  - An ENTERED alert that is a true detection of no episode is FALSE.
 *  - An episode is DETECTED when at least one alert is a true detection of it; its detection
 *    delay is (earliest matching alert ts) - entryTs, in event time; the upload-inclusive delay
 *    uses the time the triggering fix reached the backend instead of its ts.
 *  - True episodes of one tag and zone separated by less than `mergeGapMs` are one episode: a
 *    step outside for a few seconds (e.g. across a polygon's corner) is not a new breach.
 *  - Episodes starting within `censorMs` of the end of the run are left out of recall: their
 *    fixes may not have been uploaded yet.
 * Curfew (INCLUSION_LEFT vs curfew episodes) is scored by the same rules.
 */
import { type Summary, summarise } from '../src/ops/stats.js';

export interface ScoredAlert {
  tagId: string;
  zoneId: string;
  ts: number;
  /** When the fix behind the alert reached the backend (simulated ms); defaults to ts. */
  arrivedAt?: number;
  /** The triggering fix was a multipath outlier (its error beyond its reported accuracy). */
  outlier?: boolean;
}

export interface TruthEpisode {
  tagId: string;
  zoneId: string;
  from: number;
  to: number | null;
}

export interface MatchRules {
  mergeGapMs: number;
  earlyToleranceMs: number;
  lateWindowMs: number;
  censorMs: number;
}

export const DEFAULT_MATCH_RULES: MatchRules = {
  mergeGapMs: 120_000,
  earlyToleranceMs: 120_000,
  lateWindowMs: 300_000,
  censorMs: 900_000,
};

export interface DetectionScore {
  episodes: number;
  censored: number;
  detected: number;
  recall: number;
  /** Recall over episodes lasting at least 60 s. */
  recallLong: number;
  episodesLong: number;
  alerts: number;
  trueAlerts: number;
  falseAlerts: number;
  falsePerSubjectDay: number;
  /** False alerts whose triggering fix was a multipath outlier. */
  falseFromOutliers: number;
  /** Event-time detection delay, seconds. */
  delayS: Summary;
  /** Upload-inclusive delay, seconds. */
  delayUploadS: Summary;
  /** Missed episodes (first few), for inspection. */
  missed: TruthEpisode[];
}

const key = (tagId: string, zoneId: string) => `${tagId}|${zoneId}`;

/** Merge episodes of one tag and zone that are separated by less than `gapMs`. */
export function mergeEpisodes(truth: readonly TruthEpisode[], gapMs: number): TruthEpisode[] {
  const sorted = [...truth].sort(
    (a, b) => a.tagId.localeCompare(b.tagId) || a.zoneId.localeCompare(b.zoneId) || a.from - b.from,
  );
  const out: TruthEpisode[] = [];
  for (const e of sorted) {
    const last = out.at(-1);
    if (
      last &&
      last.tagId === e.tagId &&
      last.zoneId === e.zoneId &&
      last.to !== null &&
      e.from - last.to < gapMs
    ) {
      out[out.length - 1] = { ...last, to: e.to };
    } else out.push({ ...e });
  }
  return out;
}

export function scoreDetections(
  rawTruth: readonly TruthEpisode[],
  alerts: readonly ScoredAlert[],
  run: { end: number; subjectDays: number },
  rules: MatchRules = DEFAULT_MATCH_RULES,
): DetectionScore {
  const truth = mergeEpisodes(rawTruth, rules.mergeGapMs);
  const byKey = new Map<string, TruthEpisode[]>();
  for (const e of truth) {
    const k = key(e.tagId, e.zoneId);
    const list = byKey.get(k);
    if (list) list.push(e);
    else byKey.set(k, [e]);
  }
  const firstMatch = new Map<TruthEpisode, ScoredAlert>();
  let trueAlerts = 0;
  let falseFromOutliers = 0;
  for (const a of alerts) {
    let matched = false;
    for (const e of byKey.get(key(a.tagId, a.zoneId)) ?? []) {
      const hi = e.to === null ? Number.POSITIVE_INFINITY : e.to + rules.lateWindowMs;
      if (a.ts >= e.from - rules.earlyToleranceMs && a.ts <= hi) {
        matched = true;
        const prev = firstMatch.get(e);
        if (!prev || a.ts < prev.ts) firstMatch.set(e, a);
      }
    }
    if (matched) trueAlerts++;
    else if (a.outlier) falseFromOutliers++;
  }
  const scored = truth.filter((e) => e.from <= run.end - rules.censorMs);
  const long = scored.filter((e) => (e.to ?? run.end) - e.from >= 60_000);
  const delays: number[] = [];
  const uploadDelays: number[] = [];
  const missed: TruthEpisode[] = [];
  for (const e of scored) {
    const a = firstMatch.get(e);
    if (!a) {
      missed.push(e);
      continue;
    }
    delays.push((a.ts - e.from) / 1000);
    uploadDelays.push(((a.arrivedAt ?? a.ts) - e.from) / 1000);
  }
  const detected = scored.length - missed.length;
  const falseAlerts = alerts.length - trueAlerts;
  return {
    episodes: scored.length,
    censored: truth.length - scored.length,
    detected,
    recall: scored.length === 0 ? Number.NaN : detected / scored.length,
    recallLong: long.length === 0 ? Number.NaN : long.filter((e) => firstMatch.has(e)).length / long.length,
    episodesLong: long.length,
    alerts: alerts.length,
    trueAlerts,
    falseAlerts,
    falsePerSubjectDay: run.subjectDays > 0 ? falseAlerts / run.subjectDays : Number.NaN,
    falseFromOutliers,
    delayS: summarise(delays),
    delayUploadS: summarise(uploadDelays),
    missed: missed.slice(0, 20),
  };
}
