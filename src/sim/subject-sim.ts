/**
 * One subject's tag, generated lazily in event time: true path (day plans), fixes on the tag's
 * own clock (every 60 s, every 15 s near an exclusion zone), GPS error, battery and strap, and
 * store-and-forward uploads. `nextUpload()` returns the next batch; only the current day's plan
 * and the buffered fixes are held in memory.
 */
import type { Ping } from '../contract/index.js';
import { buildDayPlan } from './day-plan.js';
import { type DeviceProfileFeed, FIX_DRAIN, TagDevice, UPLOAD_DRAIN } from './device-mode.js';
import { haversineM, type LatLon, METRES_PER_DEGREE_LAT } from './geodesy.js';
import { type GpsEnvironment, GpsNoise, type NoiseSample } from './gps-noise.js';
import { type LocalDate, localDateOf, localToUtc, nextDate } from './local-time.js';
import { Rng } from './prng.js';
import { positionAt, type Segment } from './segment.js';
import { CURFEW_END_MIN, CURFEW_START_MIN, CURFEW_TZ, type SimOptions } from './sim-options.js';
import { STREAM, type SubjectSpec } from './subject-spec.js';
import type { TruthRecord } from './truth.js';
import { TruthTracker } from './truth-tracker.js';

const LOW_BATTERY = 0.15;
/** Rng.derive purpose suffix of the noise of fixes only real-time mode takes. */
const EXTRA_FIX_STREAM = 1;

/** A generated ping plus what only the simulator knows about it. */
export interface SimPing {
  readonly ping: Ping;
  /** True position when the fix was taken (absent for status-only pings). */
  readonly trueLat?: number;
  readonly trueLon?: number;
  /** Distance from the true to the reported position, metres. */
  readonly errorM?: number;
  readonly outlier?: boolean;
}

export interface UploadBatch {
  readonly tagId: string;
  /** When the batch reaches the backend (simulated ms). */
  readonly uploadAt: number;
  /** In ts order. */
  readonly pings: SimPing[];
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export class SubjectSim {
  nextUploadAt: number;
  done = false;
  private readonly noiseRng: Rng;
  private readonly uploadRng: Rng;
  private readonly deviceRng: Rng;
  private readonly noise: GpsNoise;
  private readonly truth: TruthTracker;
  private readonly sample: NoiseSample = { dx: 0, dy: 0, accuracyM: 0, outlier: false };
  private segments: Segment[] = [];
  private segIndex = 0;
  private date: LocalDate;
  private nextFixAt: number;
  private battery: number;
  private readonly drainPerH: number;
  private chargeFrom = 0;
  private chargeTo = 0;
  private tamperFrom = 0;
  private tamperTo = 0;
  private lowBatteryReported = false;

  constructor(
    private readonly opts: SimOptions,
    readonly spec: SubjectSpec,
    private readonly end: number,
    private readonly emitTruth: (r: TruthRecord) => void,
    /** Device profiles to obey; absent = today's tags (and byte-identical output). */
    private readonly profiles?: DeviceProfileFeed,
  ) {
    this.noiseRng = Rng.derive(opts.seed, spec.index, STREAM.noise);
    this.uploadRng = Rng.derive(opts.seed, spec.index, STREAM.upload);
    this.deviceRng = Rng.derive(opts.seed, spec.index, STREAM.device);
    this.noise = new GpsNoise(this.noiseRng, opts.errorCorrelationScale ?? 1, opts.trueErrorScale ?? 1);
    this.truth = new TruthTracker(spec, curfewActive, emitTruth);
    this.battery = this.deviceRng.uniform(0.75, 1);
    this.drainPerH = this.deviceRng.uniform(0.012, 0.03);
    this.nextFixAt = opts.start + Math.floor(this.deviceRng.next() * opts.fixIntervalS * 1000);
    this.nextUploadAt = opts.start + this.uploadGapMs();
    this.date = localDateOf(CURFEW_TZ, opts.start);
    this.loadDay(opts.start);
    if (profiles) {
      this.device = new TagDevice(profiles.timeline(spec.tagId), profiles.deliveryDelayS * 1000);
      this.extraRng = Rng.derive(opts.seed, spec.index, STREAM.noise, EXTRA_FIX_STREAM);
      this.extraNoise = new GpsNoise(this.extraRng);
      this.defaultNextFixAt = this.nextFixAt;
      this.scheduledUploadAt = this.nextUploadAt;
      this.planProfiled();
    }
  }

  private uploadGapMs(): number {
    return Math.round(this.uploadRng.uniform(this.opts.uploadMinMin, this.opts.uploadMaxMin) * 60_000);
  }

  /** Plan the current date, feed its segments (clipped to the run) to the truth, set device events. */
  private loadDay(notBefore: number): void {
    const next = nextDate(this.date);
    const plan = buildDayPlan(this.opts, this.spec, this.date, next);
    // A day that overran midnight pushes the next day's opening home dwell later.
    const first = plan[0];
    if (first && first.t0 < notBefore) plan[0] = { ...first, t0: Math.min(notBefore, first.t1) };
    this.segments = plan;
    this.segIndex = 0;
    const edges = [this.date, next].flatMap((d) => [
      localToUtc(CURFEW_TZ, d, CURFEW_END_MIN),
      localToUtc(CURFEW_TZ, d, CURFEW_START_MIN),
    ]);
    for (const seg of plan) {
      const t0 = Math.max(seg.t0, this.opts.start);
      const t1 = Math.min(seg.t1, this.end);
      if (t1 <= t0) continue;
      const clipped =
        t0 === seg.t0 && t1 === seg.t1
          ? seg
          : { ...seg, t0, t1, a: positionAt(seg, t0), b: positionAt(seg, t1) };
      this.truth.add(clipped, edges);
    }
    const dev = this.deviceRng;
    const local = (min: number) => localToUtc(CURFEW_TZ, this.date, min);
    // Most charge their tag at home in the evening; some forget (and some then hit low battery).
    const charges = dev.chance(0.93);
    this.chargeFrom = charges ? local(20 * 60) : 0;
    this.chargeTo = charges ? local(23 * 60) : 0;
    const tamper = dev.next() < this.opts.tamperShare;
    this.tamperFrom = tamper ? local(dev.uniform(8 * 60, 22 * 60)) : 0;
    this.tamperTo = tamper ? this.tamperFrom + Math.round(dev.uniform(5, 30) * 60_000) : 0;
    if (tamper && this.tamperFrom < this.end && this.tamperFrom >= this.opts.start) {
      const { subjectId, tagId } = this.spec;
      this.emitTruth({
        type: 'strap_tamper',
        subjectId,
        tagId,
        fromTs: this.tamperFrom,
        toTs: this.tamperTo,
      });
    }
    this.date = next;
  }

  private segmentAt(t: number): Segment {
    for (;;) {
      while (this.segIndex < this.segments.length && this.segments[this.segIndex]!.t1 <= t) this.segIndex++;
      const seg = this.segments[this.segIndex];
      if (seg) return seg;
      this.loadDay(this.segments.at(-1)?.t1 ?? t);
    }
  }

  private nearExclusion(p: LatLon): boolean {
    for (const z of this.spec.exclusions) {
      const d = haversineM(p.lat, p.lon, z.centre.lat, z.centre.lon) - z.extentM;
      if (d < this.opts.nearZoneM) return true;
    }
    return false;
  }

  /** Generate the fixes up to the next upload and return them as one batch. */
  nextUpload(): UploadBatch {
    if (this.device) return this.nextUploadProfiled();
    const uploadAt = Math.min(this.nextUploadAt, this.end);
    const pings: SimPing[] = [];
    while (this.nextFixAt < uploadAt) {
      const t = this.nextFixAt;
      const seg = this.segmentAt(t);
      const truePos = positionAt(seg, t);
      pings.push(this.makePing(t, seg, truePos));
      const interval = this.nearExclusion(truePos) ? this.opts.nearFixIntervalS : this.opts.fixIntervalS;
      this.nextFixAt = t + interval * 1000;
    }
    if (uploadAt >= this.end) {
      this.done = true;
      // Force the truth up to the end: load days until the plan covers it, then close episodes.
      while ((this.segments.at(-1)?.t1 ?? 0) < this.end) this.loadDay(this.segments.at(-1)?.t1 ?? this.end);
      this.truth.finish();
    }
    this.nextUploadAt = uploadAt + this.uploadGapMs();
    return { tagId: this.spec.tagId, uploadAt, pings };
  }

  // --- Obeying device profiles (only when `profiles` is given) ---------------------------------
  private device: TagDevice | undefined;
  /** The store-and-forward schedule's next upload. */
  private scheduledUploadAt = 0;
  /** Fixes generated ahead up to `nextUploadAt`, which the fleet's heap orders by. */
  private pending: SimPing[] = [];
  private pendingRealTime = false;
  private realTimeNow = false;
  /**
   * Real-time mode ADDS fixes between those of the default schedule, which stay where they were:
   * `defaultNextFixAt` is the default schedule's next fix, and only those fixes draw from the
   * default noise stream; the extra ones draw from their own. So a run with profiles takes every
   * fix a run without them takes, with the same error, and the two compare pair by pair.
   */
  private defaultNextFixAt = 0;
  private extraRng: Rng | undefined;
  private extraNoise: GpsNoise | undefined;

  /**
   * Generate fixes ahead until the next upload: the scheduled one, or one a real-time fix
   * triggers (at its ts + uploadWithinS + network latency), whichever comes first. The fleet's
   * heap needs the upload time before the batch is taken, so the fixes are made here.
   */
  private planProfiled(): void {
    const feed = this.profiles!;
    let deadline = Math.min(this.scheduledUploadAt, this.end);
    this.pendingRealTime = false;
    while (this.nextFixAt < deadline) {
      const t = this.nextFixAt;
      const seg = this.segmentAt(t);
      const truePos = positionAt(seg, t);
      const isDefault = t === this.defaultNextFixAt;
      const sim = isDefault
        ? this.makePing(t, seg, truePos)
        : this.makePing(t, seg, truePos, this.extraRng!, this.extraNoise!);
      this.pending.push(sim);
      const fix = sim.ping;
      // The tag knows only its measured position; without a fix it keeps its last mode.
      const policy =
        fix.lat !== undefined && fix.lon !== undefined
          ? this.device!.policyAt(t, fix.lat, fix.lon)
          : this.realTimeNow
            ? this.device!.policyAt(t, truePos.lat, truePos.lon)
            : undefined;
      this.realTimeNow = policy !== undefined;
      if (isDefault) {
        const normalS = this.nearExclusion(truePos) ? this.opts.nearFixIntervalS : this.opts.fixIntervalS;
        this.defaultNextFixAt = t + normalS * 1000;
      }
      const rtNext = policy ? t + policy.fixIntervalS * 1000 : Number.POSITIVE_INFINITY;
      this.nextFixAt = Math.min(this.defaultNextFixAt, rtNext);
      if (policy) {
        feed.stats.realTimeMs += this.nextFixAt - t;
        feed.stats.realTimeFixes++;
        // A fix the default schedule would not have taken costs battery.
        if (!isDefault) this.spend(FIX_DRAIN, feed);
        const due = t + (policy.uploadWithinS + feed.uploadLatencyS) * 1000;
        if (due < deadline) {
          deadline = due;
          this.pendingRealTime = true;
        }
      }
    }
    // Unclamped when scheduled, as in the default path: the heap orders the final uploads by it.
    this.nextUploadAt = this.pendingRealTime ? deadline : this.scheduledUploadAt;
  }

  private spend(drain: number, feed: DeviceProfileFeed): void {
    if (drain <= 0) return;
    this.battery = Math.max(0.01, this.battery - drain);
    feed.stats.extraDrain += drain;
  }

  private nextUploadProfiled(): UploadBatch {
    const uploadAt = Math.min(this.nextUploadAt, this.end);
    const pings = this.pending;
    this.pending = [];
    if (this.pendingRealTime && pings.length > 0) {
      this.profiles!.stats.realTimeUploads++;
      this.spend(UPLOAD_DRAIN, this.profiles!);
    }
    if (uploadAt >= this.end) {
      this.done = true;
      while ((this.segments.at(-1)?.t1 ?? 0) < this.end) this.loadDay(this.segments.at(-1)?.t1 ?? this.end);
      this.truth.finish();
    } else {
      if (uploadAt >= this.scheduledUploadAt) this.scheduledUploadAt = uploadAt + this.uploadGapMs();
      this.planProfiled();
    }
    return { tagId: this.spec.tagId, uploadAt, pings };
  }

  private makePing(
    t: number,
    seg: Segment,
    p: LatLon,
    noiseRng: Rng = this.noiseRng,
    noise: GpsNoise = this.noise,
  ): SimPing {
    const env: GpsEnvironment =
      seg.mode !== 'dwell'
        ? 'moving'
        : seg.place === 'zone' && !this.opts.shallowIndoorEntries
          ? 'outdoor-static'
          : 'indoor';
    this.updateBattery(t, seg);
    const battery = Math.round(this.battery * 100) / 100;
    if (battery < LOW_BATTERY && !this.lowBatteryReported) {
      this.emitTruth({ type: 'low_battery', subjectId: this.spec.subjectId, tagId: this.spec.tagId, ts: t });
    }
    this.lowBatteryReported = battery < LOW_BATTERY;
    const strap = t >= this.tamperFrom && t < this.tamperTo ? 'tampered' : 'ok';
    const { tagId } = this.spec;
    // Indoors a receiver sometimes gets no fix at all: the tag still reports its status.
    if (env === 'indoor' && noiseRng.next() < 0.01) return { ping: { tagId, ts: t, battery, strap } };
    const s = noise.sample(noiseRng, t, env, this.opts.outlierRate, this.sample);
    const lat = round6(p.lat + s.dy / METRES_PER_DEGREE_LAT);
    const lon = round6(p.lon + s.dx / (METRES_PER_DEGREE_LAT * Math.cos((p.lat * Math.PI) / 180)));
    return {
      ping: { tagId, ts: t, lat, lon, accuracyM: s.accuracyM, battery, strap },
      trueLat: p.lat,
      trueLon: p.lon,
      errorM: haversineM(p.lat, p.lon, lat, lon),
      outlier: s.outlier,
    };
  }

  private lastBatteryT = Number.NaN;

  private updateBattery(t: number, seg: Segment): void {
    const dtH = Number.isNaN(this.lastBatteryT) ? 0 : (t - this.lastBatteryT) / 3_600_000;
    this.lastBatteryT = t;
    const charging = seg.place === 'home' && t >= this.chargeFrom && t < this.chargeTo;
    this.battery = charging
      ? Math.min(1, this.battery + 0.4 * dtH)
      : Math.max(0.01, this.battery - this.drainPerH * dtH);
  }
}

/** 19:00-07:00 local. */
function curfewActive(t: number): boolean {
  const d = localDateOf(CURFEW_TZ, t);
  return t >= localToUtc(CURFEW_TZ, d, CURFEW_START_MIN) || t < localToUtc(CURFEW_TZ, d, CURFEW_END_MIN);
}
