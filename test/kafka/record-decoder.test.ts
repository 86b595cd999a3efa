/**
 * Differential test: Fenceline's record decoder against kafkajs' own, on records encoded by
 * kafkajs' own encoder. Same result (every field, Buffers by content, the batch context by
 * identity), same position afterwards, same error when one throws, for random records and batch
 * contexts: offsets and timestamps near 2^53 and 2^63, negative and huge timestamp deltas,
 * LogAppendTime, null keys and values, repeated headers, truncated input.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../../src/kafka/connection.js';
import {
  decodeRecord,
  integerString,
  originalRecordDecoder,
  type RecordContext,
  recordDecoderInstalled,
} from '../../src/kafka/record-decoder.js';

const require = createRequire(import.meta.url);
type Encoder = { buffer: Buffer };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: {
  offsetDelta: number;
  timestampDelta: unknown;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | Array<Buffer | string>>;
}) => Encoder;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (
  b: Buffer,
) => {
  offset: number;
  readVarIntBytes(): Buffer;
};
const Long = require('kafkajs/src/utils/long.js') as { fromString(s: string): unknown };

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const SAFE = 2n ** 53n;

/** int64 values where doubles stop being exact, and ordinary ones. */
const int64 = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 13n }),
  fc.bigInt({ min: SAFE - 5000n, max: SAFE + 5000n }),
  fc.bigInt({ min: -SAFE - 5000n, max: -SAFE + 5000n }),
  fc.bigInt({ min: INT64_MAX - 5000n, max: INT64_MAX }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MIN + 5000n }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(-1n, 0n, 1n),
);
const delta = fc.oneof(
  fc.bigInt({ min: -100_000n, max: 100_000n }),
  fc.bigInt({ min: -(2n ** 48n) - 10n, max: -(2n ** 48n) + 10n }),
  fc.bigInt({ min: 2n ** 48n - 10n, max: 2n ** 48n + 10n }),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
);
const bytes = fc.option(
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
  { freq: 5 },
);
const headers = fc.dictionary(
  fc.constantFrom('a', 'b', 'traceparent', 'é'),
  fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 3 }),
  ),
  { maxKeys: 3 },
);
const context = fc.record({
  firstOffset: int64.map(String),
  firstTimestamp: int64.map(String),
  magicByte: fc.constant(2),
  isControlBatch: fc.boolean(),
  timestampType: fc.constantFrom(0, 1),
  maxTimestamp: fc.oneof(int64.map(String), fc.constant('')),
});
const record = fc.record({
  offsetDelta: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  timestampDelta: delta,
  key: bytes,
  value: bytes,
  headers,
});

type RecordInput = typeof record extends fc.Arbitrary<infer T> ? T : never;

function encode(r: RecordInput): Buffer {
  const encoded = Record({ ...r, timestampDelta: Long.fromString(r.timestampDelta.toString()) }).buffer;
  // The batch decoder hands the record decoder the record's bytes after its length prefix.
  return new Decoder(encoded).readVarIntBytes();
}

type Outcome = { value: unknown; offset: number } | { error: string };

function run(
  decode: (d: InstanceType<typeof Decoder>, c: RecordContext) => unknown,
  b: Buffer,
  c: RecordContext,
): Outcome {
  const d = new Decoder(b);
  try {
    return { value: decode(d, c), offset: d.offset };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

function agree(b: Buffer, c: RecordContext): Outcome {
  const original = originalRecordDecoder() as (d: unknown, c: RecordContext) => unknown;
  const want = run(original, b, c);
  const got = run(decodeRecord as (d: unknown, c: RecordContext) => unknown, b, c);
  expect(got).toEqual(want);
  if ('value' in got && 'value' in want) {
    expect((got.value as { batchContext: unknown }).batchContext).toBe(c);
    expect(Object.keys(got.value as object)).toEqual(Object.keys(want.value as object));
  }
  return want;
}

describe('record decoder', () => {
  it('is the one kafkajs uses', () => {
    expect(recordDecoderInstalled()).toBe(true);
    expect(require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js')).toBe(decodeRecord);
    expect(originalRecordDecoder()).not.toBe(decodeRecord);
  });

  it('decodes every record exactly as kafkajs does', () => {
    let fast = 0;
    fc.assert(
      fc.property(context, fc.array(record, { minLength: 1, maxLength: 8 }), (c, records) => {
        // Records of one batch share its context object, as in kafkajs.
        for (const r of records) {
          const out = agree(encode(r), c);
          if ('value' in out) fast++;
        }
      }),
      { numRuns: 3000, seed: 51 },
    );
    expect(fast).toBeGreaterThan(1000);
  });

  it('agrees on the shapes a worker reads: small deltas, safe offsets, both timestamp types', () => {
    const c: RecordContext = {
      firstOffset: '123456789',
      firstTimestamp: '1748818847662',
      magicByte: 2,
      isControlBatch: false,
      timestampType: 0,
      maxTimestamp: '1748818857662',
    };
    for (const timestampType of [0, 1]) {
      const ctx = { ...c, timestampType };
      for (let i = 0; i < 500; i++) {
        const b = encode({
          offsetDelta: i,
          timestampDelta: BigInt(i * 37 - 900),
          key: Buffer.from(`TAG-${i}`),
          value: Buffer.from(`{"tagId":"TAG-${i}"}`),
          headers: {},
        });
        const out = agree(b, ctx);
        expect('value' in out && (out.value as { offset: string }).offset).toBe(String(123456789 + i));
      }
    }
  });

  it('agrees where a wide delta meets a far base and their sum is small', () => {
    // Doubles cannot hold these deltas exactly, yet the sums are safe integers; with a safe base,
    // only a decoder that takes no delta of more than 48 bits gets the first ones right.
    for (const [base, d] of [
      [-(SAFE - 1n), SAFE + SAFE / 2n + 3n],
      [SAFE - 1n, -(SAFE + SAFE / 2n + 5n)],
      [-(2n ** 54n), 2n ** 54n + 3n],
      [2n ** 60n, -(2n ** 60n) + 7n],
      [-(2n ** 62n), 2n ** 62n - 1n],
    ] as const) {
      for (const timestampType of [0, 1]) {
        const c: RecordContext = {
          firstOffset: '0',
          firstTimestamp: String(base),
          magicByte: 2,
          isControlBatch: false,
          timestampType,
          maxTimestamp: '',
        };
        const out = agree(
          encode({ offsetDelta: 0, timestampDelta: d, key: null, value: null, headers: {} }),
          c,
        );
        expect('value' in out && (out.value as { timestamp: string }).timestamp).toBe(String(base + d));
      }
    }
  });

  it('prints integers as String() does', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.maxSafeInteger(),
          fc.integer({ min: 0, max: 2 ** 31 }),
          fc.integer({ min: 9_999_990, max: 10_000_010 }),
          fc.constantFrom(0, -0, 1e7, 1e7 - 1, 1e15 - 1, 1e15, Number.MAX_SAFE_INTEGER, -1),
          fc.nat().map((k) => 1e7 * k + (k % 10)),
        ),
        (n) => {
          expect(integerString(n)).toBe(String(n));
        },
      ),
      { numRuns: 20_000, seed: 53 },
    );
  });

  it('fails as kafkajs does on truncated records', () => {
    fc.assert(
      fc.property(context, record, fc.nat(), (c, r, cut) => {
        const b = encode(r);
        agree(b.subarray(0, cut % (b.length + 1)), c);
      }),
      { numRuns: 2000, seed: 52 },
    );
  });
});
