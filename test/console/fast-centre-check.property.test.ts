/**
 * Differential test: fastAlertCheck / fastActionCheck against AlertSchema / AlertActionSchema
 * (zod), the definition of a valid record. On JSON text (what the console's replay decodes) and
 * on plain objects holding NaN, ±Infinity and -0, they agree exactly: the fast check accepts iff
 * zod accepts, and then returns the same value (same keys in the same order, at every depth,
 * each leaf Object.is-equal). On hostile objects (other prototypes, undefined values) the fast
 * check may defer to zod, but never accepts more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastActionCheck, fastAlertCheck } from '../../src/console/fast-centre-check.js';
import {
  ALERT_ACTION_KINDS,
  ALERT_TYPES,
  AlertActionSchema,
  AlertSchema,
  CLOSE_OUTCOMES,
  CONSOLE_ROLES,
  describeZodError,
} from '../../src/contract/index.js';

function same(fast: unknown, slow: unknown, path = '$'): void {
  if (typeof slow !== 'object' || slow === null) {
    if (!Object.is(fast, slow)) expect.fail(`${path}: fast ${String(fast)} vs zod ${String(slow)}`);
    return;
  }
  expect(Array.isArray(fast), path).toBe(Array.isArray(slow));
  expect(Object.keys(fast as object), path).toEqual(Object.keys(slow));
  for (const k of Object.keys(slow)) {
    same((fast as Record<string, unknown>)[k], (slow as Record<string, unknown>)[k], `${path}.${k}`);
  }
}

type Check = (v: unknown) => unknown;
type Schema = { safeParse(v: unknown): { success: true; data: unknown } | { success: false; error: never } };

function agree(fast: Check, schema: Schema, input: unknown, exactly: boolean): void {
  const slow = (schema as typeof AlertSchema).safeParse(input);
  const quick = fast(input);
  if (quick === undefined) {
    if (exactly && slow.success)
      expect.fail(`fast check refused what zod accepts: ${JSON.stringify(slow.data)}`);
    return;
  }
  if (!slow.success) expect.fail(`fast check accepted what zod refuses: ${describeZodError(slow.error)}`);
  same(quick, slow.data);
}

const TS = 1_767_261_600_000;
const EDGE_VALUES: unknown[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  90,
  -90,
  90.000001,
  180,
  -180.5,
  8.64e15,
  8.64e15 + 1,
  -8.64e15 - 1,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  2 ** 60,
  1e300,
  TS + 0.5,
  '',
  ' ',
  'x',
  '1',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(256),
  'a'.repeat(257),
  'a'.repeat(1024),
  'a'.repeat(1025),
  'a'.repeat(4001),
  'tag 1',
  'tæg',
  null,
  true,
  false,
  [],
  [1],
  {},
  'P1',
  'P4',
  'confirmed',
  'close',
  'operator',
  'test',
];
const edge = fc.constantFrom<unknown>(...EDGE_VALUES);
const hostileNumbers = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
);
const text = (min: number, max: number) => fc.string({ minLength: min, maxLength: max });
const tagId = fc.string({ unit: fc.constantFrom(...'abcXYZ019._:-'), minLength: 1, maxLength: 64 });
const epoch = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 });
const fixArb = fc.record({
  ts: epoch,
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
  accuracyM: fc.double({ min: 0, max: 100, noNaN: true }),
});

const validAlert = fc.record(
  {
    alertId: text(1, 40),
    type: fc.constantFrom(...ALERT_TYPES),
    severity: fc.constantFrom('P1', 'P2', 'P3'),
    subjectId: text(1, 40),
    tagId,
    zoneId: text(1, 40),
    zoneVersion: fc.integer(),
    breachId: text(0, 40),
    ts: epoch,
    emittedAt: epoch,
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    accuracyM: fc.double({ min: 0, max: 100, noNaN: true }),
    distanceM: fc.double({ noNaN: true, noDefaultInfinity: true }),
    certainty: fc.constantFrom('confirmed', 'possible'),
    score: fc.double({ min: 0, max: 50, noNaN: true }),
    late: fc.boolean(),
    evidence: fc.array(fixArb, { maxLength: 4 }),
    reason: text(0, 30),
  },
  { requiredKeys: ['alertId', 'type', 'severity', 'subjectId', 'tagId', 'ts', 'emittedAt'] },
);
const ALERT_KEYS = [
  'alertId',
  'type',
  'severity',
  'subjectId',
  'tagId',
  'zoneId',
  'zoneVersion',
  'breachId',
  'ts',
  'emittedAt',
  'lat',
  'lon',
  'accuracyM',
  'distanceM',
  'certainty',
  'score',
  'late',
  'evidence',
  'reason',
];
const EVIDENCE_VALUES: unknown[] = [
  [{ ts: TS, lat: 91, lon: 0, accuracyM: 1 }],
  [{ ts: TS, lat: 0, lon: 0, accuracyM: 0 }],
  [{ ts: TS, lat: 0, lon: 0 }],
  [{ ts: TS + 0.5, lat: 0, lon: 0, accuracyM: 1 }],
  [{ ts: TS, lat: 0, lon: 0, accuracyM: 1, extra: 'dropped' }],
  [null],
  [[]],
  'x',
];
const EVIDENCE_OFF = fc.constantFrom<unknown>(...EVIDENCE_VALUES);

const validAction = fc
  .record(
    {
      actionId: text(1, 40),
      incidentId: text(1, 40),
      kind: fc.constantFrom(...ALERT_ACTION_KINDS),
      user: text(1, 20),
      role: fc.constantFrom(...CONSOLE_ROLES),
      at: epoch,
      note: fc.oneof(text(0, 30), fc.constantFrom('', '   ', ' x ')),
      outcome: fc.constantFrom(...CLOSE_OUTCOMES),
    },
    { requiredKeys: ['actionId', 'incidentId', 'kind', 'user', 'role', 'at'] },
  )
  .map((a) => a as Record<string, unknown>);
const ACTION_KEYS = ['actionId', 'incidentId', 'kind', 'user', 'role', 'at', 'note', 'outcome'];

/** A record with 0-2 fields replaced by an edge, wrong-typed or deleted value, plus extra keys. */
function mutated(
  base: fc.Arbitrary<Record<string, unknown>>,
  keys: string[],
  extraOff: fc.Arbitrary<unknown>[],
) {
  return fc
    .tuple(
      base,
      fc.array(fc.tuple(fc.constantFrom(...keys), fc.oneof(edge, ...extraOff, fc.constant(undefined))), {
        maxLength: 2,
      }),
      fc.dictionary(fc.constantFrom('extra', 'LAT', 'Kind', 'toString'), fc.jsonValue(), { maxKeys: 2 }),
    )
    .map(([b, edits, extra]) => {
      const o: Record<string, unknown> = { ...extra, ...b };
      for (const [k, v] of edits) {
        if (v === undefined) delete o[k];
        else o[k] = v;
      }
      return o;
    });
}

const alertInputs = mutated(validAlert as fc.Arbitrary<Record<string, unknown>>, ALERT_KEYS, [EVIDENCE_OFF]);
const actionInputs = mutated(validAction, ACTION_KEYS, []);

describe('the console fast checks agree with the zod schemas', () => {
  it('alerts, on JSON text: accept iff zod accepts, with the same output', () => {
    fc.assert(
      fc.property(alertInputs, (o) =>
        agree(fastAlertCheck, AlertSchema as never, JSON.parse(JSON.stringify(o)), true),
      ),
      { numRuns: 3000, seed: 10 },
    );
  }, 180_000);

  it('actions, on JSON text: accept iff zod accepts, with the same output', () => {
    fc.assert(
      fc.property(actionInputs, (o) =>
        agree(fastActionCheck, AlertActionSchema as never, JSON.parse(JSON.stringify(o)), true),
      ),
      { numRuns: 3000, seed: 10 },
    );
  }, 180_000);

  it('every field set to every edge value, one at a time (exhaustive)', () => {
    // Every optional field present and valid, so each edit is judged on its own.
    const full: Record<string, unknown> = {
      alertId: 'a-1',
      type: 'EXCLUSION_ENTERED',
      severity: 'P1',
      subjectId: 'S-1',
      tagId: 'T-1',
      zoneId: 'Z',
      zoneVersion: 1,
      breachId: 'b',
      ts: TS,
      emittedAt: TS,
      lat: 1,
      lon: 1,
      accuracyM: 1,
      distanceM: 2,
      certainty: 'possible',
      score: 1.5,
      late: false,
      evidence: [{ ts: TS, lat: 1, lon: 1, accuracyM: 1 }],
      reason: 'r',
    };
    expect(fastAlertCheck(full)).toEqual(full);
    const distinct = [...EDGE_VALUES, ...EVIDENCE_VALUES, undefined];
    const action = {
      actionId: 'a',
      incidentId: 'i',
      kind: 'close',
      user: 'u',
      role: 'supervisor',
      at: TS,
      outcome: 'test',
      note: 'n',
    };
    expect(fastActionCheck(action)).toEqual(action);
    for (const k of ALERT_KEYS) {
      for (const v of distinct)
        agree(fastAlertCheck, AlertSchema as never, JSON.parse(JSON.stringify({ ...full, [k]: v })), true);
    }
    for (const k of ACTION_KEYS) {
      for (const v of distinct) {
        for (const kind of ALERT_ACTION_KINDS) {
          agree(
            fastActionCheck,
            AlertActionSchema as never,
            JSON.parse(JSON.stringify({ ...action, kind, [k]: v })),
            true,
          );
        }
      }
    }
  });

  it('on plain objects holding NaN, ±Infinity and -0', () => {
    const withHostile = <T extends Record<string, unknown>>(a: fc.Arbitrary<T>, keys: string[]) =>
      fc.tuple(a, fc.constantFrom(...keys), hostileNumbers).map(([o, k, v]) => ({ ...o, [k]: v }));
    fc.assert(
      fc.property(withHostile(validAlert as fc.Arbitrary<Record<string, unknown>>, ALERT_KEYS), (o) =>
        agree(fastAlertCheck, AlertSchema as never, o, true),
      ),
      { numRuns: 1500, seed: 11 },
    );
    fc.assert(
      fc.property(withHostile(validAction, ACTION_KEYS), (o) =>
        agree(fastActionCheck, AlertActionSchema as never, o, true),
      ),
      { numRuns: 1500, seed: 11 },
    );
  }, 180_000);

  it('on hostile objects it never accepts more than zod', () => {
    fc.assert(
      fc.property(validAlert, fc.constantFrom(...ALERT_KEYS), (o, k) => {
        agree(fastAlertCheck, AlertSchema as never, { ...o, [k]: undefined }, false);
        agree(fastAlertCheck, AlertSchema as never, Object.assign(Object.create({ inherited: 1 }), o), false);
      }),
      { numRuns: 500, seed: 12 },
    );
    fc.assert(
      fc.property(validAction, fc.constantFrom(...ACTION_KEYS), (o, k) => {
        agree(fastActionCheck, AlertActionSchema as never, { ...o, [k]: undefined }, false);
      }),
      { numRuns: 500, seed: 12 },
    );
  });

  it('accepts the records the console writes and the worker emits (sanity: the fast path is taken)', () => {
    const alert = {
      alertId: 'a-1',
      type: 'EXCLUSION_ENTERED',
      severity: 'P1',
      subjectId: 'S-1',
      tagId: 'T-1',
      zoneId: 'Z-1',
      zoneVersion: 3,
      breachId: 'b-1',
      ts: TS,
      emittedAt: TS + 300,
      lat: 51.5,
      lon: -0.12,
      accuracyM: 8,
      certainty: 'confirmed',
      evidence: [{ ts: TS, lat: 51.5, lon: -0.12, accuracyM: 8 }],
    };
    expect(fastAlertCheck(alert)).toEqual(alert);
    const close = {
      actionId: 'x',
      incidentId: 'b-1',
      kind: 'close',
      user: 'olga',
      role: 'operator',
      at: TS,
      outcome: 'test',
    };
    expect(fastActionCheck(close)).toEqual(close);
    expect(fastActionCheck({ ...close, outcome: undefined })).toBeUndefined();
  });
});
