export * from './alert.js';
export * from './decode.js';
export * from './enrolment.js';
export * from './ping.js';
export { EpochMs, Severity, TAG_ID_PATTERN, TagId } from './primitives.js';
export * from './topics.js';
export * from './zone.js';
