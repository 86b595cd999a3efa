/**
 * The ledger topic's two sides: read it to its end at start-up (folded by ledger-fold.ts), and
 * append records in order through one idempotent producer.
 *
 * Writes are serialised (one send in flight; the kafkajs note: concurrent sends on an idempotent
 * producer have caused sequence errors) and batched (whatever queued while a send was in flight
 * goes in the next one). A failed send is retried until it succeeds or the notifier stops: an
 * `exhausted` record that never lands is a P1 the console never shows.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { describeZodError, type NotificationRecord, NotificationRecordSchema } from '../contract/index.js';
import { EndOffsetTracker } from '../stream/end-offsets.js';
import { foldLedgerRecord, initialLedgerState, type LedgerState } from './ledger-fold.js';

/** JSON object → schema, or a reason (never the content). */
export function decodeJson<T>(
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError };
  },
  value: Buffer | null,
): { ok: true; value: T } | { ok: false; error: string } {
  if (value === null || value.length === 0) return { ok: false, error: 'empty value' };
  if (value.length > 256 * 1024) return { ok: false, error: `value too large: ${value.length} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return { ok: false, error: 'not a JSON object' };
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: describeZodError(parsed.error) };
}

/** Read the ledger from the beginning to the end offsets it had when called; fold every record. */
export async function readLedger(
  kafka: Kafka,
  topic: string,
  groupPrefix: string,
  logger: Logger,
  onRejected: () => void,
): Promise<LedgerState> {
  const state = initialLedgerState();
  const admin = kafka.admin();
  await admin.connect();
  let tracker: EndOffsetTracker;
  try {
    tracker = await EndOffsetTracker.snapshot(admin, topic);
  } finally {
    await admin.disconnect();
  }
  if (tracker.isDone) return state;
  const consumer = kafka.consumer({
    groupId: `${groupPrefix}.ledger.${randomUUID()}`,
    maxWaitTimeInMs: 100,
    readUncommitted: false,
  });
  tracker.follow(consumer, topic);
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const decoded = decodeJson(NotificationRecordSchema, m.value);
          if (decoded.ok) foldLedgerRecord(state, decoded.value);
          else {
            onRejected();
            logger.warn(
              { topic, partition: batch.partition, offset: m.offset, reason: decoded.error },
              'ledger record rejected',
            );
          }
        }
      },
    });
    await tracker.done;
  } finally {
    await consumer.disconnect();
  }
  return state;
}

interface Queued {
  readonly record: NotificationRecord;
  readonly done: () => void;
}

export class LedgerWriter {
  private readonly queue: Queued[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {}

  /** Resolves once the record is acknowledged by the broker (acks=all), or the writer stopped. */
  write(record: NotificationRecord): Promise<void> {
    return new Promise((done) => {
      this.queue.push({ record, done });
      this.running ??= this.loop().finally(() => {
        this.running = undefined;
      });
    });
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      for (let attempt = 1; ; attempt++) {
        try {
          await this.producer.send({
            topic: this.topic,
            acks: -1,
            messages: batch.map((q) => ({ key: q.record.notificationId, value: JSON.stringify(q.record) })),
          });
          break;
        } catch (err) {
          if (this.stopped) break;
          this.logger.error({ err, records: batch.length, attempt }, 'ledger write failed; retrying');
          await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * attempt)));
        }
      }
      for (const q of batch) q.done();
    }
  }

  /** Wait for queued writes (bounded by the caller), then stop retrying. */
  async flush(timeoutMs: number): Promise<void> {
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, timeoutMs))]);
    this.stopped = true;
  }
}
