/**
 * Drives a simulated run into a sink: tables first, then upload batches, paced either by a
 * target ping rate (--rate) or by simulated time (--speed: simulated seconds per wall second),
 * or as fast as the sink takes them. Ground truth goes to its own JSONL file as it is learnt.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceProfileFeed } from './device-mode.js';
import { simEnd, simulateFleet } from './fleet.js';
import { compact, Progress } from './progress.js';
import type { SimOptions } from './sim-options.js';
import { LineWriter, type SimSink } from './sinks.js';
import type { TruthRecord } from './truth.js';

export interface RunOptions {
  /** Target pings per second (wall clock); undefined = as fast as possible. */
  rate?: number;
  /** Simulated seconds per wall-clock second; undefined = no time pacing. */
  speed?: number;
  truthPath?: string;
  progress?: boolean;
  /** Checked between batches; true stops the run early (Ctrl-C, --duration-s). */
  shouldStop?: () => boolean;
  /** Called once the tables are durable, before the first ping (e.g. to start a worker). */
  beforePings?: () => Promise<void>;
  /** Called for every truth record (the demo and benches keep them in memory). */
  onTruth?: (r: TruthRecord) => void;
  /** Device profiles the tags obey (off when absent). */
  profiles?: DeviceProfileFeed;
}

export interface RunSummary {
  zones: number;
  enrolments: number;
  pings: number;
  fixes: number;
  batches: number;
  truth: Record<string, number>;
  wallMs: number;
  /** Simulated time reached (upload time of the last batch). */
  simReachedMs: number;
  stoppedEarly: boolean;
}

export async function runSimulation(
  opts: SimOptions,
  sink: SimSink,
  run: RunOptions = {},
): Promise<RunSummary> {
  const t0 = Date.now();
  const end = simEnd(opts);
  const truthOut = run.truthPath ? new LineWriter(run.truthPath) : undefined;
  const progress = new Progress(run.progress ?? false);
  const s: RunSummary = {
    zones: 0,
    enrolments: 0,
    pings: 0,
    fixes: 0,
    batches: 0,
    truth: {},
    wallMs: 0,
    simReachedMs: opts.start,
    stoppedEarly: false,
  };
  let paceStart = 0;
  try {
    for (const ev of simulateFleet(opts, undefined, run.profiles)) {
      switch (ev.kind) {
        case 'zone':
          s.zones++;
          await sink.table('zones', ev.key, ev.value, opts.start);
          break;
        case 'enrolment':
          s.enrolments++;
          await sink.table('enrolments', ev.key, ev.value, opts.start);
          break;
        case 'truth':
          s.truth[ev.record.type] = (s.truth[ev.record.type] ?? 0) + 1;
          run.onTruth?.(ev.record);
          await truthOut?.line(JSON.stringify(ev.record));
          break;
        case 'pings': {
          if (s.batches === 0) {
            // Tables must be on the broker before the first ping is.
            await sink.flush();
            await run.beforePings?.();
            paceStart = Date.now();
          }
          s.batches++;
          s.pings += ev.pings.length;
          for (const p of ev.pings) if (p.ping.lat !== undefined) s.fixes++;
          s.simReachedMs = ev.uploadAt;
          run.profiles?.advanceTo?.(ev.uploadAt);
          await sink.pings(ev.key, ev.uploadAt, ev.pings);
          await pace(run, s, sink, paceStart, ev.uploadAt - opts.start);
          const wallS = (Date.now() - t0) / 1000;
          progress.update(
            (ev.uploadAt - opts.start) / (end - opts.start),
            `${compact(s.pings)} pings, ${compact(s.pings / Math.max(wallS, 0.001))}/s, sim ${new Date(ev.uploadAt).toISOString().slice(0, 16)}Z`,
          );
          if (run.shouldStop?.()) {
            s.stoppedEarly = true;
            return s;
          }
          break;
        }
        default: {
          const never: never = ev;
          throw new Error(`unknown event ${JSON.stringify(never)}`);
        }
      }
    }
    return s;
  } finally {
    await sink.flush();
    await truthOut?.close();
    s.wallMs = Date.now() - t0;
    progress.done(
      `${compact(s.pings)} pings (${compact(s.fixes)} fixes) in ${(s.wallMs / 1000).toFixed(1)} s`,
    );
  }
}

/** Sleep so that pings/s stays at `rate`, or simulated time runs at `speed` x wall time. */
async function pace(run: RunOptions, s: RunSummary, sink: SimSink, paceStart: number, simElapsedMs: number) {
  let dueMs = 0;
  if (run.rate !== undefined && run.rate > 0) dueMs = Math.max(dueMs, (s.pings / run.rate) * 1000);
  if (run.speed !== undefined && run.speed > 0) dueMs = Math.max(dueMs, simElapsedMs / run.speed);
  const wait = paceStart + dueMs - Date.now();
  // Sleeping in slices of >= 5 ms keeps timer overhead low; the debt is caught up next batch.
  if (wait >= 5) {
    await sink.nudge();
    await sleep(wait);
  }
}
