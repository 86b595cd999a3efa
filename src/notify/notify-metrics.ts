/**
 * The notifier's metrics, in one table (prefix fenceline_notify_, unit suffixes). The notifier
 * calls the small Observer interface; only this module touches prom-client.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const NOTIFY_METRIC_NAMES = {
  deliveryLatencySeconds: 'fenceline_notify_delivery_latency_seconds',
  attemptsTotal: 'fenceline_notify_attempts_total',
  outcomesTotal: 'fenceline_notify_outcomes_total',
  queueDepth: 'fenceline_notify_queue_depth',
  oldestUndeliveredAgeSeconds: 'fenceline_notify_oldest_undelivered_age_seconds',
  recordsRejectedTotal: 'fenceline_notify_records_rejected_total',
  staleSkippedTotal: 'fenceline_notify_stale_skipped_total',
  ready: 'fenceline_notify_ready',
} as const;

export interface NotifyObserver {
  /** An attempt finished: `result` is the status class (2xx, 4xx, 429, 5xx...) or the error phrase. */
  attempt(endpoint: string, result: string): void;
  outcome(endpoint: string, outcome: string): void;
  delivered(endpoint: string, latencyS: number): void;
  rejected(topic: string): void;
  staleSkipped(endpoint: string): void;
  ready(): void;
}

export interface NotifyMetrics extends NotifyObserver {
  readonly registry: Registry;
}

export function createNotifyMetrics(
  endpoints: readonly string[],
  gauges: { queueDepth: (endpoint: string) => number; oldestUndeliveredMs: () => number | undefined },
): NotifyMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'fenceline_notify_' });
  const registers = [registry];
  const latency = new Histogram({
    name: NOTIFY_METRIC_NAMES.deliveryLatencySeconds,
    help: 'Time from the alert being committed to the alerts topic to a 2xx from the endpoint',
    labelNames: ['endpoint'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers,
  });
  const attempts = new Counter({
    name: NOTIFY_METRIC_NAMES.attemptsTotal,
    help: 'HTTP attempts per endpoint, by result (status class or error)',
    labelNames: ['endpoint', 'result'],
    registers,
  });
  const outcomes = new Counter({
    name: NOTIFY_METRIC_NAMES.outcomesTotal,
    help: 'Ledger outcomes per endpoint (delivered, retrying, exhausted, endpoint_disabled)',
    labelNames: ['endpoint', 'outcome'],
    registers,
  });
  new Gauge({
    name: NOTIFY_METRIC_NAMES.queueDepth,
    help: 'Deliveries owed per endpoint (waiting for a slot or for their next attempt)',
    labelNames: ['endpoint'],
    registers,
    collect() {
      for (const e of endpoints) this.set({ endpoint: e }, gauges.queueDepth(e));
    },
  });
  new Gauge({
    name: NOTIFY_METRIC_NAMES.oldestUndeliveredAgeSeconds,
    help: 'Age of the oldest alert still owed a delivery (0 when none)',
    registers,
    collect() {
      const ms = gauges.oldestUndeliveredMs();
      this.set(ms === undefined ? 0 : Math.max(0, ms) / 1000);
    },
  });
  const rejected = new Counter({
    name: NOTIFY_METRIC_NAMES.recordsRejectedTotal,
    help: 'Records that failed to decode, by topic (logged by offset, never by content)',
    labelNames: ['topic'],
    registers,
  });
  const stale = new Counter({
    name: NOTIFY_METRIC_NAMES.staleSkippedTotal,
    help: 'Deliveries not sent at start-up because their alert was older than NOTIFY_CATCH_UP_S',
    labelNames: ['endpoint'],
    registers,
  });
  const ready = new Gauge({ name: NOTIFY_METRIC_NAMES.ready, help: '1 once caught up', registers });
  for (const e of endpoints) {
    for (const o of ['delivered', 'retrying', 'exhausted', 'endpoint_disabled'])
      outcomes.inc({ endpoint: e, outcome: o }, 0);
  }
  return {
    registry,
    attempt: (endpoint, result) => attempts.inc({ endpoint, result }),
    outcome: (endpoint, outcome) => outcomes.inc({ endpoint, outcome }),
    delivered: (endpoint, s) => latency.observe({ endpoint }, Math.max(0, s)),
    rejected: (topic) => rejected.inc({ topic }),
    staleSkipped: (endpoint) => stale.inc({ endpoint }),
    ready: () => ready.set(1),
  };
}
