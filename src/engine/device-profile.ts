/**
 * Device profiles: where a tag must report in real time, derived as a pure function of its
 * enrolment, its subject's zones and the time (no I/O, no clock, no node:*; the keyed hash is
 * passed in by the shell, which holds the secret).
 *
 * - Each exclusion zone (with its warning ring) becomes a `near-exclusion` trigger circle that
 *   covers the zone, the ring, a speed margin (how far a tag can travel between two fixes on its
 *   default schedule, so its last default fix before the ring already falls in the circle) and
 *   the privacy offset: the circle's centre is the zone's anchor (circle centre, or polygon bbox
 *   centre) moved by a keyed-hash-derived vector uniform over a disc of `offsetRadiusM`, and the
 *   radius is grown by the full `offsetRadiusM` (never by the drawn distance, which would leak
 *   it) and rounded up to 100 m. So the circle places the zone no more precisely than
 *   `offsetRadiusM`, yet still covers every point of zone and ring.
 * - Each inclusion zone becomes a `curfew` trigger: its schedule, and a quiet circle strictly
 *   inside the zone (inscribed circle at the anchor less `curfewInsetM`); the tag reports in
 *   real time during the window while outside it. Inclusion zones describe where the wearer must
 *   be, so they are not coarsened.
 * - Zones whose validity ended are dropped; zones starting beyond `horizonMs` are left out until
 *   they come within it; `refreshBy` tells the publisher when time alone changes the profile.
 */
import type { DeviceProfile, Enrolment, RealTimePolicy, Trigger } from '../contract/index.js';
import { type CompiledZone, haversineM, METRES_PER_DEGREE, signedDistanceM } from '../geo/index.js';
import { subjectAt } from './enrolment-table.js';
import { fnv64Hex } from './fnv-hash.js';

/** HMAC (or any PRF) under a server-side secret: message -> at least 16 pseudo-random bytes. */
export type KeyedHash = (message: string) => Uint8Array;

export interface ProfileConfig {
  /** Documented privacy radius: a trigger centre lies within this of its zone's anchor. */
  offsetRadiusM: number;
  /** Travel between two default-schedule fixes (speed x default fix interval), metres. */
  speedMarginM: number;
  /** Zones starting later than now + horizon are not in the profile yet. */
  horizonMs: number;
  /** The curfew quiet circle stays this far inside the inclusion zone. */
  curfewInsetM: number;
  realTime: RealTimePolicy;
}

export const DEFAULT_PROFILE_CONFIG: Readonly<ProfileConfig> = Object.freeze({
  offsetRadiusM: 500,
  // 15 m/s (54 km/h, urban driving) x 60 s default fix interval.
  speedMarginM: 900,
  horizonMs: 7 * 24 * 3_600_000,
  curfewInsetM: 50,
  // SCRAM's "Pursuit Mode" reports every 15 s; upload each fix at once.
  realTime: Object.freeze({ fixIntervalS: 15, uploadWithinS: 0 }),
});

export interface ProfileInput {
  readonly tagId: string;
  readonly enrolment: Enrolment | undefined;
  /** The zones of the enrolment's subject (others are ignored). */
  readonly zones: readonly CompiledZone[];
  readonly now: number;
}

export interface DerivedProfile {
  /** null: the tag has no profile (not enrolled now, or no zone in force or upcoming). */
  readonly profile: DeviceProfile | null;
  /** The next instant at which time alone changes the result; undefined: never. */
  readonly refreshBy: number | undefined;
}

const ROUND_M = 100;
/** Absorbs flat-vs-great-circle differences of the offset (< 1e-4 relative at 500 m). */
const SLACK_REL = 1e-3;
const SLACK_M = 1;

export function deriveDeviceProfile(
  input: ProfileInput,
  cfg: ProfileConfig,
  hash: KeyedHash,
): DerivedProfile {
  const { tagId, enrolment, now } = input;
  let refreshBy: number | undefined;
  const later = (t: number) => {
    if (Number.isFinite(t) && t > now && (refreshBy === undefined || t < refreshBy)) refreshBy = t;
  };
  if (enrolment !== undefined) {
    if (enrolment.validFrom !== undefined) later(enrolment.validFrom);
    if (enrolment.validTo !== undefined) later(enrolment.validTo);
  }
  const subjectId = subjectAt(enrolment, now);
  if (subjectId === undefined) return { profile: null, refreshBy };
  const triggers: Trigger[] = [];
  for (const z of input.zones) {
    if (z.subjectId !== subjectId || z.validTo <= now) continue;
    if (z.validFrom > now + cfg.horizonMs) {
      later(z.validFrom - cfg.horizonMs);
      continue;
    }
    later(z.validTo);
    triggers.push(z.kind === 'exclusion' ? nearExclusion(z, cfg, hash) : curfew(z, cfg, hash));
  }
  if (triggers.length === 0) return { profile: null, refreshBy };
  triggers.sort((a, b) => (a.triggerId < b.triggerId ? -1 : a.triggerId > b.triggerId ? 1 : 0));
  const body = { tagId, offsetRadiusM: cfg.offsetRadiusM, realTime: { ...cfg.realTime }, triggers };
  const profile: DeviceProfile = {
    profileId: `p-${fnv64Hex(JSON.stringify(body))}`,
    tagId,
    asOf: now,
    ...(refreshBy === undefined ? {} : { refreshBy }),
    offsetRadiusM: cfg.offsetRadiusM,
    realTime: body.realTime,
    triggers,
  };
  return { profile, refreshBy };
}

function nearExclusion(z: CompiledZone, cfg: ProfileConfig, hash: KeyedHash): Trigger {
  const reach = zoneReachM(z) + z.warningM;
  const { east, north } = offsetVector(hash(`trigger-offset|${z.zoneId}`), cfg.offsetRadiusM);
  const lat = clamp(z.lat0 + north / METRES_PER_DEGREE, -90, 90);
  const lon = clamp(z.lon0 + east / (METRES_PER_DEGREE * Math.cos((z.lat0 * Math.PI) / 180)), -180, 180);
  const grown = (reach + cfg.speedMarginM + cfg.offsetRadiusM) * (1 + SLACK_REL) + SLACK_M;
  return withValidity(z, {
    triggerId: triggerId(z, hash),
    kind: 'near-exclusion',
    circle: { lat: round7(lat), lon: round7(lon), radiusM: Math.ceil(grown / ROUND_M) * ROUND_M },
  });
}

function curfew(z: CompiledZone, cfg: ProfileConfig, hash: KeyedHash): Trigger {
  // The anchor's distance to the boundary (negative inside) is the inscribed radius there.
  const inside = -signedDistanceM(z, z.lat0, z.lon0);
  const quiet = Math.max(0, Math.floor((inside - cfg.curfewInsetM) / 10) * 10);
  return withValidity(z, {
    triggerId: triggerId(z, hash),
    kind: 'curfew',
    circle: { lat: round7(z.lat0), lon: round7(z.lon0), radiusM: quiet },
  });
}

function withValidity(z: CompiledZone, t: Omit<Trigger, 'schedule' | 'validFrom' | 'validTo'>): Trigger {
  const out: Trigger = { ...t };
  if (z.schedule !== undefined) out.schedule = z.schedule;
  if (Number.isFinite(z.validFrom)) out.validFrom = z.validFrom;
  if (Number.isFinite(z.validTo)) out.validTo = z.validTo;
  return out;
}

/** Opaque and stable per zone: the zone id itself never reaches the device. */
function triggerId(z: CompiledZone, hash: KeyedHash): string {
  return `t-${toHex(hash(`trigger-id|${z.zoneId}`), 8)}`;
}

/**
 * Farthest distance from the anchor (lat0, lon0) to any point of the zone. A polygon's farthest
 * point is a vertex (distance along a straight edge has no interior maximum).
 */
export function zoneReachM(z: CompiledZone): number {
  if (z.shape === 'circle') return z.radiusM;
  let max = 0;
  const c = z.coords;
  for (let i = 0; i < c.length; i += 2) {
    const lat = z.lat0 + c[i + 1]! / z.ky;
    const lon = z.lon0 + c[i]! / z.kx;
    const d = haversineM(z.lat0, z.lon0, lat, lon);
    if (d > max) max = d;
  }
  return max;
}

/**
 * Uniform over the disc of radius r: distance r·sqrt(u1), bearing 2π·u2, with u1, u2 from the
 * first 8 bytes of the keyed hash. Keyed on the zone id alone, so every version of a zone (and
 * every tag its subject wears) shows the same offset: no averaging over versions.
 */
export function offsetVector(bytes: Uint8Array, r: number): { east: number; north: number } {
  if (bytes.length < 16) throw new Error('keyed hash must return at least 16 bytes');
  const u1 = readU32(bytes, 0) / 2 ** 32;
  const u2 = readU32(bytes, 4) / 2 ** 32;
  const d = r * Math.sqrt(u1);
  const a = 2 * Math.PI * u2;
  return { east: d * Math.cos(a), north: d * Math.sin(a) };
}

function readU32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

function toHex(b: Uint8Array, bytes: number): string {
  let s = '';
  for (let i = 0; i < bytes; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
