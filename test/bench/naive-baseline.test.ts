import { describe, expect, it } from 'vitest';
import { NaiveBaseline } from '../../bench/naive-baseline.js';
import type { Zone } from '../../src/contract/index.js';
import { compileZone, ZoneIndex } from '../../src/geo/index.js';

// A 100 m circle; 0.001° of latitude is ~111 m.
const zone: Zone = {
  zoneId: 'Z1',
  subjectId: 'S1',
  kind: 'exclusion',
  geometry: { type: 'Point', coordinates: [-2.24, 53.48] },
  radiusM: 100,
  warningM: 500,
};
const curfew: Zone = {
  zoneId: 'C1',
  subjectId: 'S1',
  kind: 'inclusion',
  geometry: { type: 'Point', coordinates: [-2.3, 53.5] },
  radiusM: 100,
};
const inside = { lat: 53.48, lon: -2.24 };
const ring = { lat: 53.4815, lon: -2.24 }; // ~167 m north: in the warning ring, outside the zone
const far = { lat: 53.6, lon: -2.24 };

function run(variant: 'every-fix' | 'on-entry', path: Array<{ lat: number; lon: number }>, tagId = 'T1') {
  const index = ZoneIndex.build([compileZone(zone), compileZone(curfew)]);
  const naive = new NaiveBaseline(index, (t) => (t === 'T1' ? 'S1' : undefined), variant);
  for (const [i, p] of path.entries()) {
    naive.apply({ tagId, ts: 1_000 * i, lat: p.lat, lon: p.lon, accuracyM: 50 }, 1_000 * i + 500);
  }
  return naive.alerts;
}

describe('NaiveBaseline', () => {
  it('given every-fix, when three fixes are inside, then three alerts (accuracy ignored)', () => {
    const alerts = run('every-fix', [far, inside, inside, ring, inside]);
    expect(alerts.map((a) => a.ts)).toEqual([1_000, 2_000, 4_000]);
    expect(alerts[0]).toMatchObject({ tagId: 'T1', zoneId: 'Z1', arrivedAt: 1_500 });
  });

  it('given on-entry, when the tag goes in, out (warning ring or far) and in again, then one alert per entry', () => {
    expect(run('on-entry', [far, inside, inside, ring, inside, far, inside]).map((a) => a.ts)).toEqual([
      1_000, 4_000, 6_000,
    ]);
  });

  it('given an inclusion zone or an unenrolled tag, then no alert', () => {
    expect(run('every-fix', [{ lat: 53.5, lon: -2.3 }])).toEqual([]);
    expect(run('every-fix', [inside], 'T9')).toEqual([]);
  });
});
