/**
 * Error serialization that cannot leak a zone.
 *
 * pino's standard serializer copies every enumerable property of an error, so an error that
 * carries the offending message (`err.zone = zone`, a kafkajs error holding the record) would
 * print it whole. This one copies only type, message, stack, code and (to a bounded depth) cause.
 *
 * Our own error messages never contain coordinates or labels. Third-party messages can echo
 * input, though: V8's JSON.parse says `Unexpected token 'x', "{"geometry":...}" is not valid JSON`,
 * and a zone record that fails to parse would put a victim's address in the log. So message and
 * stack are scrubbed of JSON source snippets and of coordinate-precision decimals (3+ fraction
 * digits, i.e. ~100 m or finer; plain versions like 10.4.0 and durations like 1.5s survive).
 */

export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  cause?: SerializedError | string;
}

const JSON_SNIPPET = /(, |^)(\.\.\.)?".*"(\.\.\.)? is not valid JSON/gs;
const PRECISE_DECIMAL = /\d+\.\d{3,}/g;
const MAX_CAUSE_DEPTH = 3;
/** A thrown string is logged up to this many characters. */
const MAX_TEXT = 500;

/** Remove text that could be a zone's coordinates or a message's source from `text`. */
export function scrubText(text: string): string {
  return text
    .replace(JSON_SNIPPET, '$1[input redacted] is not valid JSON')
    .replace(PRECISE_DECIMAL, '[number]');
}

export function serializeError(err: unknown, depth = 0): SerializedError {
  if (!(err instanceof Error)) {
    // A thrown string (or number...) is the error text: log it, scrubbed and capped. An object
    // (a zone, a record) is described by its type only, as its fields could be anything.
    const type = err === null ? 'null' : typeof err;
    if (
      typeof err === 'string' ||
      typeof err === 'number' ||
      typeof err === 'boolean' ||
      typeof err === 'bigint'
    ) {
      const text = scrubText(String(err));
      return { type, message: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text };
    }
    return { type, message: `non-Error thrown (${type})` };
  }
  const out: SerializedError = {
    type: err.constructor?.name || err.name || 'Error',
    message: scrubText(err.message),
  };
  if (typeof err.stack === 'string') out.stack = scrubText(err.stack);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (err.cause !== undefined) {
    out.cause = depth < MAX_CAUSE_DEPTH ? serializeError(err.cause, depth + 1) : '[cause chain truncated]';
  }
  return out;
}
