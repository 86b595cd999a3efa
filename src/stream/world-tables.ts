/**
 * The engine's World (zone index + enrolment table), kept current from the zones and enrolments
 * topics, each table built aside and swapped in whole (global-table.ts, table-fold.ts).
 *
 * Protection survives a bad edit and a restart: every accepted record is copied (key, bytes,
 * source offset) to a compacted accepted-versions topic, which a restarted worker reads back, so
 * a rejected update leaves the last accepted version in force even after the input topic has
 * compacted it away. A rejected record goes to the config DLQ with its reason, and raises a
 * CONFIG_REJECTED alert; deletions (tombstones) are logged by id. Log lines name ids and fields
 * only: zone labels and coordinates can be a victim's address.
 */
import type { Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Enrolment } from '../contract/index.js';
import { EnrolmentTable, type World } from '../engine/index.js';
import { type CompiledZone, ZoneIndex } from '../geo/index.js';
import { type Judged, judgeEnrolment, judgeZone } from './config-judge.js';
import { configDlqMessage, configRejectedAlert, type Rejection, subjectOfRaw } from './config-rejection.js';
import { STREAM_EVENTS, type StreamEvents } from './events.js';
import { GlobalTable, type TableHandler } from './global-table.js';
import { SerialQueue } from './serial-queue.js';
import type { StreamConfig } from './stream-config.js';
import { type AcceptedCopy, foldTable, type StagedKey } from './table-fold.js';

export { safeFields } from './config-judge.js';

/** Header on accepted-versions records: the input offset the copy was taken from. */
export const ACCEPTED_SOURCE_OFFSET = 'source-offset';

export interface WorldTables {
  readonly world: World;
  readonly zones: GlobalTable;
  readonly enrolments: GlobalTable;
  /** Start both readers; resolves when both have caught up (or the tables were stopped). */
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly isCaughtUp: () => boolean;
  /** Why the tables are not ready, or undefined. */
  readonly notReadyReason: () => string | undefined;
}

/** Writes to the config DLQ, the alerts topic and the accepted-versions topics, in order. */
class Outbox {
  private producer: Producer | undefined;
  private readonly queue = new SerialQueue();

  constructor(
    private readonly kafka: Kafka,
    private readonly log: Logger,
  ) {}

  send(topic: string, messages: Message[]): void {
    if (messages.length === 0) return;
    void this.queue
      .run(async () => {
        if (this.producer === undefined) {
          const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
          await p.connect();
          this.producer = p;
        }
        // A first start copies every accepted version: send in bounded chunks, not one by one.
        for (let i = 0; i < messages.length; i += 500) {
          await this.producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
        }
      })
      .catch((err: Error) => this.log.error({ topic, err }, 'table output not written'));
  }

  async close(): Promise<void> {
    await this.queue.drain();
    await this.producer?.disconnect().catch(() => undefined);
  }
}

interface Spec<T> {
  readonly name: 'zones' | 'enrolments';
  readonly input: string;
  readonly accepted: string;
  judge(record: KafkaMessage): Judged<T>;
  subjectOf(value: T): string;
  versionOf(value: T): number | undefined;
  get(key: string): T | undefined;
  /** Live: a reason to refuse a new value (e.g. the per-subject zone cap), or undefined. */
  admit(key: string, value: T): { field: string; reason: string } | undefined;
  /** `seenAt`: the record's (broker) timestamp, when a live or staged record carries it. */
  upsert(value: T, seenAt?: number): void;
  remove(key: string): void;
  /** Swap in a table holding exactly these values (admission applied in order). */
  replace(
    values: Array<{ key: string; value: T; seenAt?: number }>,
  ): Array<{ key: string; field: string; reason: string }>;
}

function sourceOffset(record: KafkaMessage): bigint | undefined {
  const h = record.headers?.[ACCEPTED_SOURCE_OFFSET];
  const text = Array.isArray(h) ? h[0]?.toString() : h?.toString();
  return text !== undefined && /^\d+$/.test(text) ? BigInt(text) : undefined;
}

function handlerFor<T>(
  spec: Spec<T>,
  config: StreamConfig,
  outbox: Outbox,
  log: Logger,
  events: StreamEvents,
): TableHandler {
  let staged = new Map<string, StagedKey<T> & { record: KafkaMessage; partition: number }>();
  let accepted = new Map<string, AcceptedCopy<T> | null>();

  const acceptedCopy = (key: string, bytes: Buffer, offset: bigint): Message => ({
    key,
    value: bytes,
    headers: { [ACCEPTED_SOURCE_OFFSET]: String(offset) },
  });
  const copyAccepted = (key: string, bytes: Buffer, offset: bigint): void =>
    outbox.send(spec.accepted, [acceptedCopy(key, bytes, offset)]);
  const tombstoneAccepted = (key: string): void => outbox.send(spec.accepted, [{ key, value: null }]);

  const reject = (
    record: KafkaMessage,
    partition: number,
    key: string,
    field: string,
    reason: string,
    previous: T | undefined,
  ): void => {
    const r: Rejection = {
      table: spec.name,
      topic: spec.input,
      partition,
      record,
      key,
      field,
      reason,
      subjectId: previous !== undefined ? spec.subjectOf(previous) : subjectOfRaw(record.value),
      previousInForce: previous !== undefined,
      previousVersion: previous !== undefined ? spec.versionOf(previous) : undefined,
    };
    const id = spec.name === 'zones' ? { zoneId: key.slice(0, 256) } : { tagId: key.slice(0, 256) };
    log.warn(
      { ...id, field, reason, offset: record.offset, previousInForce: r.previousInForce },
      spec.name === 'zones' ? 'zone rejected' : 'enrolment rejected',
    );
    if (spec.name === 'zones') events.emit(STREAM_EVENTS.zoneRejected, { zoneId: key, field });
    else events.emit(STREAM_EVENTS.enrolmentRejected, { tagId: key, field });
    outbox.send(config.topics.configDlq, [configDlqMessage(r)]);
    const alert = configRejectedAlert(r, Date.now());
    outbox.send(config.topics.alerts, [{ key: alert.subjectId, value: JSON.stringify(alert) }]);
  };

  const deleted = (key: string, offset: string): void => {
    const id = spec.name === 'zones' ? { zoneId: key.slice(0, 256) } : { tagId: key.slice(0, 256) };
    log.info({ ...id, offset }, spec.name === 'zones' ? 'zone deleted' : 'enrolment ended');
  };

  return {
    beginBuild() {
      staged = new Map();
      accepted = new Map();
    },
    stage(topic, partition, record) {
      const key = record.key?.toString('utf8') ?? '';
      if (topic === spec.accepted) {
        const at = sourceOffset(record);
        const prev = accepted.get(key);
        if (record.value === null) {
          accepted.set(key, null);
          return;
        }
        if (at === undefined || (prev != null && prev.sourceOffset > at)) return;
        const j = spec.judge(record);
        if (j.kind === 'accept') accepted.set(key, { value: j.value, sourceOffset: at, bytes: record.value });
        return;
      }
      const j = spec.judge(record);
      const offset = BigInt(record.offset);
      const prev = staged.get(key);
      const lastAccepted =
        j.kind === 'accept' && record.value !== null
          ? { value: j.value, offset, bytes: record.value }
          : j.kind === 'delete'
            ? undefined
            : prev?.lastAccepted;
      staged.set(key, { final: j, finalOffset: offset, lastAccepted, record, partition });
    },
    finishBuild() {
      const copies = new Map<string, AcceptedCopy<T>>();
      for (const [k, v] of accepted) if (v !== null) copies.set(k, v);
      const fold = foldTable(staged, copies);
      const refused = spec.replace(
        fold.inForce.map((v) => {
          const ts = Number(staged.get(v.key)?.record.timestamp);
          return Number.isFinite(ts) ? { ...v, seenAt: ts } : v;
        }),
      );
      for (const r of fold.rejected) {
        const s = staged.get(r.key)!;
        if (s.final.kind !== 'reject') continue;
        reject(s.record, s.partition, r.key, s.final.field, s.final.reason, r.fallback);
      }
      for (const r of refused) {
        const s = staged.get(r.key);
        if (s) reject(s.record, s.partition, r.key, r.field, r.reason, undefined);
      }
      outbox.send(spec.accepted, [
        ...fold.writeAccepted.map((w) => acceptedCopy(w.key, w.bytes, w.sourceOffset)),
        ...fold.tombstoneAccepted.map((key) => ({ key, value: null })),
      ]);
      let deletions = 0;
      for (const s of staged.values()) if (s.final.kind === 'delete') deletions++;
      log.info(
        { table: spec.name, inForce: fold.inForce.length, rejected: fold.rejected.length, deletions },
        'table built',
      );
      staged = new Map();
      accepted = new Map();
    },
    applyLive(topic, partition, record) {
      if (topic !== spec.input) return; // our own (or another worker's) accepted copies
      const j = spec.judge(record);
      const previous = spec.get(j.key);
      switch (j.kind) {
        case 'accept': {
          const refused = spec.admit(j.key, j.value);
          if (refused) {
            reject(record, partition, j.key, refused.field, refused.reason, previous);
            return;
          }
          spec.upsert(j.value, Number(record.timestamp));
          if (record.value !== null) copyAccepted(j.key, record.value, BigInt(record.offset));
          return;
        }
        case 'delete':
          spec.remove(j.key);
          tombstoneAccepted(j.key);
          deleted(j.key, record.offset);
          return;
        case 'reject':
          // The previous version stays in force: dropping protection because of a bad edit is
          // the worse failure for the person it protects.
          reject(record, partition, j.key || '(missing)', j.field, j.reason, previous);
          return;
        default: {
          const unreachable: never = j;
          throw new Error(`unknown judgement ${String(unreachable)}`);
        }
      }
    },
  };
}

export function createWorldTables(
  kafka: Kafka,
  config: StreamConfig,
  logger: Logger,
  events: StreamEvents,
): WorldTables {
  // Mutable on purpose: a rebuilt table is swapped in by replacing the field, in one step.
  const world: { zones: ZoneIndex; enrolments: EnrolmentTable } = {
    zones: ZoneIndex.build([]),
    enrolments: new EnrolmentTable(),
  };
  const log = logger.child({ component: 'tables' });
  const outbox = new Outbox(kafka, log);
  const groupPrefix = `${config.kafka.groupId}.tables.${config.instanceId}`;
  const limits = config.zoneLimits;

  const perSubjectCap = (index: ZoneIndex, key: string, zone: CompiledZone) => {
    if (index.get(key)?.subjectId === zone.subjectId) return undefined;
    const count = index.zonesOf(zone.subjectId).length;
    return count >= limits.maxZonesPerSubject
      ? {
          field: 'subjectId',
          reason: `subjectId: subject has ${count} zones, limit ${limits.maxZonesPerSubject}`,
        }
      : undefined;
  };

  const zoneSpec: Spec<CompiledZone> = {
    name: 'zones',
    input: config.topics.zones,
    accepted: config.topics.zonesAccepted,
    judge: (record) => judgeZone(record, limits),
    subjectOf: (z) => z.subjectId,
    versionOf: (z) => z.version,
    get: (key) => world.zones.get(key),
    admit: (key, z) => perSubjectCap(world.zones, key, z),
    upsert: (z) => world.zones.upsert(z),
    remove: (key) => void world.zones.remove(key),
    replace(values) {
      const refused: Array<{ key: string; field: string; reason: string }> = [];
      const perSubject = new Map<string, number>();
      const kept: CompiledZone[] = [];
      for (const { key, value } of values) {
        const n = perSubject.get(value.subjectId) ?? 0;
        if (n >= limits.maxZonesPerSubject) {
          refused.push({
            key,
            field: 'subjectId',
            reason: `subjectId: subject has ${n} zones, limit ${limits.maxZonesPerSubject}`,
          });
          continue;
        }
        perSubject.set(value.subjectId, n + 1);
        kept.push(value);
      }
      world.zones = ZoneIndex.build(kept);
      return refused;
    },
  };

  const enrolmentSpec: Spec<Enrolment> = {
    name: 'enrolments',
    input: config.topics.enrolments,
    accepted: config.topics.enrolmentsAccepted,
    judge: judgeEnrolment,
    subjectOf: (e) => e.subjectId,
    versionOf: () => undefined,
    get: (key) => world.enrolments.get(key),
    admit: () => undefined,
    // An enrolment's record time starts the silence of a tag that never reports (NO_SIGNAL).
    upsert: (e, seenAt) => world.enrolments.upsert(e, seenAt),
    remove: (key) => void world.enrolments.remove(key),
    replace(values) {
      const table = new EnrolmentTable();
      for (const { value, seenAt } of values) table.upsert(value, seenAt);
      world.enrolments = table;
      return [];
    },
  };

  const zones = new GlobalTable({
    kafka,
    name: 'zones',
    topics: [zoneSpec.input, zoneSpec.accepted],
    groupPrefix,
    logger: log,
    handler: handlerFor(zoneSpec, config, outbox, log, events),
    afterBatch: () => {
      // Fold live edits into the flatbush snapshot between batches, off the per-fix path.
      world.zones.compactIfDue();
      events.emit(STREAM_EVENTS.tableSize, { table: 'zones', size: world.zones.size });
    },
    onCrash: (error) => events.emit(STREAM_EVENTS.tableFailed, { table: 'zones', error }),
    onRebuilt: () => events.emit(STREAM_EVENTS.tableRebuilt, { table: 'zones' }),
  });
  const enrolments = new GlobalTable({
    kafka,
    name: 'enrolments',
    topics: [enrolmentSpec.input, enrolmentSpec.accepted],
    groupPrefix,
    logger: log,
    handler: handlerFor(enrolmentSpec, config, outbox, log, events),
    afterBatch: () =>
      events.emit(STREAM_EVENTS.tableSize, { table: 'enrolments', size: world.enrolments.size }),
    onCrash: (error) => events.emit(STREAM_EVENTS.tableFailed, { table: 'enrolments', error }),
    onRebuilt: () => events.emit(STREAM_EVENTS.tableRebuilt, { table: 'enrolments' }),
  });

  return {
    world,
    zones,
    enrolments,
    isCaughtUp: () => zones.isCaughtUp && enrolments.isCaughtUp,
    notReadyReason: () => zones.notReadyReason() ?? enrolments.notReadyReason(),
    async start() {
      await Promise.all([zones.start(), enrolments.start()]);
      if (!zones.isCaughtUp || !enrolments.isCaughtUp) return;
      events.emit(STREAM_EVENTS.tablesCaughtUp, {});
    },
    async stop() {
      await Promise.all([zones.stop(), enrolments.stop()]);
      await outbox.close();
    },
  };
}
