/**
 * Closed loop: the engine derives each tag's device profile from the zone and enrolment tables
 * it decides with, the simulated tags obey it (real-time fixes and immediate uploads inside
 * trigger areas, after a delivery delay), and the engine turns their pings into alerts. Reported
 * is what a victim would experience: true entry -> ENTERED alert at the backend, INCLUDING the
 * upload, with profiles off (today's tags) and on, side by side, plus what it costs the tags.
 *
 * The engine is the pure core (applyPing per tag in upload order, arrival = upload time), as in
 * detection-quality.ts: the worker applies exactly these calls, and its ~10 ms of processing is
 * left out. Both runs use the same seed, so they differ only in what the tags do.
 *
 *   npx tsx bench/closed-loop.ts [--subjects N] [--hours H] [--delay-s S] [--seed N]
 */
import { createHmac } from 'node:crypto';
import { feedProfiles, inProcessProfileFeed } from '../src/cli/sim-profiles.js';
import type { Alert } from '../src/contract/index.js';
import {
  applyPing,
  DEFAULT_ENGINE_CONFIG,
  DEFAULT_PROFILE_CONFIG,
  EnrolmentTable,
  newTagState,
  type ProfileConfig,
  type TagState,
} from '../src/engine/index.js';
import { compileZone, ZoneIndex } from '../src/geo/index.js';
import { type DeviceModeStats, type DeviceProfileFeed, newDeviceModeStats } from '../src/sim/device-mode.js';
import { buildFleet, simEnd, simulateFleet } from '../src/sim/fleet.js';
import type { SimOptions } from '../src/sim/sim-options.js';
import type { TruthRecord } from '../src/sim/truth.js';
import { type DetectionScore, type ScoredAlert, scoreDetections, type TruthEpisode } from './match-truth.js';

export interface ClosedLoopOptions {
  /** Profile publish -> on the device, seconds. */
  deliveryDelayS: number;
  /** Upload -> at the backend, seconds. */
  uploadLatencyS: number;
  profile: ProfileConfig;
}

export const DEFAULT_CLOSED_LOOP: ClosedLoopOptions = {
  deliveryDelayS: 60,
  uploadLatencyS: 2,
  profile: DEFAULT_PROFILE_CONFIG,
};

export interface LoopSide {
  pings: number;
  fixes: number;
  uploads: number;
  pingsPerSubjectDay: number;
  uploadsPerSubjectDay: number;
  /** True entry -> ENTERED alert, upload included (s), and recall / false alerts. */
  entered: DetectionScore;
  curfew: DetectionScore;
  device: DeviceModeStats;
  /** Share of tag-time in real-time mode. */
  realTimeShare: number;
  /** Battery beyond the default model, fraction of a charge per subject-day. */
  extraDrainPerSubjectDay: number;
  lowBatteryEpisodes: number;
}

export interface ClosedLoopResult {
  subjects: number;
  durationH: number;
  options: ClosedLoopOptions;
  profiles: number;
  triggers: number;
  meanNearExclusionRadiusM: number;
  off: LoopSide;
  on: LoopSide;
  /** (on - off) / off pings per subject-day. */
  extraPingShare: number;
}

/** A fixed bench key: the offsets are reproducible here, secret in production. */
const BENCH_KEY = 'closed-loop bench key';
const keyed = (m: string) => createHmac('sha256', BENCH_KEY).update(m).digest();

export function runClosedLoop(
  opts: SimOptions,
  o: ClosedLoopOptions = DEFAULT_CLOSED_LOOP,
  log: (s: string) => void = () => {},
): ClosedLoopResult {
  const specs = buildFleet(opts);
  // What the engine would publish from the tables it decides with (src/cli/sim-profiles.ts).
  const feed = inProcessProfileFeed(opts, specs, {
    profile: o.profile,
    hash: keyed,
    deliveryDelayS: o.deliveryDelayS,
    uploadLatencyS: o.uploadLatencyS,
  });
  const profiles = feedProfiles(feed, specs);
  const triggers = profiles.flatMap((p) => p.triggers);
  const near = triggers.filter((t) => t.kind === 'near-exclusion');
  log(`closed loop: ${profiles.length} profiles, ${triggers.length} triggers; profiles off...`);
  const off = runSide(opts, specs, undefined);
  log('closed loop: profiles on...');
  const on = runSide(opts, specs, feed);
  return {
    subjects: opts.subjects,
    durationH: opts.durationH,
    options: o,
    profiles: profiles.length,
    triggers: triggers.length,
    meanNearExclusionRadiusM:
      near.length === 0 ? 0 : near.reduce((a, t) => a + t.circle.radiusM, 0) / near.length,
    off,
    on,
    extraPingShare: (on.pings - off.pings) / off.pings,
  };
}

function runSide(
  opts: SimOptions,
  specs: ReturnType<typeof buildFleet>,
  feed: DeviceProfileFeed | undefined,
): LoopSide {
  const zones = new ZoneIndex();
  const enrolments = new EnrolmentTable();
  const world = { zones, enrolments };
  const states = new Map<string, TagState>();
  const entered: ScoredAlert[] = [];
  const left: ScoredAlert[] = [];
  const truth: TruthRecord[] = [];
  const out: Alert[] = [];
  let pings = 0;
  let fixes = 0;
  let uploads = 0;
  for (const ev of simulateFleet(opts, specs, feed)) {
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
        uploads++;
        let state = states.get(ev.key);
        if (!state) {
          state = newTagState(ev.key);
          states.set(ev.key, state);
        }
        for (const p of ev.pings) {
          pings++;
          if (p.ping.lat !== undefined) fixes++;
          out.length = 0;
          applyPing(world, DEFAULT_ENGINE_CONFIG, state, p.ping, ev.uploadAt, ev.uploadAt, out);
          for (const a of out) {
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
        break;
      }
      default: {
        const never: never = ev;
        throw new Error(`unexpected ${JSON.stringify(never)}`);
      }
    }
  }
  const subjectDays = (opts.subjects * opts.durationH) / 24;
  const run = { end: simEnd(opts), subjectDays };
  const exclusion: TruthEpisode[] = [];
  const curfew: TruthEpisode[] = [];
  let lowBattery = 0;
  for (const r of truth) {
    if (r.type === 'exclusion')
      exclusion.push({ tagId: r.tagId, zoneId: r.zoneId, from: r.entryTs, to: r.exitTs });
    if (r.type === 'curfew') curfew.push({ tagId: r.tagId, zoneId: r.zoneId, from: r.fromTs, to: r.toTs });
    if (r.type === 'low_battery') lowBattery++;
  }
  const device = feed?.stats ?? newDeviceModeStats();
  return {
    pings,
    fixes,
    uploads,
    pingsPerSubjectDay: pings / subjectDays,
    uploadsPerSubjectDay: uploads / subjectDays,
    entered: scoreDetections(exclusion, entered, run),
    curfew: scoreDetections(curfew, left, run),
    device,
    realTimeShare: device.realTimeMs / (opts.subjects * opts.durationH * 3_600_000),
    extraDrainPerSubjectDay: device.extraDrain / subjectDays,
    lowBatteryEpisodes: lowBattery,
  };
}

/** The side-by-side table (Markdown), for summary.md and the README. */
export function renderClosedLoop(r: ClosedLoopResult): string {
  const s = (v: number) => v.toFixed(0);
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const row = (name: string, f: (x: LoopSide) => string) => `| ${name} | ${f(r.off)} | ${f(r.on)} |`;
  return [
    `${r.subjects.toLocaleString('en-GB')} subjects x ${r.durationH} h, profile delivery delay ${r.options.deliveryDelayS} s, upload latency ${r.options.uploadLatencyS} s, real-time policy ${r.options.profile.realTime.fixIntervalS} s fixes uploaded at once; mean near-exclusion trigger radius ${s(r.meanNearExclusionRadiusM)} m.`,
    '',
    '| measure | profiles off (today) | profiles on |',
    '|---|---:|---:|',
    row('true entry → alert incl. upload, p50 / p95 / max s', (x) => {
      const d = x.entered.delayUploadS;
      return `${s(d.p50)} / ${s(d.p95)} / ${s(d.max)}`;
    }),
    row(
      'entry recall (detected / episodes)',
      (x) => `${pct(x.entered.recall)} (${x.entered.detected}/${x.entered.episodes})`,
    ),
    row('false ENTERED alerts', (x) => String(x.entered.falseAlerts)),
    row('curfew recall, false INCLUSION_LEFT', (x) => `${pct(x.curfew.recall)}, ${x.curfew.falseAlerts}`),
    row('curfew breach → alert incl. upload, p50 / p95 s', (x) => {
      const d = x.curfew.delayUploadS;
      return `${s(d.p50)} / ${s(d.p95)}`;
    }),
    row('pings per subject-day', (x) => x.pingsPerSubjectDay.toFixed(1)),
    row('uploads per subject-day', (x) => x.uploadsPerSubjectDay.toFixed(1)),
    row('share of tag-time in real-time mode', (x) => pct(x.realTimeShare)),
    row('extra battery per subject-day (share of a charge)', (x) => pct(x.extraDrainPerSubjectDay)),
    row('low-battery episodes', (x) => String(x.lowBatteryEpisodes)),
    '',
    `Extra pings per subject-day with profiles on: ${pct(r.extraPingShare)}.`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseArgs } = await import('node:util');
  const { DEFAULT_SIM_OPTIONS } = await import('../src/sim/sim-options.js');
  const { values } = parseArgs({
    options: {
      subjects: { type: 'string' },
      hours: { type: 'string' },
      'delay-s': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const t0 = Date.now();
  const r = runClosedLoop(
    {
      ...DEFAULT_SIM_OPTIONS,
      subjects: Number(values.subjects ?? 2000),
      durationH: Number(values.hours ?? 24),
      seed: Number(values.seed ?? 1),
    },
    {
      ...DEFAULT_CLOSED_LOOP,
      deliveryDelayS: Number(values['delay-s'] ?? DEFAULT_CLOSED_LOOP.deliveryDelayS),
    },
    (m) => process.stderr.write(`${m}\n`),
  );
  console.log(values.json ? JSON.stringify(r, null, 2) : renderClosedLoop(r));
  process.stderr.write(`(${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}
