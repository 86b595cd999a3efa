/**
 * Zod schemas that turn one environment variable's string into a typed value. Each schema
 * reports a single "expected ..." message, so config.ts can say
 * `HTTP_PORT: expected an integer 0..65535, got "abc"` without knowing which check failed.
 */
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

// Strict decimal syntax: Number() alone would accept '0x10', '1_0' is rejected but ' ' is 0.
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function integerVar(min: number, max: number) {
  const error = `expected an integer ${min}..${max}`;
  return z
    .string()
    .trim()
    .regex(INTEGER, { error })
    .transform(Number)
    .pipe(z.number({ error }).int({ error }).min(min, { error }).max(max, { error }));
}

export function numberVar(range: { gt: number } | { min: number; max: number }) {
  const error =
    'gt' in range ? `expected a number > ${range.gt}` : `expected a number ${range.min}..${range.max}`;
  // z.number() refuses Infinity, so '1e999' fails here too.
  const base = z.number({ error });
  const bounded =
    'gt' in range ? base.gt(range.gt, { error }) : base.min(range.min, { error }).max(range.max, { error });
  return z.string().trim().regex(DECIMAL, { error }).transform(Number).pipe(bounded);
}

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

export function booleanVar() {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((s) => TRUE_WORDS.includes(s) || FALSE_WORDS.includes(s), {
      error: 'expected true or false (or 1/0, yes/no, on/off)',
    })
    .transform((s) => TRUE_WORDS.includes(s));
}

export function enumVar<const T extends readonly [string, ...string[]]>(values: T) {
  const error = `expected one of ${values.join(', ')}`;
  return z.string().trim().toLowerCase().pipe(z.enum(values, { error }));
}

/** Ids and host names: printable, no whitespace (a stray space in a group id is a silent new group). */
export function tokenVar(maxLength: number) {
  const error = `expected 1..${maxLength} characters without spaces`;
  return z
    .string()
    .trim()
    .min(1, { error })
    .max(maxLength, { error })
    .regex(/^[^\s\p{Cc}]+$/u, { error });
}

/** Kafka's own rule for topic names (and '.' / '..' are reserved). */
export function topicVar() {
  const error = 'expected a Kafka topic name: 1..249 of A-Z a-z 0-9 . _ -';
  return z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,249}$/, { error })
    .refine((s) => s !== '.' && s !== '..', { error });
}

// kafkajs splits a broker string on ':', so IPv6 literals are out; host names and IPv4 only.
const HOST_PORT = /^([A-Za-z0-9_]([A-Za-z0-9._-]*[A-Za-z0-9_])?):(\d{1,5})$/;

/** "host:port,host:port" → ['host:port', 'host:port'], every entry checked. */
export function brokerListVar() {
  return z.string().transform((text, ctx) => {
    const entries = text.split(',').map((s) => s.trim());
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const match = HOST_PORT.exec(entry);
      const port = match ? Number(match[3]) : 0;
      if (!match || port < 1 || port > 65_535) {
        const what = entry === '' ? 'is empty' : !match ? 'is not host:port' : 'has a port outside 1..65535';
        ctx.addIssue({
          code: 'custom',
          message: `expected a comma-separated host:port list, entry ${i + 1} ${JSON.stringify(entry)} ${what}`,
        });
        return z.NEVER;
      }
    }
    return entries;
  });
}
