/**
 * EXCLUSION_APPROACH: exclusion circle of 100 m with a 200 m warning ring (ring: 0 < d <= 200,
 * i.e. 100-300 m from the centre). Once per approach; re-armed only by leaving beyond the ring.
 */
import { describe, expect, it } from 'vitest';
import { circle, Harness, SINGLE_FIX, sec } from './engine-fixtures.js';

const zones = [circle('home', 100, { warningM: 200, severity: 'P2' })];

/** Walk the tag through [metres north from the centre, accuracy] one minute apart. */
function walk(path: Array<[number, number]>): Harness {
  const h = new Harness(zones, SINGLE_FIX);
  path.forEach(([north, acc], i) => {
    h.fix(i * 60, north, { acc });
  });
  return h;
}

describe('approach', () => {
  it.each([
    {
      name: 'one confirmed fix in the ring',
      path: [
        [1000, 10],
        [250, 10],
      ],
      expected: ['EXCLUSION_APPROACH'],
    },
    {
      name: 'lingering in the ring (once per approach)',
      path: [
        [1000, 10],
        [250, 10],
        [220, 10],
        [260, 10],
        [280, 10],
        [240, 10],
      ],
      expected: ['EXCLUSION_APPROACH'],
    },
    {
      name: 'ring, confirmed far away, ring again (two approaches)',
      path: [
        [1000, 10],
        [250, 10],
        [1000, 10],
        [250, 10],
      ],
      expected: ['EXCLUSION_APPROACH', 'EXCLUSION_APPROACH'],
    },
    {
      name: 'ring, one possible fix beyond, ring again (same approach)',
      path: [
        [1000, 10],
        [250, 10],
        [310, 25],
        [250, 10],
      ],
      expected: ['EXCLUSION_APPROACH'],
    },
    {
      name: 'ring, two possible fixes beyond, ring again (two approaches)',
      path: [
        [1000, 10],
        [250, 10],
        [310, 25],
        [310, 25],
        [250, 10],
      ],
      expected: ['EXCLUSION_APPROACH', 'EXCLUSION_APPROACH'],
    },
    {
      name: 'one noisy fix at the ring edge, then away',
      path: [
        [1000, 10],
        [295, 25],
        [1000, 10],
      ],
      expected: [],
    },
    {
      name: 'approach, enter, exit through the ring, leave (no second approach)',
      path: [
        [1000, 10],
        [250, 10],
        [0, 10],
        [150, 10],
        [250, 10],
        [1000, 10],
      ],
      expected: ['EXCLUSION_APPROACH', 'EXCLUSION_ENTERED', 'EXCLUSION_EXITED'],
    },
    {
      name: 'straight in from far away, out through the ring (the entry subsumes the approach)',
      path: [
        [1000, 10],
        [0, 10],
        [250, 10],
        [1000, 10],
      ],
      expected: ['EXCLUSION_ENTERED', 'EXCLUSION_EXITED'],
    },
  ])('given $name, then $expected', ({ path, expected }) => {
    expect(walk(path as Array<[number, number]>).types()).toEqual(expected);
  });

  it('two possible fixes in the ring raise a possible APPROACH with both as evidence and the zone severity', () => {
    const h = walk([
      [1000, 10],
      [290, 50],
      [280, 50],
    ]);
    expect(h.alerts).toHaveLength(1);
    expect(h.alerts[0]).toMatchObject({
      type: 'EXCLUSION_APPROACH',
      severity: 'P2',
      certainty: 'possible',
      distanceM: 180,
      late: false,
      ts: sec(120),
    });
    expect(h.alerts[0]!.evidence!.map((e) => e.ts)).toEqual([sec(60), sec(120)]);
    expect(h.alerts[0]).not.toHaveProperty('breachId');
  });

  it('an inactive zone raises no approach, and re-activation judges the approach afresh', () => {
    const h = new Harness([circle('home', 100, { warningM: 200, validFrom: sec(120) })], SINGLE_FIX);
    h.fix(0, 250, { acc: 10 });
    h.fix(60, 250, { acc: 10 });
    expect(h.alerts).toEqual([]);
    h.fix(120, 250, { acc: 10 });
    expect(h.types()).toEqual(['EXCLUSION_APPROACH']);
  });
});
