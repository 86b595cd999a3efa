export * from './config.js';
export * from './http-server.js';
export * from './kafka-env.js';
export * from './logger.js';
export * from './metrics.js';
export { type SerializedError, scrubText, serializeError } from './safe-error.js';
export * from './stats.js';
export * from './worker-runtime.js';
