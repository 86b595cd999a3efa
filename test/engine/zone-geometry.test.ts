/** The zone test as the engine applies it: boundary inside, holes outside, MultiPolygon parts. */
import { describe, expect, it } from 'vitest';
import type { Zone } from '../../src/contract/index.js';
import { Harness, SINGLE_FIX, SUBJECT, squareRing } from './engine-fixtures.js';

function polygon(zoneId: string, rings: number[][][], kind: Zone['kind'] = 'exclusion'): Zone {
  return { zoneId, subjectId: SUBJECT, kind, geometry: { type: 'Polygon', coordinates: rings } };
}

describe('boundary', () => {
  it('given a square exclusion zone, when a fix lies exactly on its edge, then it counts as inside but never as confirmed', () => {
    const h = new Harness([polygon('sq', [squareRing(100)])], SINGLE_FIX);
    // at(100) is exactly the north edge's latitude.
    expect(h.fix(0, 100, { acc: 0.001 })).toBe('applied');
    expect(h.alerts).toEqual([]); // on the violating side, but its circle pokes out
    h.fix(60, 100, { acc: 0.001 });
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toMatchObject({ type: 'EXCLUSION_ENTERED', certainty: 'possible', distanceM: 0 });
  });

  it('given a square inclusion zone, when fixes lie exactly on its edge, then the subject is inside (nothing)', () => {
    const h = new Harness([polygon('home', [squareRing(100)], 'inclusion')], SINGLE_FIX);
    for (let i = 0; i < 5; i++) h.fix(i * 60, 100, { acc: 0.001 });
    expect(h.alerts).toEqual([]);
  });
});

describe('holes', () => {
  const zones = [polygon('ring', [squareRing(200), squareRing(50)])];

  it('given a polygon with a hole, when confirmed fixes sit in the hole, then nothing is raised', () => {
    const h = new Harness(zones, SINGLE_FIX);
    for (let i = 0; i < 5; i++) h.fix(i * 60, 0, { acc: 5 });
    expect(h.alerts).toEqual([]);
  });

  it('given a polygon with a hole, when the subject goes from the ring into the hole, then ENTERED then EXITED', () => {
    const h = new Harness(zones, SINGLE_FIX);
    h.fix(0, 100, { acc: 5 }); // 50 m from the hole's edge and 100 m from the outer edge
    h.fix(60, 0, { acc: 5 }); // centre of the hole: 50 m outside
    expect(h.alerts.map((a) => [a.type, a.certainty, a.distanceM])).toEqual([
      ['EXCLUSION_ENTERED', 'confirmed', -50],
      ['EXCLUSION_EXITED', 'confirmed', 50],
    ]);
    expect(h.alerts[1]!.breachId).toBe(h.alerts[0]!.breachId);
  });
});

describe('MultiPolygon', () => {
  it('given two parts, when the subject moves part → gap → other part, then each visit is its own breach', () => {
    const zone: Zone = {
      zoneId: 'two',
      subjectId: SUBJECT,
      kind: 'exclusion',
      geometry: { type: 'MultiPolygon', coordinates: [[squareRing(50)], [squareRing(50, 1000)]] },
    };
    const h = new Harness([zone], SINGLE_FIX);
    h.fix(0, 1000, { acc: 5 });
    h.fix(60, 500, { acc: 5 });
    h.fix(120, 0, { acc: 5 });
    expect(h.types()).toEqual(['EXCLUSION_ENTERED', 'EXCLUSION_EXITED', 'EXCLUSION_ENTERED']);
    expect(h.alerts[0]!.breachId).toBe(h.alerts[1]!.breachId);
    expect(h.alerts[2]!.breachId).not.toBe(h.alerts[0]!.breachId);
    expect(h.alerts[1]!.distanceM).toBeCloseTo(450, 0);
  });
});
