/**
 * A hand-written check that accepts a ping exactly when PingSchema (zod) would, and builds the
 * same output object, at a fraction of the cost: zod's range, int and regex checks are what make
 * a decode slow (docs: /work/shared/notes/hot-path.md). decodePing runs it first; whatever it
 * does not accept goes through zod, so every reject reason still comes from the schema.
 *
 * It is deliberately conservative where zod's behaviour is subtle: an input whose prototype is
 * not Object.prototype (or null), or that carries a known key whose value is `undefined`, is
 * left to zod. It reads every known field exactly once (getters see what zod would see).
 * test/contract/fast-ping-check.property.test.ts proves the agreement with fast-check.
 *
 * Keep this in step with PingSchema (src/contract/ping.ts) and the primitives it uses: the
 * differential test fails if the two drift apart.
 */
import type { Ping } from './ping.js';

/** EpochMs's bounds (src/contract/primitives.ts). */
const EPOCH_MIN = -8.64e15;
const EPOCH_MAX = 8.64e15;
const TAG_ID_MAX = 64;
const ACCURACY_MAX_M = 1e7;

/** /^[A-Za-z0-9._:-]*$/ as a 128-entry lookup (1 = allowed). */
const TAG_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  TAG_CHAR[c] = /^[A-Za-z0-9._:-]$/.test(ch) ? 1 : 0;
}

function isTagId(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const n = v.length;
  if (n < 1 || n > TAG_ID_MAX) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c >= 128 || TAG_CHAR[c] === 0) return false;
  }
  return true;
}

/** A finite number in [min, max] (zod 4 numbers refuse NaN and ±Infinity). */
function inRange(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && v >= min && v <= max;
}

/**
 * The ping PingSchema.safeParse(input) would return, or undefined when this check does not
 * accept it (the input is then invalid, or unusual enough to leave to zod).
 */
export function fastPingCheck(input: unknown): Ping | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const proto = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return undefined;
  const o = input as Record<string, unknown>;

  const tagId = o.tagId;
  const ts = o.ts;
  const lat = o.lat;
  const lon = o.lon;
  const accuracyM = o.accuracyM;
  const battery = o.battery;
  const strap = o.strap;
  // A key present with the value undefined: zod's handling of it is left to zod.
  if (lat === undefined && lon === undefined && ('lat' in o || 'lon' in o)) return undefined;
  if (accuracyM === undefined && 'accuracyM' in o) return undefined;
  if (battery === undefined && 'battery' in o) return undefined;
  if (strap === undefined && 'strap' in o) return undefined;
  return checkedPing(tagId, ts, lat, lon, accuracyM, battery, strap);
}

/**
 * The ping these field values make, as PingSchema would output it, or undefined when one is
 * invalid. `undefined` means the field is absent. Shared by fastPingCheck (fields of a parsed
 * object) and scanPing (fields read from the bytes, src/contract/ping-scan.ts).
 */
export function checkedPing(
  tagId: unknown,
  ts: unknown,
  lat: unknown,
  lon: unknown,
  accuracyM: unknown,
  battery: unknown,
  strap: unknown,
): Ping | undefined {
  if (!isTagId(tagId)) return undefined;
  if (!inRange(ts, EPOCH_MIN, EPOCH_MAX) || !Number.isInteger(ts)) return undefined;
  const hasLat = lat !== undefined;
  if (hasLat !== (lon !== undefined)) return undefined;
  if (hasLat && (!inRange(lat, -90, 90) || !inRange(lon, -180, 180))) return undefined;
  if (
    accuracyM !== undefined &&
    !(typeof accuracyM === 'number' && accuracyM > 0 && accuracyM <= ACCURACY_MAX_M)
  )
    return undefined;
  if (battery !== undefined && !inRange(battery, 0, 1)) return undefined;
  if (strap !== undefined && strap !== 'ok' && strap !== 'tampered') return undefined;

  // Same keys, same order as zod's stripped output (the schema's shape order). A fix is made by
  // one literal, so its fields sit in the object itself: added one by one, they went through a
  // hidden class each and into a property array of their own, a second allocation per ping.
  let out: Ping;
  if (hasLat) {
    out =
      accuracyM === undefined
        ? { tagId, ts, lat: lat as number, lon: lon as number }
        : { tagId, ts, lat: lat as number, lon: lon as number, accuracyM: accuracyM as number };
  } else {
    out = accuracyM === undefined ? { tagId, ts } : { tagId, ts, accuracyM: accuracyM as number };
  }
  if (battery !== undefined) out.battery = battery as number;
  if (strap !== undefined) out.strap = strap as 'ok' | 'tampered';
  return out;
}
