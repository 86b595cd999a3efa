/**
 * Judging one record of a configuration table (zones, enrolments): accept it, delete the key
 * (tombstone), or reject it with the offending field named. Cheap checks run first: a zone's
 * size before JSON.parse, its vertex count before zod, its limits before compilation, so one
 * oversized record costs microseconds rather than blocking the event loop. A zone's schedule is
 * compiled here too, when the zone loads, not on the first fix.
 *
 * Reasons name fields and limits, never values: zone geometry and labels can be a victim's
 * address.
 */
import type { KafkaMessage } from 'kafkajs';
import { decodeEnrolmentRecord, decodeZoneRecord, type Enrolment } from '../contract/index.js';
import { compileZoneSchedule } from '../engine/index.js';
import {
  type CompiledZone,
  checkZoneLimits,
  compileZone,
  countPositions,
  ZoneCompileError,
  type ZoneLimits,
} from '../geo/index.js';

export type Judged<T> =
  | { readonly kind: 'accept'; readonly key: string; readonly value: T }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'reject'; readonly key: string; readonly field: string; readonly reason: string };

/**
 * "geometry.coordinates.0: too few; label: too long" → "geometry.coordinates.0,label".
 * JSON.parse messages quote the input text, so a "not JSON" reason is reduced to its first words.
 */
export function safeFields(reason: string): { field: string; reason: string } {
  if (reason.startsWith('not JSON')) return { field: '(value)', reason: 'not JSON' };
  const fields = reason.split('; ').map((part) => {
    const colon = part.indexOf(': ');
    return colon < 0 ? '(value)' : part.slice(0, colon);
  });
  return { field: [...new Set(fields)].join(','), reason };
}

const keyOf = (record: KafkaMessage): string => record.key?.toString('utf8') ?? '';

export function judgeZone(record: KafkaMessage, limits: ZoneLimits): Judged<CompiledZone> {
  const decoded = decodeZoneRecord(record.key, record.value, {
    maxBytes: limits.maxZoneBytes,
    precheck: (json) => {
      const n = countPositions((json as { geometry?: unknown }).geometry);
      return n > limits.maxVertices
        ? `geometry.coordinates: ${n} vertices, limit ${limits.maxVertices}`
        : undefined;
    },
  });
  if (!decoded.ok) return { kind: 'reject', key: decoded.key, ...safeFields(decoded.error) };
  if (decoded.value === null) return { kind: 'delete', key: decoded.key };
  const violation = checkZoneLimits(decoded.value, limits);
  if (violation) {
    return {
      kind: 'reject',
      key: decoded.key,
      field: violation.field,
      reason: `${violation.field}: ${violation.reason}`,
    };
  }
  try {
    const compiled = compileZone(decoded.value);
    compileZoneSchedule(compiled);
    return { kind: 'accept', key: decoded.key, value: compiled };
  } catch (err) {
    const field = err instanceof ZoneCompileError ? err.field : 'geometry';
    const reason = err instanceof ZoneCompileError ? `${err.field}: ${err.code}` : 'compile failed';
    return { kind: 'reject', key: decoded.key || keyOf(record), field, reason };
  }
}

export function judgeEnrolment(record: KafkaMessage): Judged<Enrolment> {
  const decoded = decodeEnrolmentRecord(record.key, record.value, { maxBytes: 64 * 1024 });
  if (!decoded.ok) return { kind: 'reject', key: decoded.key, ...safeFields(decoded.error) };
  if (decoded.value === null) return { kind: 'delete', key: decoded.key };
  return { kind: 'accept', key: decoded.key, value: decoded.value };
}
