/**
 * Spare tracks (spare-tracks.ts): a track given back comes out again exactly as a fresh one, the
 * pool stays bounded, and a stream of fixes yields the same alerts and states whether its tracks
 * are fresh or reused from a pool full of used ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert, Ping, Zone } from '../../src/contract/index.js';
import {
  applyPing,
  DEFAULT_ENGINE_CONFIG,
  EnrolmentTable,
  newTagState,
  type TagState,
  type World,
  type ZoneTrack,
} from '../../src/engine/index.js';
import { SPARE_TRACKS_CAP, spareTrackCount } from '../../src/engine/spare-tracks.js';
import { giveBackTrack, newTrack } from '../../src/engine/zone-tracker.js';
import { compileZone, ZoneIndex } from '../../src/geo/index.js';
import { at, circle, LAT0, LON0, T0 } from './engine-fixtures.js';

const ZONE = compileZone(circle('z-now', 100, { warningM: 200 }));

function drain(): void {
  while (spareTrackCount() > 0) newTrack(ZONE);
}

const fix = fc.record({
  ts: fc.integer({ min: 0, max: 2e12 }),
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
  accuracyM: fc.double({ min: 1, max: 200, noNaN: true }),
});
const fixes = fc.array(fix, { maxLength: 5 });
const usedTrack: fc.Arbitrary<ZoneTrack> = fc.record({
  zoneId: fc.string(),
  kind: fc.constantFrom('exclusion' as const, 'inclusion' as const),
  phase: fc.constantFrom('clear' as const, 'violating' as const),
  streak: fixes,
  streakFrom: fc.integer(),
  score: fc.double({ min: 0, max: 50, noNaN: true }),
  scoreFixes: fixes,
  breachId: fc.option(fc.string(), { nil: null }),
  approached: fc.boolean(),
  approachStreak: fixes,
  beyond: fc.nat(),
  episodes: fc.array(fc.tuple(fc.integer(), fc.option(fc.integer(), { nil: null })), { maxLength: 4 }),
  episodesEnd: fc.option(fc.integer(), { nil: null }),
});

const FRESH = {
  zoneId: 'z-now',
  kind: 'exclusion',
  phase: 'clear',
  streak: [],
  streakFrom: 0,
  score: 0,
  scoreFixes: [],
  breachId: null,
  approached: false,
  approachStreak: [],
  beyond: 0,
  episodes: [],
  episodesEnd: null,
};

/** A track with every field away from its fresh value. */
function dirtyTrack(i: number): ZoneTrack {
  const e = { ts: i, lat: LAT0, lon: LON0, accuracyM: 10 };
  return {
    zoneId: `old-${i}`,
    kind: 'inclusion',
    phase: 'violating',
    streak: [e],
    streakFrom: 7,
    score: 3,
    scoreFixes: [e, e],
    breachId: 'b-old',
    approached: true,
    approachStreak: [e],
    beyond: 2,
    episodes: [[1, 2]],
    episodesEnd: 9,
  };
}

describe('spare tracks', () => {
  it('with none spare, a new track is fresh', () => {
    drain();
    expect(newTrack(ZONE)).toEqual(FRESH);
  });

  it('a track given back is handed out again, indistinguishable from a fresh one', () => {
    fc.assert(
      fc.property(usedTrack, (used) => {
        drain();
        giveBackTrack(used);
        const t = newTrack(ZONE);
        expect(t).toBe(used);
        expect(t).toEqual(FRESH);
      }),
      { numRuns: 300 },
    );
  });

  it(`keeps at most ${SPARE_TRACKS_CAP} spare tracks`, () => {
    drain();
    for (let i = 0; i < SPARE_TRACKS_CAP + 50; i++) giveBackTrack(dirtyTrack(i));
    expect(spareTrackCount()).toBe(SPARE_TRACKS_CAP);
    drain();
  });

  it('a stream of fixes gives the same alerts and states with reused tracks as with fresh ones', () => {
    // Five tags around two zones with warning rings: fixes wander in and out of rings and zones,
    // so tracks start, end, and are dropped all the time.
    const zones: Zone[] = [
      circle('z-a', 120, { warningM: 250 }),
      circle('z-b', 80, {
        warningM: 150,
        geometry: { type: 'Point', coordinates: [at(0, 700)[1], at(0, 700)[0]] },
      }),
    ];
    const tags = ['t1', 't2', 't3', 't4', 't5'];
    // fresh: every spare track is thrown away after each fix, so each track is made new.
    const run = (fresh: boolean) => {
      const enrolments = new EnrolmentTable();
      for (const tagId of tags) enrolments.upsert({ tagId, subjectId: 's1' });
      const world: World = { zones: ZoneIndex.build(zones.map(compileZone)), enrolments };
      const states = new Map<string, TagState>(tags.map((t) => [t, newTagState(t)]));
      const alerts: Alert[] = [];
      let seed = 12345;
      const next = () => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return seed / 2 ** 32;
      };
      let minSpare = spareTrackCount();
      for (let i = 0; i < 20_000; i++) {
        const tagId = tags[i % tags.length]!;
        const [lat, lon] = at(next() * 900 - 450, next() * 1500 - 400);
        // Fixes 20 minutes apart per tag: episodes expire, so dormant tracks are dropped.
        const ping: Ping = { tagId, ts: T0 + i * 240_000, lat, lon, accuracyM: 5 + next() * 40 };
        applyPing(world, DEFAULT_ENGINE_CONFIG, states.get(tagId)!, ping, ping.ts, ping.ts, alerts);
        minSpare = Math.min(minSpare, spareTrackCount());
        if (fresh) drain();
      }
      return {
        json: JSON.stringify({ alerts, states: [...states.values()] }),
        alerts: alerts.length,
        minSpare,
      };
    };
    drain();
    const fresh = run(true);
    for (let i = 0; i < SPARE_TRACKS_CAP; i++) giveBackTrack(dirtyTrack(i));
    const reused = run(false);
    expect(fresh.alerts).toBeGreaterThan(100);
    expect(reused.minSpare).toBeLessThan(SPARE_TRACKS_CAP); // tracks were taken from the pool
    expect(reused.json).toBe(fresh.json);
  });
});
