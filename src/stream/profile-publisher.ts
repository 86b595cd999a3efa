/**
 * The `fenceline profiles` process: keeps the compacted topic `fenceline.device-config` (key
 * tagId) equal to the device profiles that the zones and enrolments topics imply, exactly once.
 *
 * Why a process of its own rather than a step of the ping pipeline: profiles depend on the
 * global tables only, not on pings, so they need no per-partition state; one writer with one
 * fixed transactionalId is the simplest thing with the same guarantees, and it leaves the
 * worker's hot path alone.
 *
 * How it never loses nor doubles a change across a restart:
 *  1. the transactional producer connects first, which fences any previous instance and aborts
 *     its open transaction;
 *  2. the output topic is read back in full (read_committed): that is what was published;
 *  3. the zones and enrolments tables are read in full; then every tag's profile is derived
 *     (pure core) and only those that differ from what was published are written (planProfileWrites),
 *     in one transaction, and recorded as published once it commits;
 *  4. afterwards, each zone or enrolment change marks the affected tags, and time-driven changes
 *     (a zone starts or ends: refreshBy) are re-derived when due, batched every flushIntervalMs.
 * A failed commit is fatal: the process exits and its restart starts over at 1, because after an
 * ambiguous commit only the topic knows what was published.
 */
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { DeviceProfileSchema, decodeEnrolmentRecord, decodeZoneRecord } from '../contract/index.js';
import {
  deriveDeviceProfile,
  EnrolmentTable,
  type KeyedHash,
  type ProfileConfig,
  type ProfileWrite,
  planProfileWrites,
  recordPublished,
} from '../engine/index.js';
import { compileZone, ZoneIndex } from '../geo/index.js';
import { createTopicsSettled } from '../kafka/create-topics.js';
import { foldingHandler, GlobalTable } from './global-table.js';
import { STREAM_TUNING } from './stream-config.js';
import { safeFields } from './world-tables.js';

export interface ProfilePublisherOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly topics: { readonly zones: string; readonly enrolments: string; readonly deviceConfig: string };
  readonly createTopics: boolean;
  readonly deviceConfigPartitions: number;
  readonly transactionalId: string;
  readonly groupPrefix: string;
  readonly profile: ProfileConfig;
  readonly hash: KeyedHash;
  readonly clock: () => number;
  readonly flushIntervalMs: number;
  /** A commit failed or a table died: the caller should stop the process (restart is safe). */
  readonly onFatal: (err: Error) => void;
  /** Told what happens, for metrics (src/ops/profiles-metrics.ts); the publisher never imports prom-client. */
  readonly observer?: ProfilesObserver;
}

/** What the publisher reports as it goes (observability is emitted, not imported). */
export interface ProfilesObserver {
  /** A transaction committed `profiles` profiles and `tombstones` tombstones at `at` (epoch ms). */
  published(e: { profiles: number; tombstones: number; at: number }): void;
  /** An input record was rejected (logged by offset and reason, never content). */
  rejected(topic: 'zones' | 'enrolments' | 'device-config'): void;
}

export type PublisherPhase = 'created' | 'reading-back' | 'loading-tables' | 'live' | 'failed' | 'stopped';

export interface PublisherStats {
  transactions: number;
  profilesWritten: number;
  tombstonesWritten: number;
}

const COMPACTED = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'segment.ms', value: String(10 * 60 * 1000) },
  { name: 'min.cleanable.dirty.ratio', value: '0.1' },
];
const SEND_CHUNK = 2_000;

export class ProfilePublisher {
  readonly stats: PublisherStats = { transactions: 0, profilesWritten: 0, tombstonesWritten: 0 };
  private readonly zones = ZoneIndex.build([]);
  private readonly enrolments = new EnrolmentTable();
  private readonly tagsOfSubject = new Map<string, Set<string>>();
  private readonly published = new Map<string, string>();
  private readonly refreshBy = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private readonly log: Logger;
  private producer: Producer | undefined;
  private tables: GlobalTable[] = [];
  private readBack: GlobalTable | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private ready = false;
  private stopped = false;
  private phase: PublisherPhase = 'created';
  private failure: string | undefined;
  private lastPublishAt: number | undefined;

  constructor(private readonly o: ProfilePublisherOptions) {
    this.log = o.logger.child({ component: 'profiles' });
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Tags with a profile on the topic, zones and enrolments loaded (for gauges). */
  sizes(): { published: number; zones: number; enrolments: number } {
    return { published: this.published.size, zones: this.zones.size, enrolments: this.enrolments.size };
  }

  /**
   * For /readyz: ready once the zones and enrolments tables caught up and the profiles they
   * imply were committed, and while both tables stay live (a crashed table rebuilds: not ready
   * meanwhile) and no commit failed. Counts and states only, never zone content.
   */
  readiness(): { ready: boolean; detail: Record<string, unknown> } {
    const [zones, enrolments] = this.tables;
    const tablesLive = this.tables.length === 2 && this.tables.every((t) => t.isCaughtUp);
    const ready = this.ready && tablesLive && this.phase === 'live';
    return {
      ready,
      detail: {
        phase: this.phase,
        // Counts: tags with a profile on the topic, zones and enrolments loaded.
        ...this.sizes(),
        ...(zones && enrolments
          ? { tables: { zones: zones.detail(), enrolments: enrolments.detail() } }
          : {}),
        ...(this.lastPublishAt !== undefined
          ? { lastPublishAt: new Date(this.lastPublishAt).toISOString() }
          : {}),
        ...(this.failure !== undefined ? { failed: this.failure } : {}),
      },
    };
  }

  /** Resolves once the first full reconciliation is committed. */
  async start(): Promise<void> {
    const { kafka, topics } = this.o;
    if (this.o.createTopics) await this.createTopics();
    this.producer = kafka.producer({
      transactionalId: this.o.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: STREAM_TUNING.transactionTimeoutMs,
    });
    await this.producer.connect();
    this.phase = 'reading-back';
    const readBack = new GlobalTable({
      kafka,
      name: 'device-config',
      topics: [topics.deviceConfig],
      groupPrefix: `${this.o.groupPrefix}.readback`,
      logger: this.log,
      handler: foldingHandler((r) => this.applyPublished(r)),
      afterBatch: () => {},
    });
    this.readBack = readBack;
    if (this.stopped) return;
    await readBack.start();
    await readBack.stop();
    if (this.stopped) return;
    this.log.info({ published: this.published.size }, 'device-config read back');
    const zoneTable = new GlobalTable({
      kafka,
      name: 'zones',
      topics: [topics.zones],
      groupPrefix: this.o.groupPrefix,
      logger: this.log,
      handler: foldingHandler((r) => this.applyZone(r)),
      afterBatch: () => {},
    });
    const enrolmentTable = new GlobalTable({
      kafka,
      name: 'enrolments',
      topics: [topics.enrolments],
      groupPrefix: this.o.groupPrefix,
      logger: this.log,
      handler: foldingHandler((r) => this.applyEnrolment(r)),
      afterBatch: () => {},
    });
    this.tables = [zoneTable, enrolmentTable];
    if (this.stopped) return;
    this.phase = 'loading-tables';
    await Promise.all(this.tables.map((t) => t.start()));
    for (const tags of this.tagsOfSubject.values()) for (const t of tags) this.dirty.add(t);
    for (const t of this.published.keys()) this.dirty.add(t);
    if (this.stopped) return;
    await this.flush();
    this.ready = true;
    this.phase = 'live';
    this.timer = setInterval(() => this.tick(), this.o.flushIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.phase !== 'failed') this.phase = 'stopped';
    if (this.timer) clearInterval(this.timer);
    await this.flushing?.catch(() => undefined);
    await this.readBack?.stop().catch(() => undefined);
    await Promise.all(this.tables.map((t) => t.stop().catch(() => undefined)));
    await this.producer?.disconnect().catch(() => undefined);
  }

  private tick(): void {
    if (this.stopped || this.flushing) return;
    const now = this.o.clock();
    for (const [tagId, at] of this.refreshBy) if (at <= now) this.dirty.add(tagId);
    if (this.dirty.size === 0) return;
    this.flushing = this.flush()
      .catch((err: Error) => {
        this.phase = 'failed';
        this.failure = err.message;
        this.stopped = true;
        if (this.timer) clearInterval(this.timer);
        this.o.onFatal(err);
      })
      .finally(() => {
        this.flushing = undefined;
      });
  }

  private async flush(): Promise<void> {
    const tags = [...this.dirty];
    this.dirty.clear();
    const now = this.o.clock();
    const writes = planProfileWrites(tags, this.published, (tagId) => this.derive(tagId, now));
    if (writes.length === 0) return;
    const tx = await this.producer!.transaction();
    try {
      for (let i = 0; i < writes.length; i += SEND_CHUNK) {
        await tx.send({
          topic: this.o.topics.deviceConfig,
          messages: writes.slice(i, i + SEND_CHUNK).map(toMessage),
        });
      }
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      throw err;
    }
    recordPublished(this.published, writes);
    const tombstones = writes.filter((w) => w.profile === null).length;
    this.lastPublishAt = this.o.clock();
    this.o.observer?.published({ profiles: writes.length - tombstones, tombstones, at: this.lastPublishAt });
    this.stats.transactions++;
    this.stats.profilesWritten += writes.length - tombstones;
    this.stats.tombstonesWritten += tombstones;
    this.log.info({ profiles: writes.length - tombstones, tombstones }, 'device profiles published');
  }

  private derive(tagId: string, now: number) {
    const enrolment = this.enrolments.get(tagId);
    const zones = enrolment ? this.zones.zonesOf(enrolment.subjectId) : [];
    const d = deriveDeviceProfile({ tagId, enrolment, zones, now }, this.o.profile, this.o.hash);
    if (d.refreshBy === undefined) this.refreshBy.delete(tagId);
    else this.refreshBy.set(tagId, d.refreshBy);
    return d.profile;
  }

  private markSubject(subjectId: string | undefined): void {
    if (subjectId === undefined) return;
    for (const t of this.tagsOfSubject.get(subjectId) ?? []) this.dirty.add(t);
  }

  private applyPublished(r: KafkaMessage): void {
    const tagId = r.key?.toString('utf8');
    if (tagId === undefined) return;
    if (r.value === null) {
      this.published.delete(tagId);
      return;
    }
    let id = '?';
    try {
      const parsed = DeviceProfileSchema.safeParse(JSON.parse(r.value.toString('utf8')));
      if (parsed.success) id = parsed.data.profileId;
    } catch {
      // Not JSON: treated as "something else was published", so the tag is rewritten.
    }
    if (id === '?') {
      this.log.warn({ tagId, offset: r.offset }, 'unreadable device profile; will rewrite');
      this.o.observer?.rejected('device-config');
    }
    this.published.set(tagId, id);
  }

  private applyZone(r: KafkaMessage): void {
    const d = decodeZoneRecord(r.key, r.value);
    if (!d.ok) {
      const { field, reason } = safeFields(d.error);
      this.log.warn({ zoneId: d.key, field, reason, offset: r.offset }, 'zone rejected');
      this.o.observer?.rejected('zones');
      return;
    }
    const before = this.zones.get(d.key)?.subjectId;
    if (d.value === null) {
      this.zones.remove(d.key);
    } else {
      try {
        this.zones.upsert(compileZone(d.value));
      } catch {
        // The previous version stays in force, as in the worker (world-tables.ts).
        this.log.warn({ zoneId: d.key, offset: r.offset }, 'zone rejected');
        this.o.observer?.rejected('zones');
        return;
      }
    }
    this.markSubject(before);
    this.markSubject(d.value?.subjectId);
  }

  private applyEnrolment(r: KafkaMessage): void {
    const d = decodeEnrolmentRecord(r.key, r.value);
    if (!d.ok) {
      const { field, reason } = safeFields(d.error);
      this.log.warn({ tagId: d.key, field, reason, offset: r.offset }, 'enrolment rejected');
      this.o.observer?.rejected('enrolments');
      return;
    }
    const before = this.enrolments.get(d.key)?.subjectId;
    if (before !== undefined) this.tagsOfSubject.get(before)?.delete(d.key);
    if (d.value === null) this.enrolments.remove(d.key);
    else {
      this.enrolments.upsert(d.value);
      let set = this.tagsOfSubject.get(d.value.subjectId);
      if (!set) {
        set = new Set();
        this.tagsOfSubject.set(d.value.subjectId, set);
      }
      set.add(d.key);
    }
    this.dirty.add(d.key);
  }

  private async createTopics(): Promise<void> {
    const admin = this.o.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = [
        { topic: this.o.topics.deviceConfig, numPartitions: this.o.deviceConfigPartitions },
        { topic: this.o.topics.zones, numPartitions: 1 },
        { topic: this.o.topics.enrolments, numPartitions: 1 },
      ]
        .filter((t) => !existing.has(t.topic))
        .map((t) => ({ ...t, configEntries: COMPACTED }));
      if (wanted.length === 0) return;
      await createTopicsSettled(admin, wanted);
      this.log.info({ topics: wanted.map((t) => t.topic) }, 'created topics');
    } finally {
      await admin.disconnect();
    }
  }
}

function toMessage(w: ProfileWrite): { key: string; value: string | null } {
  return { key: w.tagId, value: w.profile === null ? null : JSON.stringify(w.profile) };
}
