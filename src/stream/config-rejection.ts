/**
 * What a rejected zone or enrolment record produces, besides a log line: a config-DLQ record
 * (the original key and bytes, with the pings DLQ's headers saying why and where from) and a
 * CONFIG_REJECTED alert the console shows. Every worker reads every table record, so both are
 * deterministic functions of the record: the alertId is built from the record's topic, partition
 * and offset, and duplicates from several workers (or from a restart replaying the topic) carry
 * the same alertId and the same source headers.
 */
import type { KafkaMessage, Message } from 'kafkajs';
import { type Alert, DLQ_HEADERS } from '../contract/index.js';

export interface Rejection {
  readonly table: 'zones' | 'enrolments';
  readonly topic: string;
  readonly partition: number;
  readonly record: KafkaMessage;
  readonly key: string;
  readonly field: string;
  readonly reason: string;
  /** The subject concerned, where known (from the version in force or the record itself). */
  readonly subjectId: string | undefined;
  /** Whether an earlier accepted version stays in force. */
  readonly previousInForce: boolean;
  readonly previousVersion: number | undefined;
}

export function configDlqMessage(r: Rejection): Message {
  return {
    key: r.record.key,
    value: r.record.value,
    headers: {
      [DLQ_HEADERS.error]: r.reason,
      [DLQ_HEADERS.sourceTopic]: r.topic,
      [DLQ_HEADERS.sourcePartition]: String(r.partition),
      [DLQ_HEADERS.sourceOffset]: r.record.offset,
    },
  };
}

const TAG_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** `tagId` is '-' for a zone (no tag involved); `zoneId` names the zone. */
export function configRejectedAlert(r: Rejection, emittedAt: number): Alert {
  const ts = Number(r.record.timestamp);
  const base = {
    alertId: `CONFIG_REJECTED|${r.topic}|${r.partition}|${r.record.offset}`,
    type: 'CONFIG_REJECTED' as const,
    // Nothing protects the subject from this record's zone if no earlier version is in force.
    severity: r.previousInForce ? ('P2' as const) : ('P1' as const),
    subjectId: r.subjectId ?? '(unknown)',
    ts: Number.isSafeInteger(ts) ? ts : emittedAt,
    emittedAt,
    reason:
      `${r.reason}${r.previousInForce ? '; the previous version stays in force' : '; no earlier version is in force'}`.slice(
        0,
        1024,
      ),
  };
  if (r.table === 'zones') {
    return {
      ...base,
      tagId: '-',
      zoneId: r.key.slice(0, 256) || '(missing)',
      ...(r.previousVersion !== undefined ? { zoneVersion: r.previousVersion } : {}),
    };
  }
  return { ...base, tagId: TAG_ID.test(r.key) ? r.key : '-' };
}

/** Best effort: the subjectId field of a record that failed validation, if it is a short string. */
export function subjectOfRaw(value: Buffer | null): string | undefined {
  if (value === null || value.length > 1024 * 1024) return undefined;
  const m = /"subjectId"\s*:\s*"([^"\\]{1,256})"/.exec(value.toString('utf8'));
  return m?.[1];
}
