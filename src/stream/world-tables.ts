/**
 * The engine's World (zone index + enrolment table), kept current from the zones and enrolments
 * topics. A zone that fails to decode or compile is rejected with a log line naming the zoneId and
 * the offending FIELD only: zone labels and coordinates can be a victim's address, so they never
 * reach a log, not even inside a parser's error message.
 */
import type { KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { decodeEnrolmentRecord, decodeZoneRecord } from '../contract/index.js';
import { EnrolmentTable, type World } from '../engine/index.js';
import { compileZone, ZoneCompileError, ZoneIndex } from '../geo/index.js';
import { STREAM_EVENTS, type StreamEvents } from './events.js';
import { GlobalTable } from './global-table.js';
import type { StreamConfig } from './stream-config.js';

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

export interface WorldTables {
  readonly world: World;
  readonly zones: GlobalTable;
  readonly enrolments: GlobalTable;
  /** Start both readers; resolves when both have caught up with their start-up end offsets. */
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly isCaughtUp: () => boolean;
}

export function createWorldTables(
  kafka: import('kafkajs').Kafka,
  config: StreamConfig,
  logger: Logger,
  events: StreamEvents,
): WorldTables {
  const zoneIndex = ZoneIndex.build([]);
  const enrolmentTable = new EnrolmentTable();
  const world: World = { zones: zoneIndex, enrolments: enrolmentTable };
  const log = logger.child({ component: 'tables' });
  const groupPrefix = `${config.kafka.groupId}.tables.${config.instanceId}`;

  const applyZone = (record: KafkaMessage): void => {
    const decoded = decodeZoneRecord(record.key, record.value);
    if (!decoded.ok) {
      const { field, reason } = safeFields(decoded.error);
      log.warn({ zoneId: decoded.key, field, reason, offset: record.offset }, 'zone rejected');
      events.emit(STREAM_EVENTS.zoneRejected, { zoneId: decoded.key, field });
      return;
    }
    if (decoded.value === null) {
      zoneIndex.remove(decoded.key);
      return;
    }
    try {
      zoneIndex.upsert(compileZone(decoded.value));
    } catch (err) {
      // A zone update that does not compile leaves the previous version in force: dropping
      // protection because of a bad edit is the worse failure for the person it protects.
      const field = err instanceof ZoneCompileError ? err.field : 'geometry';
      const reason = err instanceof ZoneCompileError ? err.code : 'compile failed';
      log.warn({ zoneId: decoded.key, field, reason, offset: record.offset }, 'zone rejected');
      events.emit(STREAM_EVENTS.zoneRejected, { zoneId: decoded.key, field });
    }
  };

  const applyEnrolment = (record: KafkaMessage): void => {
    const decoded = decodeEnrolmentRecord(record.key, record.value);
    if (!decoded.ok) {
      const { field, reason } = safeFields(decoded.error);
      log.warn({ tagId: decoded.key, field, reason, offset: record.offset }, 'enrolment rejected');
      events.emit(STREAM_EVENTS.enrolmentRejected, { tagId: decoded.key, field });
      return;
    }
    if (decoded.value === null) enrolmentTable.remove(decoded.key);
    else enrolmentTable.upsert(decoded.value, Number(record.timestamp));
  };

  const zones = new GlobalTable({
    kafka,
    topic: config.topics.zones,
    groupPrefix,
    logger: log,
    apply: applyZone,
    afterBatch: () => events.emit(STREAM_EVENTS.tableSize, { table: 'zones', size: zoneIndex.size }),
  });
  const enrolments = new GlobalTable({
    kafka,
    topic: config.topics.enrolments,
    groupPrefix,
    logger: log,
    apply: applyEnrolment,
    afterBatch: () =>
      events.emit(STREAM_EVENTS.tableSize, { table: 'enrolments', size: enrolmentTable.size }),
  });

  return {
    world,
    zones,
    enrolments,
    isCaughtUp: () => zones.isCaughtUp && enrolments.isCaughtUp,
    async start() {
      await Promise.all([zones.start(), enrolments.start()]);
      events.emit(STREAM_EVENTS.tableSize, { table: 'zones', size: zoneIndex.size });
      events.emit(STREAM_EVENTS.tableSize, { table: 'enrolments', size: enrolmentTable.size });
      events.emit(STREAM_EVENTS.tablesCaughtUp, {});
    },
    async stop() {
      await Promise.all([zones.stop(), enrolments.stop()]);
    },
  };
}
