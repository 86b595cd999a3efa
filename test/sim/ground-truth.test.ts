/**
 * The truth file must agree with the true positions: checked with turf (an independent oracle)
 * on every fix's true position, not with the simulator's own geometry code.
 */
import * as turf from '@turf/turf';
import { describe, expect, it } from 'vitest';
import type { Zone } from '../../src/contract/index.js';
import { simulateFleet } from '../../src/sim/fleet.js';
import { localDateOf, localToUtc } from '../../src/sim/local-time.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/sim/sim-options.js';
import type { CurfewTruth, ExclusionTruth } from '../../src/sim/truth.js';

function insideZone(zone: Zone, lat: number, lon: number): boolean {
  const pt = turf.point([lon, lat]);
  const g = zone.geometry;
  if (g.type === 'Point')
    return turf.distance(pt, turf.point(g.coordinates), { units: 'meters' }) <= zone.radiusM!;
  // booleanPointInPolygon accepts a bare Polygon or MultiPolygon geometry.
  return turf.booleanPointInPolygon(pt, g);
}

function curfewActive(t: number): boolean {
  const d = localDateOf('Europe/London', t);
  return t >= localToUtc('Europe/London', d, 19 * 60) || t < localToUtc('Europe/London', d, 7 * 60);
}

describe('ground truth', () => {
  it('given approachers and curfew breakers, then every fix is truly inside a zone exactly when a truth episode covers it', () => {
    const opts = {
      ...DEFAULT_SIM_OPTIONS,
      subjects: 80,
      durationH: 24,
      approachShare: 1,
      curfewBreachShare: 0.3,
      seed: 11,
    };
    const zones = new Map<string, Zone>();
    const zonesOfSubject = new Map<string, Zone[]>();
    const exclusions: ExclusionTruth[] = [];
    const curfews: CurfewTruth[] = [];
    const fixes: Array<{ tagId: string; subjectId: string; ts: number; lat: number; lon: number }> = [];
    for (const ev of simulateFleet(opts)) {
      if (ev.kind === 'zone') {
        zones.set(ev.key, ev.value);
        zonesOfSubject.set(ev.value.subjectId, [...(zonesOfSubject.get(ev.value.subjectId) ?? []), ev.value]);
      } else if (ev.kind === 'truth') {
        if (ev.record.type === 'exclusion') exclusions.push(ev.record);
        if (ev.record.type === 'curfew') curfews.push(ev.record);
      } else if (ev.kind === 'pings') {
        for (const p of ev.pings) {
          if (p.trueLat === undefined) continue;
          fixes.push({
            tagId: ev.key,
            subjectId: `S${ev.key.slice(4)}`,
            ts: p.ping.ts,
            lat: p.trueLat,
            lon: p.trueLon!,
          });
        }
      }
    }
    expect(exclusions.length).toBeGreaterThan(30);
    expect(curfews.length).toBeGreaterThan(5);
    const byZone = new Map<string, ExclusionTruth[]>();
    for (const e of exclusions) byZone.set(e.zoneId, [...(byZone.get(e.zoneId) ?? []), e]);
    const curfewBy = new Map<string, CurfewTruth[]>();
    for (const c of curfews) curfewBy.set(c.zoneId, [...(curfewBy.get(c.zoneId) ?? []), c]);

    // A fix within 50 ms of a boundary crossing may round either way; everything else must agree.
    const covered = (from: number, to: number | null, ts: number) =>
      ts > from + 50 && (to === null || ts < to - 50);
    const edge = (from: number, to: number | null, ts: number) =>
      Math.abs(ts - from) <= 50 || (to !== null && Math.abs(ts - to) <= 50);
    let insideFixes = 0;
    let curfewFixes = 0;
    for (const f of fixes) {
      for (const z of zonesOfSubject.get(f.subjectId) ?? []) {
        if (z.kind === 'exclusion') {
          const eps = byZone.get(z.zoneId) ?? [];
          if (eps.some((e) => edge(e.entryTs, e.exitTs, f.ts))) continue;
          const truthSays = eps.some((e) => covered(e.entryTs, e.exitTs, f.ts));
          const inside = insideZone(z, f.lat, f.lon);
          if (inside) insideFixes++;
          expect({ zone: z.zoneId, ts: f.ts, inside }).toEqual({
            zone: z.zoneId,
            ts: f.ts,
            inside: truthSays,
          });
        } else {
          const eps = curfewBy.get(z.zoneId) ?? [];
          if (eps.some((e) => edge(e.fromTs, e.toTs, f.ts))) continue;
          const truthSays = eps.some((e) => covered(e.fromTs, e.toTs, f.ts));
          const violating = curfewActive(f.ts) && !insideZone(z, f.lat, f.lon);
          if (violating) curfewFixes++;
          expect({ zone: z.zoneId, ts: f.ts, violating }).toEqual({
            zone: z.zoneId,
            ts: f.ts,
            violating: truthSays,
          });
        }
      }
    }
    expect(insideFixes).toBeGreaterThan(100);
    expect(curfewFixes).toBeGreaterThan(50);
  });
});
