/**
 * kafkajs' record decoder without 64-bit arithmetic on objects, for every kafkajs client.
 *
 * kafkajs 2.2.4 (no further releases) decodes each fetched record's offset and timestamp with
 * its Long class: the batch's first offset and first timestamp (decimal strings) are parsed into
 * a Long for every record, the record's varlong delta is built with a Long per byte, added and
 * printed back to a string. Measured on this machine: 1.1-1.3 µs per record with CreateTime
 * stamps, 0.56 µs with LogAppendTime, against ~6 µs for all of a worker's work on a ping; and a
 * good part of the garbage collector's work.
 *
 * The replacement computes the same strings with doubles whenever every value involved is a safe
 * integer (|x| < 2^53; offsets and millisecond timestamps always are), and hands anything else
 * (a delta wider than 48 bits, a first offset near 2^63, a truncated record) to kafkajs' own
 * decoder, so the result is identical in every case. test/kafka/record-decoder.test.ts checks
 * that against the original on random records and batches.
 *
 * kafkajs loads its record decoder on the first fetch, when the batch decoder requires it; this
 * module puts the replacement into the require cache before that (read-committed.ts, which loads
 * the fetch response modules, imports it first). `recordDecoderInstalled()` says whether it took.
 */
import { createRequire } from 'node:module';

/** kafkajs' protocol Decoder: the fields and methods the record decoder uses. */
interface KafkaDecoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarLong(): unknown;
  readVarIntBytes(): Buffer | null;
  readVarIntArray<T>(reader: (d: KafkaDecoder) => T): T[];
}

/** The batch fields a record decoder reads (kafkajs passes the whole record context). */
export interface RecordContext {
  firstOffset?: string;
  firstTimestamp?: string;
  magicByte?: number;
  isControlBatch?: boolean;
  timestampType?: number;
  maxTimestamp?: string;
}

export type RecordDecoderFn = (decoder: KafkaDecoder, batchContext?: RecordContext) => unknown;

const require = createRequire(import.meta.url);
const RECORD_DECODER = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');
const BATCH_DECODER = require.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');
/** kafkajs' TimestampTypes.LOG_APPEND_TIME. */
const LOG_APPEND_TIME = (require('kafkajs/src/protocol/timestampTypes.js') as { LOG_APPEND_TIME: number })
  .LOG_APPEND_TIME;
const HeaderDecoder = require('kafkajs/src/protocol/recordBatch/header/v0/decoder.js') as (
  d: KafkaDecoder,
) => { key: string; value: Buffer | null };

type Headers = Record<string, Buffer | null | Array<Buffer | null>>;

/** kafkajs' fold of a record's headers into an object (a repeated key becomes an array). */
function foldHeaders(list: Array<{ key: string; value: Buffer | null }>): Headers {
  const obj: Headers = {};
  for (const { key, value } of list) {
    const had = obj[key];
    obj[key] = had === undefined ? value : Array.isArray(had) ? had.concat([value]) : [had, value];
  }
  return obj;
}

/** A decimal string's value when it is a safe integer written canonically, else NaN. */
function safeInteger(s: string | undefined): number {
  if (s === undefined) return Number.NaN;
  const n = Number(s);
  return Number.isSafeInteger(n) && String(n) === s ? n : Number.NaN;
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000'];

/**
 * String(n) for a safe integer, faster: V8 prints an integer beyond 31 bits (every millisecond
 * timestamp) with its general double printer, ~300 ns; two halves below 10^8 print as small
 * integers, ~60 ns together.
 */
export function integerString(n: number): string {
  if (n < 1e7 || n >= 1e15) return String(n);
  const hi = Math.floor(n / 1e7);
  const lo = String(n - hi * 1e7);
  return String(hi) + ZEROS[7 - lo.length] + lo;
}

// The batch context last seen and its parsed fields: every record of a batch shares the object.
let lastContext: RecordContext | undefined;
let baseOffset = Number.NaN;
let baseTimestamp = Number.NaN;

/**
 * The zigzag varlong at the decoder's position as a double, when it is at most 7 bytes (|value|
 * < 2^48) and complete; else NaN with the position unchanged.
 */
function readShortVarLong(d: KafkaDecoder): number {
  const b = d.buffer;
  let i = d.offset;
  let n = 0;
  let scale = 1;
  for (let k = 0; k < 7 && i < b.length; k++) {
    const byte = b[i++]!;
    n += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      d.offset = i;
      return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    }
    scale *= 128;
  }
  return Number.NaN;
}

let original: RecordDecoderFn | undefined;

/** The replacement: kafkajs' record decoder, same fields in the same order. */
export function decodeRecord(decoder: KafkaDecoder, batchContext: RecordContext = {}): unknown {
  if (batchContext !== lastContext) {
    lastContext = batchContext;
    baseOffset = safeInteger(batchContext.firstOffset);
    baseTimestamp = safeInteger(batchContext.firstTimestamp);
  }
  const from = decoder.offset;
  const { magicByte, isControlBatch = false, timestampType, maxTimestamp } = batchContext;
  // LogAppendTime batches stamp every record with the batch's max timestamp (as kafkajs does).
  const appendTime = timestampType === LOG_APPEND_TIME && maxTimestamp ? maxTimestamp : undefined;
  const attributes = decoder.readInt8();
  const timestampDelta = readShortVarLong(decoder);
  if (Number.isNaN(timestampDelta)) return fallBack(decoder, from, batchContext);
  const timestampSum = baseTimestamp + timestampDelta;
  const offsetSum = baseOffset + decoder.readVarInt();
  if (!Number.isSafeInteger(offsetSum) || (appendTime === undefined && !Number.isSafeInteger(timestampSum))) {
    return fallBack(decoder, from, batchContext);
  }
  const timestamp = appendTime ?? integerString(timestampSum);
  const offset = integerString(offsetSum);
  const key = decoder.readVarIntBytes();
  const value = decoder.readVarIntBytes();
  const list = decoder.readVarIntArray(HeaderDecoder);
  const headers = list.length === 0 ? {} : foldHeaders(list);
  return {
    magicByte,
    attributes, // Record level attributes are presently unused
    timestamp,
    offset,
    key,
    value,
    headers,
    isControlRecord: isControlBatch,
    batchContext,
  };
}

/** The record at `from` by kafkajs' own decoder. */
function fallBack(decoder: KafkaDecoder, from: number, batchContext: RecordContext): unknown {
  decoder.offset = from;
  return originalRecordDecoder()(decoder, batchContext);
}

/** kafkajs' own record decoder (the fallback, and the reference in tests). */
export function originalRecordDecoder(): RecordDecoderFn {
  original ??= require(RECORD_DECODER) as RecordDecoderFn;
  return original;
}

let installed = false;

/** Has kafkajs taken the replacement (it had not loaded its batch decoder yet)? */
export function recordDecoderInstalled(): boolean {
  return installed;
}

function install(): void {
  if (require.cache[BATCH_DECODER] !== undefined) return; // too late: it holds the original
  originalRecordDecoder(); // loads it (and what it requires) into the cache
  const entry = require.cache[RECORD_DECODER];
  if (entry === undefined) return;
  entry.exports = decodeRecord;
  installed = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') === decodeRecord;
}

install();
