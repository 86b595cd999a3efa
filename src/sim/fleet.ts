/**
 * The whole fleet as one stream in upload order: first every zone and enrolment (the tables the
 * worker needs before pings mean anything), then each subject's upload batches merged by upload
 * time through a min-heap, with ground-truth records interleaved as they become known.
 *
 * Memory is O(subjects): each subject holds one day plan and one upload buffer. Ties in upload
 * time go to the lower subject index, so the order (and so the output) depends only on the options.
 */
import type { Enrolment, Zone } from '../contract/index.js';
import type { DeviceProfileFeed } from './device-mode.js';
import type { SimOptions } from './sim-options.js';
import { type SimPing, SubjectSim } from './subject-sim.js';
import { buildSubject, type SubjectSpec } from './subject-spec.js';
import type { TruthRecord } from './truth.js';

export type SimEvent =
  | { kind: 'zone'; key: string; value: Zone }
  | { kind: 'enrolment'; key: string; value: Enrolment }
  | { kind: 'pings'; key: string; uploadAt: number; pings: SimPing[] }
  | { kind: 'truth'; record: TruthRecord };

/** Binary min-heap of subjects by (nextUploadAt, index). */
class UploadHeap {
  private readonly items: SubjectSim[] = [];

  get size(): number {
    return this.items.length;
  }

  private less(a: SubjectSim, b: SubjectSim): boolean {
    return (
      a.nextUploadAt < b.nextUploadAt || (a.nextUploadAt === b.nextUploadAt && a.spec.index < b.spec.index)
    );
  }

  push(s: SubjectSim): void {
    const h = this.items;
    h.push(s);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  pop(): SubjectSim | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

export function buildFleet(opts: SimOptions): SubjectSpec[] {
  const specs: SubjectSpec[] = [];
  for (let i = 1; i <= opts.subjects; i++) specs.push(buildSubject(opts, i));
  return specs;
}

/** Every event of the run, in the order it should be published. */
export function* simulateFleet(
  opts: SimOptions,
  specs: SubjectSpec[] = buildFleet(opts),
  /** Device profiles the tags obey (off when absent: today's behaviour, byte for byte). */
  profiles?: DeviceProfileFeed,
): Generator<SimEvent> {
  for (const s of specs) {
    for (const z of [...s.exclusions, s.curfew]) yield { kind: 'zone', key: z.zone.zoneId, value: z.zone };
  }
  for (const s of specs) yield { kind: 'enrolment', key: s.enrolment.tagId, value: s.enrolment };

  const end = simEnd(opts);
  const pendingTruth: TruthRecord[] = [];
  const emit = (r: TruthRecord) => pendingTruth.push(r);
  const heap = new UploadHeap();
  for (const spec of specs) heap.push(new SubjectSim(opts, spec, end, emit, profiles));
  for (const r of pendingTruth.splice(0)) yield { kind: 'truth', record: r };
  while (heap.size > 0) {
    const sim = heap.pop()!;
    const batch = sim.nextUpload();
    for (const r of pendingTruth.splice(0)) yield { kind: 'truth', record: r };
    if (batch.pings.length > 0)
      yield { kind: 'pings', key: batch.tagId, uploadAt: batch.uploadAt, pings: batch.pings };
    if (!sim.done) heap.push(sim);
  }
}

/** Simulated end of the run, epoch ms. */
export function simEnd(opts: SimOptions): number {
  return opts.start + Math.round(opts.durationH * 3_600_000);
}
