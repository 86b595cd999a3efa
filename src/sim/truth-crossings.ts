/**
 * Exact inside/outside pieces of one straight segment against one zone: every parameter where
 * the segment meets the boundary (circle: a quadratic; polygon: each ring edge), then the state
 * of each piece judged at its midpoint. Judging midpoints rather than toggling at crossings
 * keeps tangents and vertex hits from flipping the state wrongly.
 */
import { toX, toY } from './geodesy.js';
import type { Segment } from './segment.js';
import { insideSimZone, type SimZone } from './sim-zone.js';

export interface Piece {
  readonly from: number;
  readonly to: number;
  readonly inside: boolean;
}

function circleParams(r: number, ax: number, ay: number, bx: number, by: number, out: number[]) {
  const dx = bx - ax;
  const dy = by - ay;
  const A = dx * dx + dy * dy;
  if (A === 0) return;
  const B = 2 * (ax * dx + ay * dy);
  const C = ax * ax + ay * ay - r * r;
  const disc = B * B - 4 * A * C;
  if (disc < 0) return;
  const sq = Math.sqrt(disc);
  out.push((-B - sq) / (2 * A), (-B + sq) / (2 * A));
}

function edgeParams(
  ring: ReadonlyArray<readonly [number, number]>,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  out: number[],
) {
  const dx = bx - ax;
  const dy = by - ay;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [px, py] = ring[j]!;
    const [qx, qy] = ring[i]!;
    const ex = qx - px;
    const ey = qy - py;
    const den = dx * ey - dy * ex;
    if (den === 0) continue;
    const s = ((px - ax) * ey - (py - ay) * ex) / den;
    const u = ((px - ax) * dy - (py - ay) * dx) / den;
    if (u >= 0 && u <= 1) out.push(s);
  }
}

/** Inside/outside pieces of `seg` against `z`, covering [seg.t0, seg.t1] in time order. */
export function segmentPieces(z: SimZone, seg: Segment): Piece[] {
  const ax = toX(z.frame, seg.a.lon);
  const ay = toY(z.frame, seg.a.lat);
  const bx = toX(z.frame, seg.b.lon);
  const by = toY(z.frame, seg.b.lat);
  const params: number[] = [];
  const moving = ax !== bx || ay !== by;
  if (moving) {
    if (z.shape.type === 'circle') circleParams(z.shape.radiusM, ax, ay, bx, by, params);
    else
      for (const poly of z.shape.polygons) for (const ring of poly) edgeParams(ring, ax, ay, bx, by, params);
  }
  const cuts = [0, ...params.filter((s) => s > 0 && s < 1).sort((p, q) => p - q), 1];
  const pieces: Piece[] = [];
  const span = seg.t1 - seg.t0;
  for (let i = 0; i + 1 < cuts.length; i++) {
    const s0 = cuts[i]!;
    const s1 = cuts[i + 1]!;
    if (s1 - s0 < 1e-12) continue;
    const sm = (s0 + s1) / 2;
    const lat = seg.a.lat + (seg.b.lat - seg.a.lat) * sm;
    const lon = seg.a.lon + (seg.b.lon - seg.a.lon) * sm;
    const inside = insideSimZone(z, lat, lon);
    const from = seg.t0 + s0 * span;
    const to = seg.t0 + s1 * span;
    const last = pieces.at(-1);
    if (last && last.inside === inside) pieces[pieces.length - 1] = { from: last.from, to, inside };
    else pieces.push({ from, to, inside });
  }
  return pieces;
}
