/**
 * Feeds the CentreStore from Kafka: one GlobalTable (own random group, from the beginning, no
 * commits, read_committed) per topic, so every console process folds the whole history and then
 * follows it live. Ready once every topic has caught up with the end offsets taken at start.
 *
 * A malformed record is skipped, counted and logged by topic, offset and reason (zod's field
 * path and message, never the value), and folding continues.
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  AlertActionSchema,
  AlertSchema,
  ConsoleAuditSchema,
  decodeEnrolmentRecord,
  decodeZoneRecord,
  describeZodError,
  NotificationRecordSchema,
} from '../contract/index.js';
import { foldingHandler, GlobalTable } from '../stream/global-table.js';
import { withRetry } from '../stream/retry.js';
import type { CentreStore } from './centre-store.js';
import type { ConsoleConfig } from './config.js';
import { fastActionCheck, fastAlertCheck } from './fast-centre-check.js';
import type { ConsoleMetrics } from './metrics.js';

type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * JSON, then `fast` (a check that accepts exactly what `schema` accepts and returns the same
 * value: src/console/fast-centre-check.ts), then zod for whatever `fast` left, so every reason
 * still comes from the schema.
 */
function decodeJson<T>(
  schema: z.ZodType<T>,
  value: Buffer | null,
  fast?: (json: unknown) => T | undefined,
): Decoded<T> {
  if (value === null || value.length === 0) return { ok: false, error: 'empty value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const quick = fast?.(json);
  if (quick !== undefined) return { ok: true, value: quick };
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: describeZodError(parsed.error) };
}

export type TopicRole = keyof ConsoleConfig['topics'];

export class FoldRunner {
  private readonly tables = new Map<TopicRole, GlobalTable>();
  private startedAt = 0;
  readyAt: number | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ConsoleConfig,
    private readonly store: CentreStore,
    private readonly metrics: ConsoleMetrics,
    private readonly logger: Logger,
  ) {}

  private malformed(role: TopicRole, record: KafkaMessage, reason: string): void {
    this.metrics.malformed.inc({ topic: role });
    this.logger.warn(
      { topic: this.config.topics[role], offset: record.offset, reason },
      'malformed record skipped',
    );
  }

  /** The gauge's child per topic, resolved once: a labelled set() hashes its labels per call. */
  private readonly lagGauges = new Map<TopicRole, { set(v: number): void }>();

  private apply(role: TopicRole, record: KafkaMessage): void {
    let lag = this.lagGauges.get(role);
    if (lag === undefined) {
      lag = this.metrics.foldLag.labels({ topic: role });
      this.lagGauges.set(role, lag);
    }
    lag.set(Math.max(0, (Date.now() - Number(record.timestamp)) / 1000));
    switch (role) {
      case 'alerts': {
        const d = decodeJson(AlertSchema, record.value, fastAlertCheck);
        if (d.ok) this.store.applyAlert(d.value);
        else this.malformed(role, record, d.error);
        return;
      }
      case 'alertActions': {
        const d = decodeJson(AlertActionSchema, record.value, fastActionCheck);
        if (d.ok) this.store.applyAction(d.value);
        else this.malformed(role, record, d.error);
        return;
      }
      case 'notifications': {
        const d = decodeJson(NotificationRecordSchema, record.value);
        if (d.ok) this.store.applyNotification(d.value);
        else this.malformed(role, record, d.error);
        return;
      }
      case 'consoleAudit': {
        const d = decodeJson(ConsoleAuditSchema, record.value);
        if (d.ok) this.store.applyAudit(d.value);
        else this.malformed(role, record, d.error);
        return;
      }
      case 'zones': {
        const d = decodeZoneRecord(record.key, record.value);
        if (d.ok) this.store.applyZone(d.key, d.value);
        else this.malformed(role, record, d.error);
        return;
      }
      case 'enrolments': {
        const d = decodeEnrolmentRecord(record.key, record.value);
        if (d.ok) this.store.applyEnrolment(d.key, d.value);
        else this.malformed(role, record, d.error);
        return;
      }
      default: {
        const never: never = role;
        throw new Error(`unknown topic role ${String(never)}`);
      }
    }
  }

  /** Creates the centre's own topics when asked to; the engine's topics must exist (the worker makes them). */
  private async ensureTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await withRetry(() => admin.listTopics()));
      const { alertActions, notifications, consoleAudit } = this.config.topics;
      const mine = [alertActions, notifications, consoleAudit].filter((t) => !existing.has(t));
      if (this.config.createTopics && mine.length > 0) {
        await withRetry(() =>
          admin.createTopics({
            waitForLeaders: true,
            topics: mine.map((topic) => ({ topic, numPartitions: 3, replicationFactor: -1 })),
          }),
        );
        this.logger.info({ topics: mine }, 'created topics');
      }
      // Wait for the engine's topics rather than guess their partitioning.
      for (;;) {
        const now = new Set(await withRetry(() => admin.listTopics()));
        const missing = Object.values(this.config.topics).filter((t) => !now.has(t));
        if (missing.length === 0) return;
        this.waitingFor = missing;
        await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      this.waitingFor = [];
      await admin.disconnect();
    }
  }

  private waitingFor: string[] = [];

  /** Resolves once every topic has caught up; keeps following afterwards. */
  async start(): Promise<void> {
    this.startedAt = Date.now();
    await this.ensureTopics();
    const roles = Object.keys(this.config.topics) as TopicRole[];
    for (const role of roles) {
      this.tables.set(
        role,
        new GlobalTable({
          kafka: this.kafka,
          name: role,
          topics: [this.config.topics[role]],
          groupPrefix: `fenceline-console.${this.config.instanceId}.${role}`,
          logger: this.logger,
          handler: foldingHandler((record) => this.apply(role, record)),
          afterBatch: () => undefined,
        }),
      );
    }
    await Promise.all([...this.tables.values()].map((t) => t.start()));
    this.readyAt = Date.now();
    this.metrics.startupSeconds.set((this.readyAt - this.startedAt) / 1000);
    this.logger.info(
      { ms: this.readyAt - this.startedAt, incidents: this.store.state.incidents.size },
      'console caught up',
    );
  }

  get isReady(): boolean {
    return this.readyAt !== undefined;
  }

  readiness(): { ready: boolean; detail: Record<string, unknown> } {
    const detail: Record<string, unknown> = { incidents: this.store.state.incidents.size };
    if (this.waitingFor.length > 0) detail.waitingForTopics = this.waitingFor;
    for (const [role, table] of this.tables) detail[role] = table.detail();
    return { ready: this.isReady, detail };
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.tables.values()].map((t) => t.stop()));
  }
}
