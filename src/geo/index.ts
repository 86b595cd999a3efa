export { type CompiledZone, compileZone, FLAT_CIRCLE_LIMIT_M, type ZoneShape } from './compiled-zone.js';
export {
  DEG_TO_RAD,
  EARTH_RADIUS_M,
  haversineM,
  type LocalProjection,
  localProjection,
  METRES_PER_DEGREE,
  metresToLatDegreesAtLeast,
  metresToLonDegreesAtLeast,
  xScale,
} from './projection.js';
export { BOUNDARY_EPSILON_M, signedDistanceM } from './signed-distance.js';
export {
  ZONE_COMPILE_ERROR_CODES,
  ZoneCompileError,
  type ZoneCompileErrorCode,
} from './zone-compile-error.js';
export { type CandidateStrategy, type SubjectZones, ZoneIndex, type ZoneIndexOptions } from './zone-index.js';
export {
  checkZoneLimits,
  countPositions,
  DEFAULT_ZONE_LIMITS,
  type LimitViolation,
  type ZoneLimits,
} from './zone-limits.js';
