/**
 * A ping read straight from its bytes: the common case of decodePing without building a string
 * of the whole value, without JSON.parse's intermediate object, and without a second pass.
 *
 * It understands a deliberately small part of JSON: one flat object whose keys and string values
 * are printable ASCII without escapes, whose unknown fields hold a string, number, true, false or
 * null, with no key of the ping given twice. Anything else (escapes, non-ASCII, nested values,
 * a duplicated field, a syntax error, a number it cannot convert exactly) makes it answer
 * undefined, and decodePing then takes the general path (JSON.parse, fastPingCheck, zod), which
 * also names the reason for a refusal. So it never decides that a ping is bad; it only accepts.
 *
 * What it accepts it returns exactly as JSON.parse followed by PingSchema would: the same fields
 * in the same order with bit-identical numbers (test/contract/ping-scan.property.test.ts checks
 * this differentially with fast-check, on valid, invalid and adversarial input).
 *
 * Numbers: a JSON number with at most 15 significant digits and a decimal exponent within ±22 is
 * m × 10^e or m ÷ 10^-e with both operands exact doubles, which IEEE division and multiplication
 * round correctly (Clinger's fast path), so the result is the one JSON.parse gives. Others (GPS
 * coordinates printed with all 17 digits of a double, say) are converted by Number() of their
 * text, which rounds the same way JSON.parse does.
 */
import { checkedPing } from './fast-ping-check.js';
import type { Ping } from './ping.js';
import { TagIdInterner } from './tag-id-interner.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;

/** Exact powers of ten, 10^0 ... 10^22 (every one is a double exactly). */
const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < POW10.length; i++, p *= 10) POW10[i] = p;

// Each reader takes the position to read at and returns the position after what it read, or -1
// when the bytes there are not what it reads. What a reader found is left in these (the scanner
// is synchronous, so module state is safe, and nothing is allocated per value).
/** Start and end of the last string read (its contents, without the quotes). */
let strFrom = 0;
let strTo = 0;
/**
 * The last number read, in a typed array: a double stored in a module variable is boxed, a new
 * heap number per store.
 */
const NUM = new Float64Array(1);

function skipWs(b: Buffer, i: number): number {
  for (; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
  }
  return i;
}

/** A string of printable ASCII without escapes. */
function readString(b: Buffer, i: number): number {
  if (b[i] !== QUOTE) return -1;
  const from = i + 1;
  for (i = from; i < b.length; i++) {
    const c = b[i]!;
    if (c === QUOTE) {
      strFrom = from;
      strTo = i;
      return i + 1;
    }
    if (c === BACKSLASH || c < 0x20 || c >= 0x7f) return -1;
  }
  return -1;
}

/** Is the last string read exactly `text` (ASCII)? */
function stringIs(b: Buffer, text: string): boolean {
  if (strTo - strFrom !== text.length) return false;
  for (let k = 0; k < text.length; k++) if (b[strFrom + k] !== text.charCodeAt(k)) return false;
  return true;
}

/**
 * Tag ids as strings, one per id (tag-id-interner.ts): the worker's lookups by tag id then hash
 * nothing and compare by identity.
 */
const TAG_IDS = new TagIdInterner();

/** The digit at `i` (0-9), or -1 past the end or for any other byte. */
function digitAt(b: Buffer, i: number): number {
  if (i >= b.length) return -1;
  const d = b[i]! - ZERO;
  return d >= 0 && d <= 9 ? d : -1;
}

/** A JSON number (RFC 8259 grammar, exactly). */
function readNumber(b: Buffer, i: number): number {
  const from = i;
  let neg = false;
  if (b[i] === MINUS) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let d = digitAt(b, i);
  if (d === 0) {
    i++;
  } else if (d > 0) {
    for (; d >= 0; d = digitAt(b, ++i)) {
      m = m * 10 + d;
      digits++;
    }
  } else {
    return -1;
  }
  let scale = 0;
  if (b[i] === DOT) {
    const fracFrom = ++i;
    for (d = digitAt(b, i); d >= 0; d = digitAt(b, ++i)) {
      if (m !== 0 || d !== 0) digits++; // leading zeros of a fraction are not significant
      m = m * 10 + d;
    }
    if (i === fracFrom) return -1;
    scale = i - fracFrom;
  }
  let exp = 0;
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    let expNeg = false;
    if (b[i] === MINUS || b[i] === PLUS) {
      expNeg = b[i] === MINUS;
      i++;
    }
    const expFrom = i;
    for (d = digitAt(b, i); d >= 0 && i - expFrom < 6; d = digitAt(b, ++i)) exp = exp * 10 + d;
    if (i === expFrom || d >= 0) return slowNumber(b, from); // no digits, or more than 6
    if (expNeg) exp = -exp;
  }
  if (digits > 15) return slowNumber(b, from);
  const e = exp - scale;
  let v: number;
  if (e === 0) v = m;
  else if (e > 0 && e <= 22) v = m * POW10[e]!;
  else if (e < 0 && e >= -22) v = m / POW10[-e]!;
  else if (m === 0) v = 0;
  else return slowNumber(b, from);
  NUM[0] = neg ? -v : v;
  return i;
}

/**
 * The number at `from` by Number() of its text, after checking the grammar to its end (Number()
 * itself accepts more than JSON does).
 */
function slowNumber(b: Buffer, from: number): number {
  let i = from;
  if (b[i] === MINUS) i++;
  i = b[i] === ZERO ? i + 1 : digits(b, i);
  if (i >= 0 && b[i] === DOT) i = digits(b, i + 1);
  if (i >= 0 && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (b[i] === MINUS || b[i] === PLUS) i++;
    i = digits(b, i);
  }
  if (i < 0) return -1;
  NUM[0] = Number(b.toString('latin1', from, i));
  return i;
}

/** One or more digits. */
function digits(b: Buffer, i: number): number {
  const from = i;
  while (digitAt(b, i) >= 0) i++;
  return i > from ? i : -1;
}

/** `word` (true, false, null). */
function readWord(b: Buffer, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

/** Skip the value of an unknown field: a plain string, a number, true, false or null. */
function skipValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return readString(b, i);
  if (c === MINUS || digitAt(b, i) >= 0) return readNumber(b, i);
  if (c === 0x74) return readWord(b, i, 'true');
  if (c === 0x66) return readWord(b, i, 'false');
  if (c === 0x6e) return readWord(b, i, 'null');
  return -1;
}

// Field numbers, and a bit per field to refuse duplicates.
const TAG_ID = 1;
const TS = 2;
const LAT = 4;
const LON = 8;
const ACCURACY = 16;
const BATTERY = 32;
const STRAP = 64;

/** Which field of a ping the last string read names, or 0 for an unknown one. */
function fieldOf(b: Buffer): number {
  switch (strTo - strFrom) {
    case 2:
      return stringIs(b, 'ts') ? TS : 0;
    case 3:
      return stringIs(b, 'lat') ? LAT : stringIs(b, 'lon') ? LON : 0;
    case 5:
      return stringIs(b, 'tagId') ? TAG_ID : stringIs(b, 'strap') ? STRAP : 0;
    case 7:
      return stringIs(b, 'battery') ? BATTERY : 0;
    case 9:
      return stringIs(b, 'accuracyM') ? ACCURACY : 0;
    default:
      return 0;
  }
}

/**
 * The ping `b` holds, exactly as JSON.parse + PingSchema would give it, or undefined when the
 * bytes are outside what this scanner reads or the ping is invalid (decodePing then decides).
 */
export function scanPing(b: Buffer): Ping | undefined {
  let i = skipWs(b, 0);
  if (b[i] !== OPEN) return undefined;
  i = skipWs(b, i + 1);
  if (b[i] === CLOSE) return undefined; // {}: no tagId
  let seen = 0;
  let tagId: string | undefined;
  let ts: number | undefined;
  let lat: number | undefined;
  let lon: number | undefined;
  let accuracyM: number | undefined;
  let battery: number | undefined;
  let strap: 'ok' | 'tampered' | undefined;
  for (;;) {
    i = readString(b, i);
    if (i < 0) return undefined;
    const field = fieldOf(b);
    if ((seen & field) !== 0) return undefined; // given twice: JSON.parse keeps the last; leave it
    seen |= field;
    i = skipWs(b, i);
    if (b[i] !== COLON) return undefined;
    i = skipWs(b, i + 1);
    if (field === 0) {
      i = skipValue(b, i);
    } else if (field === TAG_ID) {
      i = readString(b, i);
      if (i >= 0) tagId = TAG_IDS.intern(b, strFrom, strTo);
    } else if (field === STRAP) {
      i = readString(b, i);
      if (i >= 0) {
        if (stringIs(b, 'ok')) strap = 'ok';
        else if (stringIs(b, 'tampered')) strap = 'tampered';
        else return undefined;
      }
    } else {
      i = readNumber(b, i);
      if (field === TS) ts = NUM[0]!;
      else if (field === LAT) lat = NUM[0]!;
      else if (field === LON) lon = NUM[0]!;
      else if (field === ACCURACY) accuracyM = NUM[0]!;
      else battery = NUM[0]!;
    }
    if (i < 0) return undefined;
    i = skipWs(b, i);
    const c = b[i];
    i = skipWs(b, i + 1);
    if (c === CLOSE) break;
    if (c !== COMMA) return undefined;
  }
  if (i !== b.length) return undefined; // trailing bytes: not JSON
  if (tagId === undefined) return undefined;
  return checkedPing(tagId, ts, lat, lon, accuracyM, battery, strap);
}

/** `b` read as one JSON number, exactly as JSON.parse would, or undefined if it is not one. */
export function scanJsonNumber(b: Buffer): number | undefined {
  const end = readNumber(b, 0);
  return end === b.length ? NUM[0]! : undefined;
}
