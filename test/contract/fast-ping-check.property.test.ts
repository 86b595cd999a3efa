/**
 * Differential test: fastPingCheck against PingSchema (zod), the definition of a valid ping.
 *
 * - On anything JSON.parse can produce, and on plain objects (which can also hold NaN, ±Infinity,
 *   -0 and non-JSON values), the two agree exactly: the fast check accepts iff zod accepts, and
 *   then returns the same object (same keys in the same order, each value Object.is-equal).
 * - On adversarial objects (other prototypes, getters, undefined values, inherited fields) the
 *   fast check may leave the input to zod, but whatever it accepts zod accepts with the same output.
 * - decodePing (fast check first, zod for the rest) returns exactly what JSON.parse + zod returns,
 *   reasons included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastPingCheck } from '../../src/contract/fast-ping-check.js';
import { decodePing, describeZodError, PingSchema } from '../../src/contract/index.js';
import { referenceDecode } from './fixtures/reference-decode.js';

const TS = 1767261600000;

function sameOutput(fast: unknown, slow: unknown): void {
  const f = fast as Record<string, unknown>;
  const s = slow as Record<string, unknown>;
  expect(Object.keys(f)).toEqual(Object.keys(s));
  for (const k of Object.keys(s)) {
    if (!Object.is(f[k], s[k])) expect.fail(`${k}: fast ${String(f[k])} vs zod ${String(s[k])}`);
  }
  expect(Object.getPrototypeOf(f)).toBe(Object.getPrototypeOf(s));
}

/** Exact agreement: accept iff zod accepts, and the same output. */
function agreeExactly(input: unknown): void {
  const slow = PingSchema.safeParse(input);
  const fast = fastPingCheck(input);
  if (fast === undefined) {
    if (slow.success) expect.fail(`fast check refused what zod accepts: ${JSON.stringify(slow.data)}`);
    return;
  }
  if (!slow.success) expect.fail(`fast check accepted what zod refuses: ${describeZodError(slow.error)}`);
  sameOutput(fast, slow.data);
}

/** Soundness only: whatever the fast check accepts, zod accepts with the same output. */
function neverAcceptsMore(make: () => unknown): void {
  const fast = fastPingCheck(make());
  const slow = PingSchema.safeParse(make());
  if (fast !== undefined) {
    if (!slow.success) expect.fail(`fast check accepted what zod refuses: ${describeZodError(slow.error)}`);
    sameOutput(fast, slow.data);
  }
}

const nextUp = (x: number) => {
  const f = new Float64Array([x]);
  const b = new BigInt64Array(f.buffer);
  b[0] = b[0]! + (x >= 0 ? 1n : -1n);
  return f[0]!;
};

// Boundary and hostile numbers: each field's limits and the values just past them.
const edgeNumber = fc.constantFrom(
  0,
  -0,
  1,
  -1,
  0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  90,
  -90,
  nextUp(90),
  nextUp(-90),
  180,
  -180,
  nextUp(180),
  nextUp(-180),
  1e7,
  nextUp(1e7),
  8.64e15,
  -8.64e15,
  8.64e15 + 1,
  -8.64e15 - 1,
  8.64e15 + 0.5,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  2 ** 60,
  1e300,
  TS + 0.5,
  nextUp(1),
  nextUp(0),
);
const anyNumber = fc.oneof(
  edgeNumber,
  fc.double(),
  fc.double({ min: -200, max: 200, noNaN: true }),
  fc.integer(),
  fc.maxSafeInteger(),
);
const nonNumber = fc.constantFrom<unknown>(
  '1',
  '',
  null,
  true,
  false,
  [],
  [1],
  {},
  'ok',
  'OK',
  'tampered ',
  'NaN',
);
const tagChars = 'abcXYZ019._:-';
const tagIdString = fc.oneof(
  fc.string({ unit: fc.constantFrom(...tagChars), minLength: 1, maxLength: 64 }),
  fc.string({ unit: fc.constantFrom(...tagChars), minLength: 60, maxLength: 70 }),
  fc.constantFrom(
    '',
    'a'.repeat(64),
    'a'.repeat(65),
    'tag 1',
    'tag\n',
    '\ntag',
    'tæg',
    'ＴＡＧ',
    'a/b',
    'a\u0000',
  ),
  fc.string({ minLength: 0, maxLength: 70 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
);

/** A ping-like record: every field valid-ish, edge, of the wrong type or absent. */
const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.option(fc.oneof({ weight: 6, arbitrary: valid }, edgeNumber, nonNumber), { nil: undefined, freq: 3 });
const pingLike = fc.record(
  {
    tagId: fc.oneof({ weight: 8, arbitrary: tagIdString }, nonNumber, edgeNumber),
    ts: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }) },
      anyNumber,
      nonNumber,
    ),
    lat: field(fc.double({ min: -90, max: 90, noNaN: true })),
    lon: field(fc.double({ min: -180, max: 180, noNaN: true })),
    accuracyM: field(fc.double({ min: 0, max: 2e7, noNaN: true })),
    battery: field(fc.double({ min: 0, max: 1, noNaN: true })),
    strap: fc.option(fc.oneof(fc.constantFrom('ok', 'tampered'), nonNumber), { nil: undefined, freq: 3 }),
  },
  { requiredKeys: [] },
);
/** A valid ping with one field set to a boundary, hostile or wrong-typed value (or deleted). */
const validPing = fc.record(
  {
    tagId: fc.string({ unit: fc.constantFrom(...tagChars), minLength: 1, maxLength: 64 }),
    ts: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
    accuracyM: fc.double({ min: 0.1, max: 100, noNaN: true }),
    battery: fc.double({ min: 0, max: 1, noNaN: true }),
    strap: fc.constantFrom('ok', 'tampered'),
  },
  { requiredKeys: ['tagId', 'ts'] },
);
const oneFieldOff = fc
  .tuple(
    validPing,
    fc.option(
      fc.tuple(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
      ),
    ),
    fc.constantFrom('tagId', 'ts', 'lat', 'lon', 'accuracyM', 'battery', 'strap'),
    fc.oneof({ weight: 4, arbitrary: edgeNumber }, nonNumber, tagIdString, fc.constant(undefined)),
  )
  .map(([p, fix, key, value]) => {
    const o: Record<string, unknown> = { ...p };
    if (fix !== null) [o.lat, o.lon] = fix;
    o[key] = value;
    return o;
  });

const extraKeys = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'LAT', 'tagid'),
  ),
  fc.oneof(fc.jsonValue(), edgeNumber),
  { maxKeys: 4 },
);

/** A plain object without `undefined` values (JSON-like, though it may hold NaN or -0). */
function merge(p: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) {
    if (k === '__proto__')
      Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    else o[k] = v;
  }
  for (const [k, v] of Object.entries(p)) if (v !== undefined) o[k] = v;
  return o;
}

/** Stringified so keys such as __proto__ arrive as JSON.parse makes them (own properties). */
function toJsonText(o: Record<string, unknown>, order: 'asIs' | 'reversed'): string {
  const entries = Object.entries(o).filter(([, v]) => v !== undefined);
  if (order === 'reversed') entries.reverse();
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
}

describe('fastPingCheck agrees with PingSchema', () => {
  it('on JSON text: accept/reject and output; decodePing returns the reference result', () => {
    fc.assert(
      fc.property(
        fc.oneof(pingLike, oneFieldOff),
        extraKeys,
        fc.constantFrom('asIs' as const, 'reversed' as const),
        (p, extra, order) => {
          const text = toJsonText(merge(p, extra), order);
          const parsed = JSON.parse(text) as unknown;
          agreeExactly(parsed);
          const want = referenceDecode(text);
          // Keyed by its own tagId (an unkeyed ping is refused before anything else matters).
          const tagId = (parsed as { tagId?: unknown }).tagId;
          const key = typeof tagId === 'string' ? tagId : 'key';
          // As text, and as the bytes a Kafka record holds (read by scanPing first).
          for (const got of [decodePing(key, text), decodePing(Buffer.from(key), Buffer.from(text))]) {
            if (typeof want === 'string') {
              expect(got).toEqual({ ok: false, error: want });
            } else {
              if (!got.ok) expect.fail(got.error);
              sameOutput(got.value, want);
            }
          }
        },
      ),
      { numRuns: 4000, seed: 14 },
    );
  }, 180_000); // ~8 s on an idle core; a loaded shared machine is far slower

  it('on plain objects holding NaN, ±Infinity, -0 and non-JSON values', () => {
    const exotic = fc.constantFrom<unknown>(
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      10n,
      new Number(5),
      new String('t1'),
      Symbol('s'),
      () => 1,
      new Date(TS),
    );
    fc.assert(
      fc.property(
        fc.oneof(pingLike, oneFieldOff),
        extraKeys,
        fc.constantFrom('tagId', 'ts', 'lat', 'lon', 'accuracyM', 'battery', 'strap', 'none'),
        exotic,
        (p, extra, key, value) => {
          const o = merge(p, extra);
          if (key !== 'none') o[key] = value;
          agreeExactly(o);
        },
      ),
      { numRuns: 3000, seed: 15 },
    );
  }, 180_000);

  it('accepts the common valid shapes (else it would be no faster)', () => {
    const valid = [
      { tagId: 't1', ts: TS },
      { tagId: 'TAG-0001.a:b_c', ts: TS, lat: 51.5, lon: -0.12, accuracyM: 8.5 },
      { tagId: 't1', ts: 0, lat: -90, lon: 180, accuracyM: 1e7, battery: 0, strap: 'tampered' },
      { tagId: 'a'.repeat(64), ts: -8.64e15, battery: 1, strap: 'ok', extra: { nested: true } },
      { tagId: 't1', ts: -0, lat: -0, lon: -0, battery: -0 },
    ];
    for (const v of valid) {
      expect(fastPingCheck(v)).toBeDefined();
      agreeExactly(v);
      agreeExactly(JSON.parse(JSON.stringify(v)));
    }
    // An own "__proto__" key (as JSON.parse makes it) is an unknown key: stripped, not followed.
    const proto = JSON.parse(`{"tagId":"t1","ts":${TS},"__proto__":{"lat":1,"lon":2}}`) as unknown;
    expect(fastPingCheck(proto)).toEqual({ tagId: 't1', ts: TS });
    agreeExactly(proto);
  });

  it('never accepts more than zod on adversarial objects', () => {
    const base = { tagId: 't1', ts: TS, lat: 51.5, lon: -0.1 };
    const makers: [string, () => unknown][] = [
      ['null prototype', () => Object.assign(Object.create(null) as object, base)],
      ['fields inherited from a prototype', () => Object.create(base) as unknown],
      [
        'half inherited',
        () => Object.assign(Object.create({ lon: -0.1 }) as object, { tagId: 't1', ts: TS, lat: 1 }),
      ],
      [
        'class instance',
        () =>
          new (class P {
            tagId = 't1';
            ts = TS;
          })(),
      ],
      ['lat: undefined, lon: undefined', () => ({ ...base, lat: undefined, lon: undefined })],
      ['lat given, lon: undefined', () => ({ ...base, lon: undefined })],
      ['accuracyM: undefined', () => ({ ...base, accuracyM: undefined })],
      ['strap: undefined', () => ({ ...base, strap: undefined })],
      ['battery: undefined', () => ({ ...base, battery: undefined })],
      ['an array with fields', () => Object.assign([], base)],
      ['a Date with fields', () => Object.assign(new Date(TS), base)],
      ['a Map', () => new Map(Object.entries(base))],
      [
        'a getter that changes its answer',
        () => {
          let reads = 0;
          return {
            tagId: 't1',
            get ts() {
              reads++;
              return reads === 1 ? TS : Number.NaN;
            },
          };
        },
      ],
      [
        'a getter that throws on the second read',
        () => {
          let reads = 0;
          return {
            ts: TS,
            get tagId() {
              if (++reads > 1) throw new Error('read twice');
              return 't1';
            },
          };
        },
      ],
      ['a frozen object', () => Object.freeze({ ...base })],
      ['a string', () => 't1'],
      ['a number', () => TS],
      ['undefined', () => undefined],
      ['null', () => null],
    ];
    for (const [name, make] of makers) {
      try {
        neverAcceptsMore(make);
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`);
      }
    }
  });

  it('reads each field once, as zod does', () => {
    const reads = new Map<string, number>();
    const o = {};
    for (const [k, v] of Object.entries({
      tagId: 't1',
      ts: TS,
      lat: 1,
      lon: 2,
      accuracyM: 3,
      battery: 0.5,
      strap: 'ok',
    })) {
      Object.defineProperty(o, k, {
        enumerable: true,
        get: () => {
          reads.set(k, (reads.get(k) ?? 0) + 1);
          return v;
        },
      });
    }
    expect(fastPingCheck(o)).toEqual({
      tagId: 't1',
      ts: TS,
      lat: 1,
      lon: 2,
      accuracyM: 3,
      battery: 0.5,
      strap: 'ok',
    });
    expect([...reads.values()].every((n) => n === 1)).toBe(true);
    expect(reads.size).toBe(7);
  });
});
