/**
 * Geometry problems zod cannot see (a ring that collapses to a line, a circle without a radius).
 * The message names the field path and the problem, never a coordinate or the zone's label:
 * zone coordinates can be a victim's address, and error messages end up in logs and DLQ headers.
 */

export const ZONE_COMPILE_ERROR_CODES = {
  /** A ring has fewer than 3 distinct positions once its closing position and repeats are dropped. */
  ringTooFewPositions: 'GEO_RING_TOO_FEW_POSITIONS',
  /** A ring's positions are collinear: it encloses no area. */
  ringZeroArea: 'GEO_RING_ZERO_AREA',
  /** A Point zone without a usable radiusM. */
  missingRadius: 'GEO_MISSING_RADIUS',
  /** A number that is not finite, where zod was bypassed. */
  nonFinite: 'GEO_NON_FINITE',
} as const;

export type ZoneCompileErrorCode = (typeof ZONE_COMPILE_ERROR_CODES)[keyof typeof ZONE_COMPILE_ERROR_CODES];

export class ZoneCompileError extends Error {
  override readonly name = 'ZoneCompileError';
  readonly code: ZoneCompileErrorCode;
  /** Dotted path of the offending field, e.g. "geometry.coordinates[1][0]". */
  readonly field: string;

  constructor(code: ZoneCompileErrorCode, field: string, problem: string) {
    super(`${field}: ${problem}`);
    this.code = code;
    this.field = field;
  }
}
