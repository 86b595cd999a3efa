/**
 * The tag state is a changelog value: a worker that takes over a partition decodes it and must
 * carry on exactly as the previous one would have.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert, Ping } from '../../src/contract/index.js';
import {
  applyPing,
  DEFAULT_ENGINE_CONFIG,
  decodeTagState,
  encodeTagState,
  newTagState,
  StateCodecError,
  sweepNoSignal,
  type TagState,
} from '../../src/engine/index.js';
import { at, circle, Harness, SUBJECT, squareRing, T0, TAG } from './engine-fixtures.js';

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
      dtS: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(0), fc.integer({ min: -600, max: -1 })),
      northM: fc.oneof(
        fc.integer({ min: -500, max: 700 }),
        fc.constant(100),
        fc.integer({ min: -90_000, max: 90_000 }),
      ),
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
        [ping.lat, ping.lon] = at(s.northM);
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

describe('state codec', () => {
  it('encode → decode mid-stream yields identical subsequent alerts and state (property)', () => {
    fc.assert(
      fc.property(eventsArb, fc.nat(), (events, cut) => {
        const k = events.length === 0 ? 0 : cut % (events.length + 1);
        const straight = newTagState(TAG);
        const expected = run(events, straight);

        const world = new Harness(zones).world;
        const first = newTagState(TAG);
        const head = run(events.slice(0, k), first, world);
        const encoded = encodeTagState(first);
        const resumed = decodeTagState(encoded);
        expect(encodeTagState(resumed)).toBe(encoded);
        const tail = run(events.slice(k), resumed, world);

        expect(JSON.stringify([...head, ...tail])).toBe(JSON.stringify(expected));
        expect(encodeTagState(resumed)).toBe(encodeTagState(straight));
      }),
      { numRuns: 300, seed: 20260329 },
    );
  });

  it('a busy state (tracks, streaks, episodes, suspect) round-trips exactly', () => {
    const h = new Harness(zones);
    h.fix(0, 0, { acc: 10, strap: 'tampered', battery: 0.1 });
    h.fix(60, 95, { acc: 30 });
    h.fix(120, 260, { acc: 30 });
    h.fix(180, 80_000, { acc: 10 });
    expect(h.state.zones.length).toBeGreaterThan(0);
    expect(h.state.suspect).not.toBeNull();
    const encoded = encodeTagState(h.state);
    expect(decodeTagState(encoded)).toEqual(h.state);
    expect(encodeTagState(decodeTagState(encoded))).toBe(encoded);
  });

  it.each([
    { name: 'not JSON', json: '{', error: /\(value\) must be JSON/ },
    { name: 'an array', json: '[]', error: /\(value\) must be an object/ },
    { name: 'wrong version', json: '{"v":2}', error: /v must be 1/ },
    {
      name: 'missing tagId',
      json: JSON.stringify({ ...newTagState('x'), tagId: undefined }),
      error: /tagId must be a string/,
    },
    {
      name: 'a bad zone phase',
      json: JSON.stringify({
        ...newTagState('x'),
        zones: [
          {
            zoneId: 'z',
            kind: 'exclusion',
            phase: 'inside',
            streak: [],
            streakFrom: 0,
            breachId: null,
            approached: false,
            approachStreak: [],
            beyond: 0,
            episodes: [],
          },
        ],
      }),
      error: /zones\.0\.phase must be clear\|violating/,
    },
    {
      name: 'a string ts',
      json: JSON.stringify({ ...newTagState('x'), recentTs: ['1'] }),
      error: /recentTs\.0 must be a finite number/,
    },
  ])('decoding $name throws a StateCodecError naming the field', ({ json, error }) => {
    expect(() => decodeTagState(json)).toThrow(StateCodecError);
    expect(() => decodeTagState(json)).toThrow(error);
  });
});
