/**
 * Device profiles: coverage (property test with turf as the oracle), the privacy offset's spread
 * (statistical, over many zones), and change exactly when the inputs the device uses change.
 */
import { createHmac } from 'node:crypto';
import * as turf from '@turf/turf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceProfileSchema, type Enrolment, type Zone } from '../../src/contract/index.js';
import {
  DEFAULT_PROFILE_CONFIG,
  deriveDeviceProfile,
  type KeyedHash,
  type ProfileConfig,
} from '../../src/engine/index.js';
import { type CompiledZone, compileZone, haversineM } from '../../src/geo/index.js';
import { circleZone, offset, polygonZone, referenceDistanceM, starRing } from '../geo/geo-fixtures.js';

const hmac =
  (secret: string): KeyedHash =>
  (m) =>
    createHmac('sha256', secret).update(m).digest();
const HASH = hmac('server-side secret for tests');
const NOW = Date.UTC(2026, 0, 5, 12);
const ENROL: Enrolment = { tagId: 'T1', subjectId: 's1' };

function uniform(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0x7fffffff }).map((i) => min + ((max - min) * i) / 0x7fffffff);
}

function derive(
  zones: Zone[],
  opts: { enrolment?: Enrolment | undefined; now?: number; cfg?: ProfileConfig } = {},
) {
  const enrolment = 'enrolment' in opts ? opts.enrolment : ENROL;
  return deriveDeviceProfile(
    { tagId: 'T1', enrolment, zones: zones.map(compileZone), now: opts.now ?? NOW },
    opts.cfg ?? DEFAULT_PROFILE_CONFIG,
    HASH,
  );
}

/** A point near the zone, and turf's verdict: is it in the zone or within warningM of it? */
function inZoneOrRing(zone: Zone, lon: number, lat: number): boolean {
  const w = zone.warningM ?? 0;
  if (zone.geometry.type === 'Point') {
    const [clon, clat] = zone.geometry.coordinates as [number, number];
    return turf.distance([clon, clat], [lon, lat], { units: 'meters' }) <= zone.radiusM! + w;
  }
  const rings = zone.geometry.type === 'Polygon' ? zone.geometry.coordinates : zone.geometry.coordinates[0]!;
  if (turf.booleanPointInPolygon([lon, lat], turf.polygon(rings))) return true;
  return referenceDistanceM(rings, lon, lat) <= w;
}

const zoneArb = fc
  .record({
    lat: uniform(-60, 70),
    lon: uniform(-170, 170),
    sizeM: uniform(50, 3000),
    warningM: uniform(0, 1000),
    radii: fc.array(uniform(0.4, 1), { minLength: 5, maxLength: 24 }),
    circle: fc.boolean(),
  })
  .map(
    ({ lat, lon, sizeM, warningM, radii, circle }): Zone =>
      circle
        ? circleZone(lon, lat, sizeM, { warningM })
        : polygonZone(
            [
              starRing(
                lon,
                lat,
                radii.map((r) => r * sizeM),
              ),
            ],
            { warningM },
          ),
  );

describe('device profile: coverage', () => {
  // Margin 0: only the privacy growth and rounding stand between a bug and a failure.
  const tight: ProfileConfig = { ...DEFAULT_PROFILE_CONFIG, speedMarginM: 0 };

  it('every point of the zone and its warning ring lies in the trigger circle (turf oracle)', () => {
    fc.assert(
      fc.property(
        zoneArb,
        fc.array(fc.tuple(uniform(0, 1), uniform(0, 1)), { minLength: 40, maxLength: 40 }),
        (zone, us) => {
          const { profile } = derive([zone], { cfg: tight });
          const c = profile!.triggers[0]!.circle;
          const z = compileZone(zone);
          // Candidates: random points in the grown bbox, plus each vertex pushed out by warningM.
          const candidates: [number, number][] = [];
          const padLat = (zone.warningM ?? 0) / 111_000 + 1e-6;
          const padLon = padLat / Math.cos((z.lat0 * Math.PI) / 180);
          for (const [u, v] of us)
            candidates.push([
              z.minLon - padLon + u * (z.maxLon - z.minLon + 2 * padLon),
              z.minLat - padLat + v * (z.maxLat - z.minLat + 2 * padLat),
            ]);
          if (zone.geometry.type === 'Polygon') {
            for (const [vlon, vlat] of zone.geometry.coordinates[0]!) {
              const d = turf.distance([z.lon0, z.lat0], [vlon!, vlat!], { units: 'meters' });
              const b = turf.bearing([z.lon0, z.lat0], [vlon!, vlat!]);
              const out = turf.destination([z.lon0, z.lat0], d + (zone.warningM ?? 0) * 0.999, b, {
                units: 'meters',
              });
              candidates.push(out.geometry.coordinates as [number, number]);
            }
          }
          let checked = 0;
          for (const [lon, lat] of candidates) {
            if (!inZoneOrRing(zone, lon, lat)) continue;
            checked++;
            expect(turf.distance([c.lon, c.lat], [lon, lat], { units: 'meters' })).toBeLessThanOrEqual(
              c.radiusM,
            );
          }
          return checked >= 0;
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the circle is no bigger than reach + ring + margin + offset radius, rounded up to 100 m', () => {
    fc.assert(
      fc.property(zoneArb, (zone) => {
        const { profile } = derive([zone]);
        const z: CompiledZone = compileZone(zone);
        const extent =
          zone.geometry.type === 'Point'
            ? zone.radiusM!
            : Math.max(
                ...(zone.geometry.coordinates[0] as number[][]).map(([x, y]) =>
                  haversineM(z.lat0, z.lon0, y!, x!),
                ),
              );
        const bound =
          extent + z.warningM + DEFAULT_PROFILE_CONFIG.speedMarginM + DEFAULT_PROFILE_CONFIG.offsetRadiusM;
        expect(profile!.triggers[0]!.circle.radiusM).toBeLessThanOrEqual(bound * 1.001 + 101);
      }),
      { numRuns: 100 },
    );
  });

  it('validates against the contract schema', () => {
    const { profile } = derive([circleZone(-0.1, 51.5, 200, { warningM: 500 })]);
    expect(DeviceProfileSchema.safeParse(profile).success).toBe(true);
    expect(profile!.triggers[0]!.triggerId).toMatch(/^t-[0-9a-f]{16}$/);
    expect(JSON.stringify(profile)).not.toContain('z1');
  });
});

describe('device profile: privacy offset', () => {
  const N = 3000;
  const R = DEFAULT_PROFILE_CONFIG.offsetRadiusM;
  function offsets(hash: KeyedHash) {
    const out: { d: number; east: number; north: number }[] = [];
    for (let i = 0; i < N; i++) {
      const lat = -50 + ((i * 7919) % 11000) / 100;
      const lon = -150 + ((i * 104729) % 30000) / 100;
      const z = compileZone(circleZone(lon, lat, 300, { zoneId: `zone-${i}`, warningM: 500 }));
      const { profile } = deriveDeviceProfile(
        { tagId: 'T1', enrolment: ENROL, zones: [z], now: NOW },
        DEFAULT_PROFILE_CONFIG,
        hash,
      );
      const c = profile!.triggers[0]!.circle;
      const d = haversineM(lat, lon, c.lat, c.lon);
      const kx = 111_195 * Math.cos((lat * Math.PI) / 180);
      out.push({ d, east: (c.lon - lon) * kx, north: (c.lat - lat) * 111_195 });
    }
    return out;
  }
  /** Kolmogorov-Smirnov statistic of samples against U(0, 1). */
  function ks(us: number[]): number {
    const s = [...us].sort((a, b) => a - b);
    let D = 0;
    for (let i = 0; i < s.length; i++) D = Math.max(D, (i + 1) / s.length - s[i]!, s[i]! - i / s.length);
    return D;
  }
  const sample = offsets(HASH);
  // KS critical value at alpha = 0.001 is 1.95 / sqrt(n).
  const critical = 1.95 / Math.sqrt(N);

  it('never exceeds the documented radius', () => {
    expect(Math.max(...sample.map((s) => s.d))).toBeLessThanOrEqual(R * 1.001 + 0.1);
  });

  it('is uniform over the disc of the documented radius: (d/R)^2 and the bearing are U(0,1)', () => {
    expect(ks(sample.map((s) => (s.d / R) ** 2))).toBeLessThan(critical);
    const bearings = sample.map((s) => (Math.atan2(s.north, s.east) + Math.PI) / (2 * Math.PI));
    expect(ks(bearings)).toBeLessThan(critical);
    // Not concentrated near the zone: half of the centres are more than R/sqrt(2) away.
    const far = sample.filter((s) => s.d > R / Math.SQRT2).length / N;
    expect(far).toBeGreaterThan(0.45);
    expect(far).toBeLessThan(0.55);
  });

  it('without the secret the offset is unpredictable: another key gives uncorrelated offsets', () => {
    const other = offsets(hmac('a guess at the secret'));
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, v) => s + v, 0) / a.length;
      const mb = b.reduce((s, v) => s + v, 0) / b.length;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      for (let i = 0; i < a.length; i++) {
        sab += (a[i]! - ma) * (b[i]! - mb);
        saa += (a[i]! - ma) ** 2;
        sbb += (b[i]! - mb) ** 2;
      }
      return sab / Math.sqrt(saa * sbb);
    };
    expect(
      Math.abs(
        corr(
          sample.map((s) => s.east),
          other.map((s) => s.east),
        ),
      ),
    ).toBeLessThan(4 / Math.sqrt(N));
    expect(
      Math.abs(
        corr(
          sample.map((s) => s.north),
          other.map((s) => s.north),
        ),
      ),
    ).toBeLessThan(4 / Math.sqrt(N));
    // The best guess without the key (the trigger centre) misses the zone by the offset itself.
    const median = [...sample.map((s) => s.d)].sort((a, b) => a - b)[N >> 1]!;
    expect(median).toBeGreaterThan(R * 0.6);
  });

  it('is the same for every version of a zone (no averaging over updates)', () => {
    const a = derive([circleZone(-0.1, 51.5, 200, { warningM: 500, version: 1 })]).profile!;
    const b = derive([circleZone(-0.1, 51.5, 200, { warningM: 500, version: 2, label: 'new label' })])
      .profile!;
    expect(b.triggers[0]!.circle).toEqual(a.triggers[0]!.circle);
  });
});

describe('device profile: changes exactly when its inputs change', () => {
  const home = circleZone(-0.1, 51.5, 200, { warningM: 500 });
  const work = polygonZone([starRing(-0.2, 51.52, [300, 250, 320, 280, 260])], {
    zoneId: 'z2',
    warningM: 600,
  });
  const curfew: Zone = {
    zoneId: 'z3',
    subjectId: 's1',
    kind: 'inclusion',
    geometry: { type: 'Point', coordinates: [-0.05, 51.48] },
    radiusM: 150,
    schedule: { tz: 'Europe/London', windows: [{ days: ['mon', 'tue'], start: '19:00', end: '07:00' }] },
  };
  const base = derive([home, work, curfew]).profile!;

  it('given unchanged zones and enrolment, when time passes or unrelated data changes, then the profile is the same', () => {
    expect(derive([home, work, curfew], { now: NOW + 3_600_000 }).profile!.profileId).toBe(base.profileId);
    expect(
      derive([{ ...home, label: 'changed', severity: 'P2', version: 7 }, work, curfew]).profile!.profileId,
    ).toBe(base.profileId);
    const otherSubject = circleZone(1, 52, 300, { zoneId: 'other', subjectId: 's2' });
    expect(derive([home, work, curfew, otherSubject]).profile!.profileId).toBe(base.profileId);
    expect(derive([curfew, work, home]).profile!.profileId).toBe(base.profileId);
  });

  it('given a zone is moved, resized, re-scheduled, added or deleted, then the profile changes', () => {
    const [mlon, mlat] = offset(-0.1, 51.5, 30, 0);
    const moved = circleZone(mlon, mlat, 200, { warningM: 500 });
    const variants: Zone[][] = [
      [moved, work, curfew],
      [{ ...home, radiusM: 400 }, work, curfew],
      [{ ...home, warningM: 900 }, work, curfew],
      [
        home,
        work,
        {
          ...curfew,
          schedule: { ...curfew.schedule!, windows: [{ days: ['mon'], start: '20:00', end: '07:00' }] },
        },
      ],
      [home, work, curfew, circleZone(-0.3, 51.6, 100, { zoneId: 'z4' })],
      [home, curfew],
    ];
    const ids = variants.map((zs) => derive(zs).profile!.profileId);
    for (const id of ids) expect(id).not.toBe(base.profileId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(derive([home, curfew]).profile!.triggers).toHaveLength(2);
  });

  it('given the enrolment ends, is tombstoned, has not started or moves to another subject, then the profile changes', () => {
    expect(derive([home], { enrolment: undefined }).profile).toBeNull();
    expect(derive([home], { enrolment: { ...ENROL, validTo: NOW } }).profile).toBeNull();
    expect(derive([home], { enrolment: { ...ENROL, validFrom: NOW + 1 } })).toEqual({
      profile: null,
      refreshBy: NOW + 1,
    });
    expect(derive([home], { enrolment: { ...ENROL, subjectId: 's2' } }).profile).toBeNull();
    expect(derive([]).profile).toBeNull();
  });

  it('given zones with validity, then refreshBy names the next boundary and the profile changes exactly there', () => {
    const ends = { ...work, validTo: NOW + 3_600_000 };
    const starts = { ...curfew, validFrom: NOW + DEFAULT_PROFILE_CONFIG.horizonMs + 7_200_000 };
    const now = derive([home, ends, starts]);
    expect(now.refreshBy).toBe(NOW + 3_600_000);
    expect(now.profile!.triggers).toHaveLength(2);
    expect(derive([home, ends, starts], { now: NOW + 3_599_999 }).profile!.profileId).toBe(
      now.profile!.profileId,
    );
    const after = derive([home, ends, starts], { now: NOW + 3_600_000 });
    expect(after.profile!.triggers).toHaveLength(1);
    expect(after.refreshBy).toBe(NOW + 7_200_000);
    const inHorizon = derive([home, ends, starts], { now: NOW + 7_200_000 });
    expect(inHorizon.profile!.triggers).toHaveLength(2);
    expect(inHorizon.profile!.triggers.find((t) => t.kind === 'curfew')!.validFrom).toBe(starts.validFrom);
  });

  it('a curfew trigger keeps its schedule and a quiet circle inside the zone', () => {
    const t = base.triggers.find((x) => x.kind === 'curfew')!;
    expect(t.schedule).toEqual(curfew.schedule);
    expect(t.circle.radiusM).toBe(100);
    expect(t.circle.lat).toBeCloseTo(51.48, 6);
  });
});
