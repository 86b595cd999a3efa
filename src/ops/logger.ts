/**
 * The worker's pino logger, with the privacy rule built in: zone labels and zone coordinates
 * (victims' addresses) never reach a log line.
 *
 * Two layers:
 * 1. Redaction, compiled once when the logger is created: every sensitive key is censored at the
 *    top level and one, two and three levels deep, so `log.info({ zone })`, `log.info({ batch: { zone } })`
 *    and `log.info({ alerts: [alert] })` all come out as '[redacted]'.
 * 2. An error serializer that copies only type, message, stack and code (never arbitrary own
 *    properties such as a `zone` someone attached), and scrubs what a third-party message might
 *    echo (see safe-error.ts).
 *
 * Error messages produced by our own code never contain coordinates or labels: that is a
 * house rule (geo's ZoneCompileError names the field, not the value), and this layer is the
 * belt to that braces. What redaction cannot see is text built by the caller: never interpolate
 * a label or a coordinate into the message string (`log.info('at %d', lat)` is not redacted).
 */
import pino from 'pino';
import { serializeError } from './safe-error.js';

/** Keys that carry a zone's label or geometry, or a subject's position. */
export const SENSITIVE_KEYS = [
  'label',
  'geometry',
  'coordinates',
  'lat',
  'lon',
  'accuracyM',
  'evidence',
  'zone',
] as const;

export const REDACTED = '[redacted]';

/**
 * 'label', '*.label', '*.*.label', '*.*.*.label' for every sensitive key: the top level and up to
 * three levels down (array indices count as a level: `{ zones: [zone] }` is zones.0.label).
 * pino wildcards match one level each, so a zone nested deeper than that is NOT redacted: log
 * ids (zoneId, tagId), not deep structures.
 */
export const REDACT_PATHS: readonly string[] = SENSITIVE_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
]);

export interface LoggerOptions {
  level: string;
  name?: string;
  /** Where lines go; stdout (pino's default, synchronous) when absent. Tests pass a capture stream. */
  destination?: pino.DestinationStream;
}

export function createLogger(opts: LoggerOptions): pino.Logger {
  const options: pino.LoggerOptions = {
    level: opts.level,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: { err: serializeError, error: serializeError },
    // ISO time reads better in `docker logs` than epoch ms and costs the same.
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (opts.name !== undefined) options.name = opts.name;
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
