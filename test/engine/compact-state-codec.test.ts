/**
 * Format 2 of the changelog value (compact-state-codec.ts): a worker that takes over a partition
 * decodes it and carries on exactly as the previous one would have; a worker upgraded onto a
 * changelog written in format 1 (fixtures/tag-state-v1.json, written by the code before format 2)
 * reads it and carries on the same; the undo copy (cloneTagState) is the state and shares
 * nothing with it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert, Ping } from '../../src/contract/index.js';
import {
  applyPing,
  cloneTagState,
  DEFAULT_ENGINE_CONFIG,
  decodeTagState,
  EnrolmentTable,
  encodeTagState,
  encodeTagStateCompact,
  newTagState,
  StateCodecError,
  sweepNoSignal,
  type TagState,
} from '../../src/engine/index.js';
import { compileZone, ZoneIndex } from '../../src/geo/index.js';
import { makeFleet } from '../stream/fixtures/fleet.js';
import { at, circle, Harness, SINGLE_FIX, SUBJECT, squareRing, T0, TAG } from './engine-fixtures.js';

const zones = [
  circle('excl', 100, { warningM: 150 }),
  {
    zoneId: 'poly',
    subjectId: SUBJECT,
    kind: 'exclusion' as const,
    geometry: { type: 'Polygon' as const, coordinates: [squareRing(80, 300), squareRing(20, 300)] },
  },
  circle('home', 400, {
    kind: 'inclusion',
    schedule: { tz: 'Europe/London', windows: [{ days: ['mon', 'tue'], start: '12:30', end: '13:00' }] },
  }),
];

type Event = { kind: 'ping'; ping: Ping; arrivedAt: number } | { kind: 'sweep'; now: number };

const eventsArb = fc
  .array(
    fc.record({
      dtS: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(0), fc.integer({ min: -900, max: -1 })),
      northM: fc.oneof(fc.integer({ min: -500, max: 700 }), fc.integer({ min: -90_000, max: 90_000 })),
      eastM: fc.integer({ min: -400, max: 400 }),
      acc: fc.option(fc.integer({ min: 1, max: 80 }), { nil: undefined }),
      fix: fc.boolean(),
      battery: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      strap: fc.option(fc.constantFrom('ok' as const, 'tampered' as const), { nil: undefined }),
      sweep: fc.integer({ min: 0, max: 9 }),
    }),
    { maxLength: 60 },
  )
  .map((steps) => {
    let ts = T0;
    let wall = T0;
    const events: Event[] = [];
    for (const s of steps) {
      ts += s.dtS * 1000;
      wall += Math.max(s.dtS, 1) * 1000;
      const ping: Ping = { tagId: TAG, ts };
      if (s.fix || (s.battery === undefined && s.strap === undefined)) {
        [ping.lat, ping.lon] = at(s.northM, s.eastM);
        if (s.acc !== undefined) ping.accuracyM = s.acc;
      }
      if (s.battery !== undefined) ping.battery = s.battery;
      if (s.strap !== undefined) ping.strap = s.strap;
      events.push({ kind: 'ping', ping, arrivedAt: wall });
      if (s.sweep === 0) events.push({ kind: 'sweep', now: wall + 1_000_000 });
    }
    return events;
  });

function run(events: Event[], state: TagState, world = new Harness(zones).world): Alert[] {
  const out: Alert[] = [];
  for (const e of events) {
    if (e.kind === 'ping')
      applyPing(world, DEFAULT_ENGINE_CONFIG, state, e.ping, e.arrivedAt, e.arrivedAt, out);
    else sweepNoSignal(world, DEFAULT_ENGINE_CONFIG, state, e.now, out);
  }
  return out;
}

describe('compact changelog format (2)', () => {
  it('encode → decode mid-stream yields identical subsequent alerts and state, and is canonical (property)', () => {
    fc.assert(
      fc.property(eventsArb, fc.nat(), (events, cut) => {
        const k = events.length === 0 ? 0 : cut % (events.length + 1);
        const straight = newTagState(TAG);
        const expected = run(events, straight);

        const world = new Harness(zones).world;
        const first = newTagState(TAG);
        const head = run(events.slice(0, k), first, world);
        const compact = encodeTagStateCompact(first);
        const resumed = decodeTagState(compact);
        expect(resumed).toEqual(first);
        expect(encodeTagStateCompact(resumed)).toBe(compact);
        // Both formats describe the same state.
        expect(encodeTagState(resumed)).toBe(encodeTagState(first));
        expect(decodeTagState(encodeTagState(first))).toEqual(resumed);
        const tail = run(events.slice(k), resumed, world);

        expect(JSON.stringify([...head, ...tail])).toBe(JSON.stringify(expected));
        expect(encodeTagStateCompact(resumed)).toBe(encodeTagStateCompact(straight));
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });

  it('is a JSON array opening with 2, and trailing defaults are left off', () => {
    expect(encodeTagStateCompact(newTagState('t9'))).toBe('[2,"t9",null]');
    const h = new Harness(zones);
    h.fix(0, 600, { acc: 10 });
    const [lat, lon] = at(600);
    expect(JSON.parse(encodeTagStateCompact(h.state))).toEqual([
      2,
      TAG,
      `${SUBJECT}|`,
      T0,
      0,
      [0],
      [0, lat, lon, 10],
      [],
      0, // lastFixArrivedAt, relative to lastTs
    ]);
  });

  it('a time whose difference from lastTs would not restore exactly is written absolute', () => {
    const s = newTagState('t9');
    s.lastTs = 8e15;
    s.recentTs = [8e15, -8e15];
    s.batteryTs = 1.5;
    const json = encodeTagStateCompact(s);
    expect(JSON.parse(json)[5]).toEqual([0, [-8e15]]);
    expect(decodeTagState(json)).toEqual(s);
    expect(encodeTagStateCompact(decodeTagState(json))).toBe(json);
  });

  it.each([
    { name: 'no tag id', json: '[2]', error: /tag state: tagId must be a string/ },
    { name: 'a string ts', json: '[2,"t",null,1,0,["1"]]', error: /recentTs\.0 must be a finite number/ },
    { name: 'bad track flags', json: '[2,"t",null,1,0,[],null,[["z",9]]]', error: /zones\.0\.flags/ },
    {
      name: 'a short fix',
      json: '[2,"t",null,1,0,[],null,[["z",0,0,[[0,51.5]]]]]',
      error: /zones\.0\.streak\.0 must be \[ts, lat, lon, accuracyM\]/,
    },
    { name: 'a bad score', json: '[2,"t",null,1,0,[],null,[["z",0,0,[],"x"]]]', error: /zones\.0\.score/ },
    {
      name: 'a bad strap',
      json: '[2,"t",null,1,0,[],null,[],null,null,null,7]',
      error: /strap must be 0\|1\|2/,
    },
    {
      name: 'a late zone without its run',
      json: '[2,"t",null,1,0,[],null,[],null,null,null,0,null,0,null,[0,[["home"]]]]',
      error: /late\.zones\.0\.run must be an array/,
    },
  ])('decoding $name throws a StateCodecError naming the field', ({ json, error }) => {
    expect(() => decodeTagState(json)).toThrow(StateCodecError);
    expect(() => decodeTagState(json)).toThrow(error);
  });
});

interface V1Fixture {
  name: string;
  singleFix: boolean;
  state: string;
  tail: [number, number, number, { strap?: 'ok' | 'tampered'; battery?: number }?][];
}

const v1Fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/tag-state-v1.json', import.meta.url), 'utf8'),
) as V1Fixture[];

describe('a worker upgraded onto a changelog written in format 1', () => {
  it.each(v1Fixtures)('reads "$name" and carries on exactly as from format 2', (f) => {
    const fixtureZones = [zones[0]!, zones[1]!, circle('home', 400, { kind: 'inclusion' })];
    const config = f.singleFix ? { ...SINGLE_FIX } : { ...DEFAULT_ENGINE_CONFIG };
    const fromV1 = new Harness(fixtureZones, config);
    fromV1.state = decodeTagState(f.state);
    expect(encodeTagState(fromV1.state)).toBe(f.state);
    const fromV2 = new Harness(fixtureZones, config);
    fromV2.state = decodeTagState(encodeTagStateCompact(fromV1.state));
    expect(fromV2.state).toEqual(fromV1.state);
    for (const [s, n, acc, x] of f.tail) {
      fromV1.fix(s, n, { acc, ...x });
      fromV2.fix(s, n, { acc, ...x });
    }
    expect(fromV2.alerts).toEqual(fromV1.alerts);
    expect(encodeTagStateCompact(fromV2.state)).toBe(encodeTagStateCompact(fromV1.state));
  });

  it('the fixtures cover tracks, episodes, a suspect, a late chain and device status', () => {
    const states = v1Fixtures.map((f) => decodeTagState(f.state));
    expect(states.some((s) => s.zones.some((z) => z.episodes.length > 0 && z.phase === 'violating'))).toBe(
      true,
    );
    expect(states.some((s) => s.suspect !== null)).toBe(true);
    expect(states.some((s) => s.late !== null)).toBe(true);
    expect(states.some((s) => s.strap === 'tampered' && s.batteryLow)).toBe(true);
    expect(states.some((s) => s.zones.some((z) => z.approached))).toBe(true);
    // ...and raise something after the cut, so "carries on the same" is not vacuous.
    const raised = v1Fixtures.filter((f) => {
      const h = new Harness([zones[0]!, zones[1]!, circle('home', 400, { kind: 'inclusion' })], {
        ...(f.singleFix ? SINGLE_FIX : DEFAULT_ENGINE_CONFIG),
      });
      h.state = decodeTagState(f.state);
      for (const [s, n, acc, x] of f.tail) h.fix(s, n, { acc, ...x });
      return h.alerts.length > 0;
    });
    expect(raised.length).toBeGreaterThanOrEqual(3);
  });
});

describe('size', () => {
  it("a fleet's states are at most 0.45 of their format-1 size, mean and p99 (and are reported)", () => {
    const fleet = makeFleet({ seed: 20260302, tags: 300, pings: 200_000 });
    const enrolments = new EnrolmentTable();
    for (const e of fleet.enrolments) enrolments.upsert(e, 0);
    const world = { zones: ZoneIndex.build(fleet.zones.map(compileZone)), enrolments };
    const states = new Map<string, TagState>();
    const v1: number[] = [];
    const v2: number[] = [];
    for (const [i, p] of fleet.pings.entries()) {
      let s = states.get(p.tagId);
      if (!s) {
        s = newTagState(p.tagId);
        states.set(p.tagId, s);
      }
      applyPing(world, DEFAULT_ENGINE_CONFIG, s, p, p.ts, p.ts, []);
      if (i % 7 !== 0) continue; // a sample is plenty
      v1.push(Buffer.byteLength(encodeTagState(s)));
      v2.push(Buffer.byteLength(encodeTagStateCompact(s)));
    }
    const stats = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return {
        mean: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length),
        p99: sorted[Math.floor(0.99 * sorted.length)]!,
      };
    };
    const a = stats(v1);
    const b = stats(v2);
    console.info(
      `encoded tag state bytes, format 1 → 2: mean ${a.mean} → ${b.mean}, p99 ${a.p99} → ${b.p99}`,
    );
    expect(b.mean).toBeLessThan(0.45 * a.mean);
    expect(b.p99).toBeLessThan(0.45 * a.p99);
  });
});

describe('undo copy', () => {
  it('equals the state, and mutating the state afterwards leaves the copy as it was (property)', () => {
    fc.assert(
      fc.property(eventsArb, fc.nat(), (events, cut) => {
        const k = events.length === 0 ? 0 : cut % (events.length + 1);
        const world = new Harness(zones).world;
        const state = newTagState(TAG);
        run(events.slice(0, k), state, world);
        const before = encodeTagState(state);
        const copy = cloneTagState(state);
        expect(copy).toEqual(state);
        expect(encodeTagState(copy)).toBe(before);
        run(events.slice(k), state, world);
        expect(encodeTagState(copy)).toBe(before);
      }),
      { numRuns: 200, seed: 20261201 },
    );
  });
});
