/**
 * Turns a subject's true path, segment by segment, into ground-truth episodes: time inside each
 * exclusion zone, and time outside the curfew zone while its window is active. Segments far from
 * a zone are skipped by a distance test before the exact crossing computation.
 */
import { pointSegmentDistance, toX, toY } from './geodesy.js';
import type { Segment } from './segment.js';
import type { SimZone } from './sim-zone.js';
import type { SubjectSpec } from './subject-spec.js';
import type { TruthRecord } from './truth.js';
import { segmentPieces } from './truth-crossings.js';

interface ZoneState {
  readonly z: SimZone;
  /** Violating since this time (ms), or NaN when not violating. */
  since: number;
}

export class TruthTracker {
  private readonly exclusions: ZoneState[];
  private readonly curfew: ZoneState;

  constructor(
    private readonly spec: SubjectSpec,
    /** Is the curfew window active at t? */
    private readonly curfewActive: (t: number) => boolean,
    private readonly emit: (r: TruthRecord) => void,
  ) {
    this.exclusions = spec.exclusions.map((z) => ({ z, since: Number.NaN }));
    this.curfew = { z: spec.curfew, since: Number.NaN };
  }

  /**
   * Feed the next segment (in time order), with the curfew window edges that fall inside it.
   */
  add(seg: Segment, curfewEdges: readonly number[]): void {
    for (const st of this.exclusions) {
      const z = st.z;
      const f = z.frame;
      const far =
        pointSegmentDistance(
          0,
          0,
          toX(f, seg.a.lon),
          toY(f, seg.a.lat),
          toX(f, seg.b.lon),
          toY(f, seg.b.lat),
        ) >
        z.extentM + 1;
      if (far) {
        if (!Number.isNaN(st.since)) this.closeExclusion(st, seg.t0);
        continue;
      }
      for (const p of segmentPieces(z, seg)) {
        if (p.inside && Number.isNaN(st.since)) st.since = p.from;
        else if (!p.inside && !Number.isNaN(st.since)) this.closeExclusion(st, p.from);
      }
    }
    // Curfew: cut the inside/outside pieces at the window edges, then violating = active && outside.
    for (const p of segmentPieces(this.curfew.z, seg)) {
      const cuts = [p.from, ...curfewEdges.filter((e) => e > p.from && e < p.to), p.to];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const from = cuts[i]!;
        const violating = !p.inside && this.curfewActive((from + cuts[i + 1]!) / 2);
        if (violating && Number.isNaN(this.curfew.since)) this.curfew.since = from;
        else if (!violating && !Number.isNaN(this.curfew.since)) this.closeCurfew(from);
      }
    }
  }

  /** Close every open episode at the end of the run (exit unknown: null). */
  finish(): void {
    for (const st of this.exclusions) if (!Number.isNaN(st.since)) this.closeExclusion(st, null);
    if (!Number.isNaN(this.curfew.since)) this.closeCurfew(null);
  }

  private closeExclusion(st: ZoneState, at: number | null): void {
    const { subjectId, tagId } = this.spec;
    this.emit({
      type: 'exclusion',
      subjectId,
      tagId,
      zoneId: st.z.zone.zoneId,
      entryTs: Math.round(st.since),
      exitTs: at === null ? null : Math.round(at),
    });
    st.since = Number.NaN;
  }

  private closeCurfew(at: number | null): void {
    const { subjectId, tagId } = this.spec;
    this.emit({
      type: 'curfew',
      subjectId,
      tagId,
      zoneId: this.curfew.z.zone.zoneId,
      fromTs: Math.round(this.curfew.since),
      toTs: at === null ? null : Math.round(at),
    });
    this.curfew.since = Number.NaN;
  }
}
