/**
 * The notifier's imperative shell: Kafka in, HTTP out, the ledger as its only durable state.
 *
 * Start-up, and why it loses nothing through a SIGKILL:
 * 1. Read the ledger topic to its end and fold it: for every webhook-id, finished or which
 *    attempt is owed when.
 * 2. Read the alerts and operator-actions topics from the beginning (read_committed, a fresh group
 *    every start, no offsets committed) through the pure routing fold. The fold is deterministic,
 *    so it re-derives every delivery made before the crash, with the same webhook-id. Each one
 *    the ledger calls finished is skipped; one it says is owed resumes at its nextAttemptAt with
 *    the next attempt number; one it has never seen (consumed but never attempted when the
 *    process died) starts now. Nothing depends on committing consumer offsets at the right time.
 *    Alerts and escalations older than NOTIFY_CATCH_UP_S that the ledger never saw are not sent
 *    (a new rule must not page the police about last week), and are counted.
 * 3. Once caught up, a delivery the ledger still owes but that no alert re-derived (the alert
 *    left retention, or its endpoint or rule was removed) gets an `exhausted` record, so a person
 *    is told rather than nobody.
 *
 * Deliveries run on their own timers through one EndpointQueue per endpoint.
 *
 * A broker outage longer than kafkajs' retries kills the input consumer; input-consumer.ts starts
 * a new one that resumes where the fold stood (nothing folded twice, nothing skipped), and /readyz
 * says not ready until it is assigned. Ledger writes made meanwhile are retried until they land.
 */
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import {
  type Alert,
  type AlertAction,
  AlertActionSchema,
  AlertSchema,
  type NotificationRecord,
} from '../contract/index.js';
import { explainKafkaFailure } from '../kafka/explain-failure.js';
import { EndOffsetTracker } from '../stream/end-offsets.js';
import { createKafka } from '../stream/kafka-client.js';
import { EndpointQueue } from './endpoint-queue.js';
import { buildAlertEvent, CLOUDEVENTS_CONTENT_TYPE } from './event-body.js';
import { closeAgents, postOnce } from './http-attempt.js';
import { InputConsumer } from './input-consumer.js';
import { type LedgerState, pendingIds, resumeFor } from './ledger-fold.js';
import { decodeJson, LedgerWriter, readLedger } from './ledger-io.js';
import type { ResolvedEndpoint, ResolvedRouting } from './load-routing.js';
import type { NotifyConfig } from './notify-config.js';
import type { NotifyObserver } from './notify-metrics.js';
import { type AttemptResult, decideAfterAttempt } from './retry-policy.js';
import { initialRouterState, type RouteDecision, routeAction, routeAlert } from './routing.js';
import { signatureHeader } from './signature.js';
import { ensureNotifyTopics } from './topics.js';
import { webhookIdOf } from './webhook-id.js';

export const USER_AGENT = 'fenceline-notify/1';

interface Delivery {
  readonly id: string;
  readonly decision: RouteDecision;
  readonly endpoint: ResolvedEndpoint;
  /** When the alert was committed to the alerts topic (record timestamp), ms. */
  readonly committedAt: number;
  /** The attempt number due next. */
  attempt: number;
  timer?: NodeJS.Timeout | undefined;
}

export interface NotifierDeps {
  readonly logger: Logger;
  readonly observer: NotifyObserver;
  /** Jitter source; Math.random by default. */
  readonly random?: () => number;
  /** Kafka refused the notifier after start-up (credentials, certificate, ACL): it cannot go on. */
  readonly onFatal?: (err: Error) => void;
}

function resultLabel(r: AttemptResult): string {
  if (r.kind === 'error') return r.error;
  if (r.status === 429) return '429';
  return `${Math.floor(r.status / 100)}xx`;
}

export class Notifier {
  private readonly kafka: Kafka;
  private readonly endpoints: Map<string, ResolvedEndpoint>;
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly pending = new Map<string, Delivery>();
  private readonly disabled = new Set<string>();
  private readonly router = initialRouterState();
  private readonly claimed = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private ledger: LedgerState | undefined;
  private writer: LedgerWriter | undefined;
  private producer: Producer | undefined;
  private input: InputConsumer | undefined;
  private caughtUp = false;
  private stopping = false;
  private startedAt = 0;
  private readonly random: () => number;
  /** Set once Kafka refused us; start() (if still running) rejects with it. */
  private fatal: Error | undefined;
  private rejectFatal: (err: Error) => void = () => undefined;
  private readonly fatalSignal = new Promise<never>((_, reject) => {
    this.rejectFatal = reject;
  });

  constructor(
    private readonly config: NotifyConfig,
    private readonly routing: ResolvedRouting,
    private readonly deps: NotifierDeps,
  ) {
    this.kafka = createKafka(config.kafka, deps.logger);
    this.endpoints = new Map(routing.endpoints.map((e) => [e.name, e]));
    for (const e of routing.endpoints) this.queues.set(e.name, new EndpointQueue(e.maxInFlight));
    this.random = deps.random ?? Math.random;
    this.fatalSignal.catch(() => undefined);
  }

  readiness(): { ready: boolean; detail: Record<string, unknown> } {
    // Why alerts are not being read right now: Kafka refused us, or the consumer is being replaced.
    const reason = this.fatal?.message ?? this.input?.problem();
    return {
      ready: this.caughtUp && !this.stopping && reason === undefined,
      detail: {
        ledgerLoaded: this.ledger !== undefined,
        caughtUp: this.caughtUp,
        pending: this.pending.size,
        disabledEndpoints: [...this.disabled],
        ...(reason === undefined ? {} : { reason }),
      },
    };
  }

  queueDepth(endpoint: string): number {
    let n = 0;
    for (const d of this.pending.values()) if (d.endpoint.name === endpoint) n++;
    return n;
  }

  /** ms since the oldest owed alert was committed, or undefined when nothing is owed. */
  oldestUndeliveredMs(): number | undefined {
    let oldest: number | undefined;
    for (const d of this.pending.values())
      if (oldest === undefined || d.committedAt < oldest) oldest = d.committedAt;
    return oldest === undefined ? undefined : Date.now() - oldest;
  }

  /** Resolves once the ledger is folded and the inputs are read up to their start-up ends. */
  async start(): Promise<void> {
    const { config, deps } = this;
    const log = deps.logger;
    this.startedAt = Date.now();
    await ensureNotifyTopics(this.kafka, config, log);
    const groupPrefix = config.kafka.clientId;
    this.ledger = await readLedger(this.kafka, config.topics.notifications, groupPrefix, log, () =>
      deps.observer.rejected(config.topics.notifications),
    );
    log.info(
      {
        records: this.ledger.entries.size,
        owed: pendingIds(this.ledger).length,
        ignored: this.ledger.ignored,
      },
      'ledger loaded',
    );
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.writer = new LedgerWriter(this.producer, config.topics.notifications, log);

    const admin = this.kafka.admin();
    await admin.connect();
    let trackers: { topic: string; tracker: EndOffsetTracker }[];
    try {
      trackers = [
        {
          topic: config.topics.alerts,
          tracker: await EndOffsetTracker.snapshot(admin, config.topics.alerts),
        },
        {
          topic: config.topics.alertActions,
          tracker: await EndOffsetTracker.snapshot(admin, config.topics.alertActions),
        },
      ];
    } finally {
      await admin.disconnect();
    }
    this.input = new InputConsumer({
      kafka: this.kafka,
      connection: config.kafka,
      groupPrefix,
      topics: [config.topics.alerts, config.topics.alertActions],
      trackers,
      logger: log,
      onRecord: (topic, partition, m) => this.fold(topic, partition, m),
      isStopping: () => this.stopping,
      onFatal: (err) => this.fail(err),
    });
    await Promise.race([this.input.start(), this.fatalSignal]);
    await Promise.race([Promise.all(trackers.map((t) => t.tracker.done)), this.fatalSignal]);
    this.exhaustUnclaimed();
    this.caughtUp = true;
    deps.observer.ready();
    log.info({ owed: this.pending.size, ms: Date.now() - this.startedAt }, 'notifier caught up');
  }

  private fold(topic: string, partition: number, m: KafkaMessage): void {
    const committedAt = Number(m.timestamp);
    const decisions =
      topic === this.config.topics.alerts
        ? this.onAlert(m.value, partition, m.offset)
        : this.onAction(m.value, partition, m.offset);
    for (const d of decisions) this.accept(d, Number.isFinite(committedAt) ? committedAt : Date.now());
  }

  /** Kafka refused us after start-up: not ready from now on, the process is told to exit. */
  private fail(err: Error): void {
    if (this.fatal !== undefined) return;
    const refused = explainKafkaFailure(err, this.config.kafka);
    this.fatal = refused ? new Error(refused.line, { cause: err }) : err;
    this.deps.logger.fatal({ err: this.fatal }, 'notifier cannot continue');
    this.rejectFatal(this.fatal);
    this.deps.onFatal?.(this.fatal);
  }

  private onAlert(value: Buffer | null, partition: number, offset: string): RouteDecision[] {
    const decoded = decodeJson<Alert>(AlertSchema, value);
    if (!decoded.ok) return this.reject(this.config.topics.alerts, partition, offset, decoded.error);
    return routeAlert(this.router, this.routing.rules, decoded.value);
  }

  private onAction(value: Buffer | null, partition: number, offset: string): RouteDecision[] {
    const decoded = decodeJson<AlertAction>(AlertActionSchema, value);
    if (!decoded.ok) return this.reject(this.config.topics.alertActions, partition, offset, decoded.error);
    return routeAction(this.router, this.routing.rules, decoded.value);
  }

  private reject(topic: string, partition: number, offset: string, reason: string): [] {
    this.deps.observer.rejected(topic);
    this.deps.logger.warn({ topic, partition, offset, reason }, 'record rejected');
    return [];
  }

  /** A routing decision meets the ledger: skip, resume, start, or (stale) count and drop. */
  private accept(decision: RouteDecision, committedAt: number): void {
    const endpoint = this.endpoints.get(decision.endpoint);
    if (!endpoint) return; // routing only names configured endpoints; belt and braces
    const id = webhookIdOf(decision.alert.alertId, endpoint.name);
    this.claimed.add(id);
    if (this.pending.has(id)) return;
    const resume = resumeFor(this.ledger!, id);
    const delivery: Delivery = { id, decision, endpoint, committedAt, attempt: 1 };
    switch (resume.kind) {
      case 'finished':
        return;
      case 'continue':
        delivery.attempt = resume.attempt;
        this.schedule(delivery, resume.dueAt);
        return;
      case 'start':
        if (decision.triggeredAt < this.startedAt - this.config.catchUpMs) {
          this.deps.observer.staleSkipped(endpoint.name);
          this.deps.logger.warn(
            { notificationId: id, alertId: decision.alert.alertId, endpoint: endpoint.name },
            'not sent: older than NOTIFY_CATCH_UP_S and never attempted',
          );
          return;
        }
        this.schedule(delivery, Date.now());
        return;
      default: {
        const never: never = resume;
        throw new Error(`unknown resume ${String(never)}`);
      }
    }
  }

  private schedule(d: Delivery, dueAt: number): void {
    this.pending.set(d.id, d);
    // Stopping: the ledger already says this attempt is owed; the next start makes it.
    if (this.stopping) return;
    const fire = () => {
      d.timer = undefined;
      if (this.stopping) return;
      const run = this.queues
        .get(d.endpoint.name)!
        .run(() => this.attempt(d))
        .catch((err: unknown) => this.deps.logger.error({ err, notificationId: d.id }, 'attempt failed'));
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    };
    const delay = Math.max(0, dueAt - Date.now());
    if (delay === 0) fire();
    else d.timer = setTimeout(fire, delay);
  }

  private record(
    d: Delivery,
    over: Partial<NotificationRecord> & Pick<NotificationRecord, 'outcome'>,
  ): NotificationRecord {
    const r: NotificationRecord = {
      notificationId: d.id,
      alertId: d.decision.alert.alertId,
      incidentId: d.decision.incidentId,
      endpoint: d.endpoint.name,
      reason: d.decision.reason,
      attempt: d.attempt,
      at: Date.now(),
      ...over,
    };
    if (d.decision.actionId !== undefined) r.actionId = d.decision.actionId;
    return r;
  }

  /**
   * Log and append the record. Not awaited: the endpoint's slot is released as soon as the HTTP
   * answer is in (holding it through an acks=all write capped one endpoint at ~50/s on a busy
   * 2-core box). Order per id still holds: the writer is FIFO and the next attempt's record is
   * queued later. A crash before the write lands repeats the attempt with the same id.
   */
  private finish(d: Delivery, record: NotificationRecord): void {
    this.deps.observer.outcome(d.endpoint.name, record.outcome);
    const level = record.outcome === 'delivered' || record.outcome === 'retrying' ? 'info' : 'error';
    this.deps.logger[level](
      {
        notificationId: d.id,
        alertId: record.alertId,
        endpoint: record.endpoint,
        attempt: record.attempt,
        outcome: record.outcome,
        status: record.status,
        error: record.error,
      },
      record.outcome === 'exhausted' || record.outcome === 'endpoint_disabled'
        ? 'notification failed: a person must phone the force'
        : 'notification attempt',
    );
    void this.writer!.write(record);
  }

  private async attempt(d: Delivery): Promise<void> {
    if (this.stopping) return;
    const { endpoint, decision } = d;
    if (this.disabled.has(endpoint.name)) {
      this.pending.delete(d.id);
      this.finish(d, this.record(d, { outcome: 'endpoint_disabled', error: 'endpoint disabled after 410' }));
      return;
    }
    const body = JSON.stringify(
      buildAlertEvent(decision.alert, {
        webhookId: d.id,
        incidentId: decision.incidentId,
        reason: decision.reason,
        source: this.routing.source,
        consoleBaseUrl: this.routing.consoleBaseUrl,
        escalatedAt: decision.reason === 'escalation' ? decision.triggeredAt : undefined,
      }),
    );
    if (Buffer.byteLength(body) > this.routing.maxBodyBytes) {
      this.pending.delete(d.id);
      this.finish(d, this.record(d, { outcome: 'exhausted', error: 'body too large' }));
      return;
    }
    const timestampS = Math.floor(Date.now() / 1000);
    const result = await postOnce({
      url: endpoint.url,
      timeoutMs: this.routing.retry.timeoutMs,
      body,
      headers: {
        'content-type': CLOUDEVENTS_CONTENT_TYPE,
        'user-agent': USER_AGENT,
        'webhook-id': d.id,
        'webhook-timestamp': String(timestampS),
        'webhook-signature': signatureHeader(endpoint.keys, d.id, timestampS, body),
      },
    });
    this.deps.observer.attempt(endpoint.name, resultLabel(result));
    const decision2 = decideAfterAttempt(this.routing.retry, d.attempt, result, this.random());
    const now = Date.now();
    const extra: Partial<NotificationRecord> = {};
    if (result.kind === 'response' && result.status >= 100 && result.status <= 599)
      extra.status = result.status;
    if (result.kind === 'error') extra.error = result.error;
    switch (decision2.outcome) {
      case 'delivered':
        this.pending.delete(d.id);
        this.deps.observer.delivered(endpoint.name, (now - d.committedAt) / 1000);
        this.finish(d, this.record(d, { ...extra, outcome: 'delivered', at: now }));
        return;
      case 'exhausted':
        this.pending.delete(d.id);
        this.finish(d, this.record(d, { ...extra, outcome: 'exhausted', at: now }));
        return;
      case 'endpoint_disabled':
        this.pending.delete(d.id);
        this.finish(d, this.record(d, { ...extra, outcome: 'endpoint_disabled', at: now }));
        this.disable(endpoint.name);
        return;
      case 'retrying': {
        const dueAt = now + decision2.delayMs;
        this.finish(d, this.record(d, { ...extra, outcome: 'retrying', at: now, nextAttemptAt: dueAt }));
        d.attempt++;
        this.schedule(d, dueAt);
        return;
      }
      default: {
        const never: never = decision2;
        throw new Error(`unknown decision ${String(never)}`);
      }
    }
  }

  /** 410 Gone: nothing more goes to this endpoint while this process runs; owed deliveries fail now. */
  private disable(name: string): void {
    if (this.disabled.has(name)) return;
    this.disabled.add(name);
    const owed = [...this.pending.values()].filter((d) => d.endpoint.name === name && d.timer !== undefined);
    for (const d of owed) {
      clearTimeout(d.timer);
      d.timer = undefined;
      this.pending.delete(d.id);
    }
    for (const d of owed)
      this.finish(d, this.record(d, { outcome: 'endpoint_disabled', error: 'endpoint disabled after 410' }));
  }

  private exhaustUnclaimed(): void {
    for (const id of pendingIds(this.ledger!)) {
      if (this.claimed.has(id)) continue;
      const last = this.ledger!.entries.get(id)!.last;
      const record: NotificationRecord = {
        notificationId: id,
        alertId: last.alertId,
        incidentId: last.incidentId,
        endpoint: last.endpoint,
        reason: last.reason,
        attempt: last.attempt + 1,
        at: Date.now(),
        outcome: 'exhausted',
        error: 'owed at start-up but no longer routed (alert gone or route removed)',
      };
      if (last.actionId !== undefined) record.actionId = last.actionId;
      this.deps.observer.outcome(last.endpoint, 'exhausted');
      this.deps.logger.error(
        { notificationId: id, alertId: last.alertId, endpoint: last.endpoint },
        record.error!,
      );
      void this.writer!.write(record);
    }
  }

  /** Prompt stop: timers cleared, input consumer left, in-flight attempts given a moment, ledger flushed. */
  async stop(graceMs = 3_000): Promise<void> {
    this.stopping = true;
    for (const d of this.pending.values()) clearTimeout(d.timer);
    for (const q of this.queues.values()) q.clear();
    await this.input?.stop();
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, graceMs))]);
    await this.writer?.flush(graceMs);
    await this.producer?.disconnect().catch(() => undefined);
    closeAgents();
  }
}
