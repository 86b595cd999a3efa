import type { z } from 'zod';
import { type Enrolment, EnrolmentSchema } from './enrolment.js';
import { fastPingCheck } from './fast-ping-check.js';
import { type Ping, PingSchema } from './ping.js';
import { scanPing } from './ping-scan.js';
import { type Zone, ZoneSchema } from './zone.js';

/** Decoding never throws: a bad message is a value with a reason, so the stream never stops. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** A ping is ~200 bytes; anything far larger is a producer bug, refused before JSON.parse. */
export const DEFAULT_MAX_PING_BYTES = 16 * 1024;

/** "lat: Too big: expected number to be <=90; lon: ..." — field path first, so the reason names the problem. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(value)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * V8's JSON.parse messages quote the input ("Unexpected token 'x', \"xyz...\" is not valid JSON"),
 * and a malformed zone's input is a victim's address. Keep only the position, never the text.
 */
function describeJsonError(err: Error): string {
  const position = /at position (\d+)/.exec(err.message);
  if (position) return `syntax error at position ${position[1]}`;
  if (/end of JSON input/.test(err.message)) return 'unexpected end of input';
  return 'syntax error';
}

function parseJson(bytes: Buffer | string): Decoded<unknown> {
  try {
    return { ok: true, value: JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8')) };
  } catch (err) {
    return { ok: false, error: `not JSON: ${describeJsonError(err as Error)}` };
  }
}

/**
 * `precheck`, when given, refuses a parsed value before zod (e.g. a zone's vertex count, checked
 * before the schema walks a million positions). `fast`, when given, is a check that accepts
 * exactly what `schema` accepts and returns the same output (src/contract/fast-ping-check.ts);
 * only what it does not accept goes through zod, which then names the reason.
 */
function decodeWith<T>(
  schema: z.ZodType<T>,
  bytes: Buffer | string,
  precheck?: (json: object) => string | undefined,
  fast?: (value: unknown) => T | undefined,
): Decoded<T> {
  const json = parseJson(bytes);
  if (!json.ok) return json;
  if (json.value === null || typeof json.value !== 'object' || Array.isArray(json.value)) {
    return { ok: false, error: 'not a JSON object' };
  }
  const refused = precheck?.(json.value);
  if (refused !== undefined) return { ok: false, error: refused };
  if (fast !== undefined) {
    const value = fast(json.value);
    if (value !== undefined) return { ok: true, value };
  }
  const parsed = schema.safeParse(json.value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: describeZodError(parsed.error) };
}

/**
 * Decode one record from the pings topic. The key must be the tagId: the contract partitions
 * by it, and a ping keyed otherwise would put one tag's state on two partitions.
 */
export function decodePing(
  key: Buffer | string | null | undefined,
  value: Buffer | string | null | undefined,
  maxBytes = DEFAULT_MAX_PING_BYTES,
): Decoded<Ping> {
  if (value === null || value === undefined || value.length === 0) return { ok: false, error: 'empty value' };
  if (value.length > maxBytes) {
    return { ok: false, error: `value too large: ${value.length} bytes, limit ${maxBytes}` };
  }
  // The bytes read directly when they are a plain, valid ping keyed by its tagId (the common
  // case); anything else takes the general path, which names the reason for a refusal.
  if (typeof value !== 'string') {
    const scanned = scanPing(value);
    if (scanned !== undefined && keyIs(key, scanned.tagId)) return { ok: true, value: scanned };
  }
  const decoded = decodeWith(PingSchema, value, undefined, fastPingCheck);
  if (!decoded.ok) return decoded;
  if (key === null || key === undefined) {
    // Unkeyed records are spread over partitions, so one tag's pings would be judged by two
    // workers, each with half of its history: a violation could go unconfirmed on both.
    return { ok: false, error: `key: missing (a ping must be keyed by its tagId "${decoded.value.tagId}")` };
  }
  const keyText = typeof key === 'string' ? key : key.toString('utf8');
  if (keyText !== decoded.value.tagId) {
    return { ok: false, error: `key: message key does not match tagId "${decoded.value.tagId}"` };
  }
  return decoded;
}

/** Is `key` the bytes of `tagId` (ASCII, as every valid tagId is)? Without decoding the key. */
function keyIs(key: Buffer | string | null | undefined, tagId: string): boolean {
  if (key === null || key === undefined) return false;
  if (typeof key === 'string') return key === tagId;
  if (key.length !== tagId.length) return false;
  for (let i = 0; i < key.length; i++) if (key[i] !== tagId.charCodeAt(i)) return false;
  return true;
}

/** A compacted-table record: a value, or a tombstone (null) that deletes the key. */
export type TableRecord<T> =
  | { ok: true; key: string; value: T | null }
  | { ok: false; key: string; error: string };

/** Cheap checks on a table record, run before the expensive ones. */
export interface TableDecodeOptions {
  /** Larger values are refused before JSON.parse. */
  readonly maxBytes?: number;
  /** Runs on the parsed JSON before zod (e.g. a vertex count); returns a reason to refuse it. */
  readonly precheck?: (json: object) => string | undefined;
}

function decodeTableRecord<T extends object>(
  schema: z.ZodType<T>,
  idField: keyof T,
  key: Buffer | string | null | undefined,
  value: Buffer | string | null | undefined,
  options: TableDecodeOptions = {},
): TableRecord<T> {
  const keyText =
    key === null || key === undefined ? '' : typeof key === 'string' ? key : key.toString('utf8');
  if (keyText === '') return { ok: false, key: keyText, error: 'key: missing' };
  if (value === null || value === undefined) return { ok: true, key: keyText, value: null };
  if (options.maxBytes !== undefined && value.length > options.maxBytes) {
    return {
      ok: false,
      key: keyText,
      error: `(value): too large: ${value.length} bytes, limit ${options.maxBytes}`,
    };
  }
  const decoded = decodeWith(schema, value, options.precheck);
  if (!decoded.ok) return { ok: false, key: keyText, error: decoded.error };
  if (String(decoded.value[idField]) !== keyText) {
    return { ok: false, key: keyText, error: `key: does not match ${String(idField)}` };
  }
  return { ok: true, key: keyText, value: decoded.value };
}

export function decodeZoneRecord(
  key: Buffer | string | null | undefined,
  value: Buffer | string | null | undefined,
  options?: TableDecodeOptions,
) {
  return decodeTableRecord<Zone>(ZoneSchema, 'zoneId', key, value, options);
}

export function decodeEnrolmentRecord(
  key: Buffer | string | null | undefined,
  value: Buffer | string | null | undefined,
  options?: TableDecodeOptions,
) {
  return decodeTableRecord<Enrolment>(EnrolmentSchema, 'tagId', key, value, options);
}
