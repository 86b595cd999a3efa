/**
 * A piece of a subject's true path: from `a` at t0 to `b` at t1, linear in (lat, lon). A dwell
 * is a segment with a = b. Everything the simulator knows about where a subject really is
 * comes from these, both the noisy fixes and the ground truth.
 */
import type { LatLon } from './geodesy.js';

export type SegmentMode = 'dwell' | 'walk' | 'drive';

export interface Segment {
  readonly t0: number;
  readonly t1: number;
  readonly a: LatLon;
  readonly b: LatLon;
  readonly mode: SegmentMode;
  /** Where the subject dwells: 'home' is where the curfew applies and the tag charges. */
  readonly place?: 'home' | 'work' | 'errand' | 'zone';
}

export function positionAt(s: Segment, t: number): LatLon {
  if (s.t1 <= s.t0) return s.a;
  const f = (t - s.t0) / (s.t1 - s.t0);
  return { lat: s.a.lat + (s.b.lat - s.a.lat) * f, lon: s.a.lon + (s.b.lon - s.a.lon) * f };
}
