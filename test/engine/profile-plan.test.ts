/** What the profile publisher writes, given what it last published (restart safety, pure). */
import { describe, expect, it } from 'vitest';
import type { DeviceProfile } from '../../src/contract/index.js';
import { planProfileWrites, recordPublished } from '../../src/engine/index.js';

const profile = (tagId: string, id: string): DeviceProfile => ({
  profileId: `p-${id.padStart(16, '0')}`,
  tagId,
  asOf: 0,
  offsetRadiusM: 500,
  realTime: { fixIntervalS: 15, uploadWithinS: 0 },
  triggers: [
    { triggerId: 't-0000000000000001', kind: 'near-exclusion', circle: { lat: 0, lon: 0, radiusM: 1 } },
  ],
});

describe('planProfileWrites', () => {
  it('given nothing published, then every tag with a profile is written and none without', () => {
    const derived: Record<string, DeviceProfile | null> = { A: profile('A', '1'), B: null };
    const w = planProfileWrites(['A', 'B'], new Map(), (t) => derived[t]!);
    expect(w.map((x) => x.tagId)).toEqual(['A']);
  });

  it('given the same profiles published, then nothing is written (a restart repeats nothing)', () => {
    const published = new Map([['A', profile('A', '1').profileId]]);
    expect(planProfileWrites(['A', 'A'], published, () => profile('A', '1'))).toEqual([]);
  });

  it('given a changed profile or a removed one, then the new profile or a tombstone is written once', () => {
    const published = new Map([
      ['A', profile('A', '1').profileId],
      ['B', profile('B', '2').profileId],
    ]);
    const derived: Record<string, DeviceProfile | null> = { A: profile('A', '3'), B: null };
    const w = planProfileWrites(['A', 'B', 'A'], published, (t) => derived[t]!);
    expect(w).toEqual([
      { tagId: 'A', profile: derived.A },
      { tagId: 'B', profile: null },
    ]);
    recordPublished(published, w);
    expect([...published]).toEqual([['A', profile('A', '3').profileId]]);
    expect(planProfileWrites(['A', 'B'], published, (t) => derived[t]!)).toEqual([]);
  });
});
