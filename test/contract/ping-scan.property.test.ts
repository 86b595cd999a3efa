/**
 * Differential test: scanPing (a ping read from its bytes) against the reference, JSON.parse of
 * the text followed by PingSchema (zod).
 *
 * - Sound everywhere: whatever scanPing accepts, the reference accepts with the same output (same
 *   keys in the same order, each value Object.is-equal), on valid, invalid and mutated bytes.
 * - Complete on the plain shape producers send (flat object, ASCII, any key order, whitespace,
 *   unknown scalar fields): there it accepts every valid ping, or it would be no faster.
 * - Its numbers are JSON.parse's, bit for bit, for every spelling the JSON grammar allows, and
 *   it refuses every spelling the grammar does not.
 * - decodePing on bytes (scanPing first) returns exactly what the reference returns, reasons
 *   included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePing } from '../../src/contract/index.js';
import { scanJsonNumber, scanPing } from '../../src/contract/ping-scan.js';
import { referenceDecode } from './fixtures/reference-decode.js';

const TS = 1767261600000;

function sameOutput(got: object, want: Record<string, unknown>): void {
  const g = got as Record<string, unknown>;
  expect(Object.keys(g)).toEqual(Object.keys(want));
  for (const k of Object.keys(want)) {
    if (!Object.is(g[k], want[k]))
      expect.fail(`${k}: scanned ${String(g[k])} vs reference ${String(want[k])}`);
  }
  expect(Object.getPrototypeOf(g)).toBe(Object.prototype);
}

/** Sound: an accepted ping is the reference's ping. Returns whether it was accepted. */
function scanIsSound(text: string): boolean {
  const got = scanPing(Buffer.from(text, 'utf8'));
  if (got === undefined) return false;
  const want = referenceDecode(text);
  if (typeof want === 'string')
    expect.fail(`scanned ${JSON.stringify(got)} from ${text}, reference: ${want}`);
  sameOutput(got, want);
  return true;
}

/** decodePing on bytes is the reference, reasons included (keyed by its tagId when it has one). */
function decodeIsReference(text: string): void {
  let key = 'key';
  try {
    const v = JSON.parse(text) as { tagId?: unknown } | null;
    if (typeof v?.tagId === 'string') key = v.tagId;
  } catch {
    // not JSON: any key
  }
  const got = decodePing(Buffer.from(key), Buffer.from(text, 'utf8'));
  const want = referenceDecode(text);
  if (text === '') {
    expect(got).toEqual({ ok: false, error: 'empty value' }); // refused before parsing
  } else if (want === 'not JSON') {
    // decodePing adds where the syntax error is; the reference only knows that there is one.
    if (got.ok || !got.error.startsWith('not JSON')) expect.fail(`${JSON.stringify(got)}: ${text}`);
  } else if (typeof want === 'string') {
    expect(got).toEqual({ ok: false, error: want });
  } else {
    if (!got.ok) expect.fail(`${got.error}: ${text}`);
    sameOutput(got.value, want);
  }
}

// --- Numbers -----------------------------------------------------------------------------------

const digitString = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Every shape the JSON number grammar allows: -? int frac? exp?, each part of any length. */
const jsonNumberText = fc
  .tuple(
    fc.boolean(),
    fc.oneof(
      fc.constant('0'),
      fc.tuple(fc.constantFrom(...'123456789'), digitString(0, 24)).map(([a, b]) => a + b),
    ),
    fc.option(digitString(1, 30)),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digitString(1, 8))),
  )
  .map(
    ([neg, int, frac, exp]) =>
      `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : exp.join('')}`,
  );

/** Near misses: what Number() or a lax parser would take but JSON does not, and other junk. */
const notJsonNumberText = fc.oneof(
  fc.constantFrom(
    '',
    '-',
    '+1',
    '01',
    '-01',
    '00',
    '1.',
    '.5',
    '-.5',
    '1e',
    '1e+',
    '1E-',
    '1.e5',
    '0x10',
    'Infinity',
    '-Infinity',
    'NaN',
    '1_000',
    ' 1',
    '1 ',
    '1..2',
    '1e5.5',
    '--1',
    '١',
  ),
  fc.string({ unit: fc.constantFrom(...'0123456789.eE+- x'), maxLength: 12 }),
);

describe('scanJsonNumber reads numbers as JSON.parse does', () => {
  it('bit for bit on every spelling the grammar allows', () => {
    fc.assert(
      fc.property(jsonNumberText, (text) => {
        const got = scanJsonNumber(Buffer.from(text));
        const want = JSON.parse(text) as number;
        if (got === undefined || !Object.is(got, want))
          expect.fail(`${text}: scanned ${got}, JSON.parse ${want}`);
      }),
      { numRuns: 20_000, seed: 41 },
    );
  });

  it('on every double as JSON.stringify prints it (shortest round trip, 17 digits, exponents)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), (x) => {
        const text = JSON.stringify(x);
        expect(Object.is(scanJsonNumber(Buffer.from(text)), JSON.parse(text))).toBe(true);
      }),
      { numRuns: 20_000, seed: 42 },
    );
  });

  it('refuses exactly what JSON.parse refuses', () => {
    fc.assert(
      fc.property(fc.oneof(notJsonNumberText, jsonNumberText), (text) => {
        let want: number | undefined;
        // JSON.parse allows whitespace around a value; a number on its own has none.
        if (text.trim() !== text) want = undefined;
        else
          try {
            const v = JSON.parse(text) as unknown;
            want = typeof v === 'number' ? v : undefined;
          } catch {
            want = undefined;
          }
        const got = scanJsonNumber(Buffer.from(text));
        if (!Object.is(got, want)) expect.fail(`${JSON.stringify(text)}: scanned ${got}, JSON.parse ${want}`);
      }),
      { numRuns: 20_000, seed: 43 },
    );
  });
});

// --- Pings -------------------------------------------------------------------------------------

const tagChars = 'abcXYZ019._:-';
const validTagId = fc.string({ unit: fc.constantFrom(...tagChars), minLength: 1, maxLength: 64 });
/** Coordinates as devices print them (5-7 decimals) and as doubles print (up to 17 digits). */
const coordinate = (limit: number) =>
  fc.oneof(
    fc.integer({ min: -limit * 1e6, max: limit * 1e6 }).map((n) => n / 1e6),
    fc.integer({ min: -limit * 1e7, max: limit * 1e7 }).map((n) => n / 1e7),
    fc.double({ min: -limit, max: limit, noNaN: true }),
    fc.constantFrom(-limit, limit, 0, -0),
  );
const validPing = fc.record(
  {
    tagId: validTagId,
    ts: fc.oneof(
      fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
      fc.constantFrom(0, -0, 8.64e15),
    ),
    fix: fc.tuple(coordinate(90), coordinate(180)),
    accuracyM: fc.oneof(
      fc.integer({ min: 1, max: 500 }).map((n) => n / 10),
      fc.constantFrom(1e7, Number.MIN_VALUE),
    ),
    battery: fc.oneof(
      fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
    strap: fc.constantFrom('ok', 'tampered'),
  },
  { requiredKeys: ['tagId', 'ts'] },
);
/** Unknown fields of the kinds the scanner reads past: plain strings, numbers, true, false, null. */
const scalarExtra = fc.dictionary(
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzAZ_-0 '), minLength: 1, maxLength: 10 }),
  fc.oneof(
    fc.string({ unit: fc.constantFrom(...'abc XYZ/:{}[],0'), maxLength: 12 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constantFrom(true, false, null),
  ),
  { maxKeys: 3 },
);
const ws = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ');

/** A ping's fields and extra fields, shuffled, with whitespace around every token. */
const plainText = fc
  .tuple(validPing, scalarExtra, fc.array(ws, { minLength: 64, maxLength: 64 }), fc.integer())
  .map(([p, extra, spaces, shuffleSeed]) => {
    const fields: [string, unknown][] = [];
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined) continue;
      if (k === 'fix') {
        const [lat, lon] = v as [number, number];
        fields.push(['lat', lat], ['lon', lon]);
      } else fields.push([k, v]);
    }
    const known = new Set(fields.map(([k]) => k));
    for (const [k, v] of Object.entries(extra)) if (!known.has(k)) fields.push([k, v]);
    // A deterministic shuffle from the generated seed.
    let s = shuffleSeed >>> 0;
    for (let i = fields.length - 1; i > 0; i--) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const j = s % (i + 1);
      [fields[i], fields[j]] = [fields[j]!, fields[i]!];
    }
    let w = 0;
    const sp = () => spaces[w++ % spaces.length]!;
    const number = (v: unknown) => (Object.is(v, -0) ? '-0' : JSON.stringify(v));
    const body = fields
      .map(
        ([k, v]) =>
          `${sp()}${JSON.stringify(k)}${sp()}:${sp()}${typeof v === 'number' ? number(v) : JSON.stringify(v)}${sp()}`,
      )
      .join(',');
    return `${sp()}{${body}}${sp()}`;
  });

/** A byte-level edit of a text: insert, delete or replace one character, or cut the text short. */
const mutated = fc
  .tuple(
    plainText,
    fc.nat(),
    fc.constantFrom('insert', 'delete', 'replace', 'truncate'),
    fc.constantFrom(...'"\\{}[],:.-+eE0159 \n\u0000\u007f\u00e9\u20ac\u{1f600}\ufefftfnul'),
  )
  .map(([text, at, op, ch]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    switch (op) {
      case 'insert':
        return text.slice(0, i) + ch + text.slice(i);
      case 'delete':
        return text.slice(0, i) + text.slice(i + 1);
      case 'replace':
        return text.slice(0, i) + ch + text.slice(i + 1);
      default:
        return text.slice(0, i);
    }
  });

/** Ping-shaped text with a field out of range, of the wrong type, duplicated or escaped. */
const hostile = fc
  .tuple(
    validPing,
    fc.constantFrom('tagId', 'ts', 'lat', 'lon', 'accuracyM', 'battery', 'strap'),
    fc.constantFrom(
      '91',
      '-180.0000000000001',
      '1e400',
      '-1e-400',
      '0',
      '-0.0',
      '1.5',
      '"ok"',
      '"tampered"',
      '"OK"',
      '"t\\u0031"',
      '"a\\"b"',
      'null',
      'true',
      '[]',
      '{}',
      '{"lat":1}',
      '1767261600000.5',
      '8640000000000001',
      '17672616000000000000e-7',
      '""',
    ),
    fc.constantFrom('replace', 'duplicate-before', 'duplicate-after', 'escaped-key'),
  )
  .map(([p, key, value, how]) => {
    const o: Record<string, unknown> = { tagId: p.tagId, ts: p.ts, lat: 51.5, lon: -0.12 };
    const parts = Object.entries(o).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    const entry = `${JSON.stringify(key)}:${value}`;
    switch (how) {
      case 'replace': {
        const i = Object.keys(o).indexOf(key);
        if (i >= 0) parts[i] = entry;
        else parts.push(entry);
        break;
      }
      case 'duplicate-before':
        parts.unshift(entry);
        break;
      case 'duplicate-after':
        parts.push(entry);
        break;
      default:
        parts.push(`"${key.slice(0, 1)}\\u00${key.charCodeAt(1).toString(16)}${key.slice(2)}":${value}`);
    }
    return `{${parts.join(',')}}`;
  });

describe('scanPing agrees with JSON.parse + PingSchema', () => {
  it('accepts every valid ping in the plain shape, with the reference output', () => {
    fc.assert(
      fc.property(plainText, (text) => {
        if (!scanIsSound(text)) expect.fail(`refused a plain valid ping: ${text}`);
        decodeIsReference(text);
      }),
      { numRuns: 5_000, seed: 44 },
    );
  }, 120_000);

  it('is sound on every byte-level edit of a ping, and decodePing returns the reference result', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutated, (text) => {
        if (scanIsSound(text)) accepted++;
        decodeIsReference(text);
      }),
      { numRuns: 10_000, seed: 45 },
    );
    // Many edits (inside a string, in whitespace, a digit) leave a valid ping: the run saw both.
    expect(accepted).toBeGreaterThan(500);
    expect(accepted).toBeLessThan(10_000);
  }, 120_000);

  it('is sound on out-of-range, wrong-typed, duplicated and escaped fields', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        scanIsSound(text);
        decodeIsReference(text);
      }),
      { numRuns: 5_000, seed: 46 },
    );
  }, 120_000);

  it('leaves to the general path what it does not read, which then decides', () => {
    const cases = [
      // JSON.parse keeps the last of duplicated keys: the scanner does not guess.
      `{"tagId":"t1","ts":${TS},"ts":${TS + 1}}`,
      // Escapes, non-ASCII, a byte-order mark, nested unknown fields.
      `{"tagId":"t\\u0031","ts":${TS}}`,
      `{"tagId":"t1","ts":${TS},"note":"caf\u00e9"}`,
      `\ufeff{"tagId":"t1","ts":${TS}}`,
      `{"tagId":"t1","ts":${TS},"meta":{"fw":"1.2"}}`,
      `{"tagId":"t1","ts":${TS},"sats":[1,2]}`,
    ];
    const results = cases.map((text) => {
      expect(scanPing(Buffer.from(text, 'utf8'))).toBeUndefined();
      decodeIsReference(text);
      return decodePing('t1', Buffer.from(text, 'utf8')).ok;
    });
    // The duplicate, the escape, the non-ASCII unknown field and the nested ones are valid pings.
    expect(results).toEqual([true, true, true, false, true, true]);
  });

  it('reads the ordinary shapes, whatever the spelling of their numbers', () => {
    const cases: [string, Record<string, unknown>][] = [
      [`{"tagId":"t1","ts":${TS}}`, { tagId: 't1', ts: TS }],
      [
        `{"strap":"tampered","battery":0.5,"accuracyM":8.5,"lon":-0.123456,"lat":51.501234,"ts":${TS},"tagId":"TAG-1"}`,
        {
          tagId: 'TAG-1',
          ts: TS,
          lat: 51.501234,
          lon: -0.123456,
          accuracyM: 8.5,
          battery: 0.5,
          strap: 'tampered',
        },
      ],
      [
        '{"tagId":"t1","ts":1.7672616E12,"lat":5.15e1,"lon":-1.2e-1,"battery":-0}',
        { tagId: 't1', ts: TS, lat: 51.5, lon: -0.12, battery: -0 },
      ],
      [
        '{"tagId":"t1","ts":0,"lat":51.50123456789012345,"lon":-0.12345678901234567}',
        { tagId: 't1', ts: 0, lat: Number('51.50123456789012345'), lon: Number('-0.12345678901234567') },
      ],
      [
        `{"tagId":"${'a'.repeat(64)}","ts":${TS},"x":null,"y":true,"z":"","w":-1e-9}`,
        { tagId: 'a'.repeat(64), ts: TS },
      ],
    ];
    for (const [text, want] of cases) {
      const got = scanPing(Buffer.from(text));
      if (got === undefined) expect.fail(`refused ${text}`);
      sameOutput(got, want);
      scanIsSound(text);
    }
  });
});
