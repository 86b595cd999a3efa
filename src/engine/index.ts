export { DEVICE_ALERT_SEVERITY } from './alert-factory.js';
export { applyPing, PING_OUTCOMES, type PingOutcome } from './apply-ping.js';
export { clockGlitch, referenceTime, TIMESTAMP_TYPE } from './clock-glitch.js';
export { encodeTagStateCompact } from './compact-state-codec.js';
export {
  CONFIRM_RULES,
  type ConfirmRule,
  DEFAULT_ENGINE_CONFIG,
  type EngineConfig,
  EPISODE_RETENTION_MS,
  EVIDENCE_CAP,
  LOW_BATTERY_HYSTERESIS,
  MAX_EPISODES,
  RECENT_TS_CAPACITY,
} from './config.js';
export {
  DEFAULT_PROFILE_CONFIG,
  type DerivedProfile,
  deriveDeviceProfile,
  type KeyedHash,
  offsetVector,
  type ProfileConfig,
  type ProfileInput,
  zoneReachM,
} from './device-profile.js';
export { EnrolmentTable, enrolmentKey, subjectAt } from './enrolment-table.js';
export { sweepNoSignal, sweepUnheard } from './no-signal.js';
export { type ProfileWrite, planProfileWrites, recordPublished } from './profile-plan.js';
export { type CompiledSchedule, compileSchedule, scheduleActiveAt } from './schedule.js';
export { decodeTagState, encodeTagState, StateCodecError } from './state-codec.js';
export { cloneTagState, type EvidenceFix, newTagState, type TagState, type ZoneTrack } from './tag-state.js';
export type { World } from './world.js';
export { compileZoneSchedule, zoneActiveAt } from './zone-activity.js';
