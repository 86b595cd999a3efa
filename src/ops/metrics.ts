/**
 * Every metric Fenceline exports, in one table (prefix fenceline_, unit suffixes), and the one
 * place they are updated: subscriptions to the stream layer's events. The stream layer never
 * imports prom-client; it emits once per batch and this module turns that into samples.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { type AlertSample, BATCH_OUTCOMES, STREAM_EVENTS, type StreamEvents } from '../stream/events.js';

export const METRIC_PREFIX = 'fenceline_';

const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** The table of names. Changing a name is a breaking change for dashboards. */
export const METRIC_NAMES = {
  pingsTotal: `${METRIC_PREFIX}pings_total`,
  alertsTotal: `${METRIC_PREFIX}alerts_total`,
  dlqTotal: `${METRIC_PREFIX}dlq_total`,
  alertLatencySeconds: `${METRIC_PREFIX}alert_latency_seconds`,
  batchDurationSeconds: `${METRIC_PREFIX}batch_duration_seconds`,
  consumerLag: `${METRIC_PREFIX}consumer_lag`,
  zonesLoaded: `${METRIC_PREFIX}zones_loaded`,
  enrolmentsLoaded: `${METRIC_PREFIX}enrolments_loaded`,
  zonesRejectedTotal: `${METRIC_PREFIX}zones_rejected_total`,
  enrolmentsRejectedTotal: `${METRIC_PREFIX}enrolments_rejected_total`,
  stateRestoreSeconds: `${METRIC_PREFIX}state_restore_seconds`,
  stateTags: `${METRIC_PREFIX}state_tags`,
  commitFailuresTotal: `${METRIC_PREFIX}commit_failures_total`,
  commitFailureStreak: `${METRIC_PREFIX}commit_failure_streak`,
  tablesReady: `${METRIC_PREFIX}tables_ready`,
  tableFailuresTotal: `${METRIC_PREFIX}table_failures_total`,
} as const;

export interface Metrics {
  readonly registry: Registry;
  /** Remove the event subscriptions (the registry keeps its last values). */
  detach(): void;
}

/** Create a registry (one per worker, so in-process test workers never share counters) and subscribe. */
export function createMetrics(events: StreamEvents, registry: Registry = new Registry()): Metrics {
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];
  const pings = new Counter({
    name: METRIC_NAMES.pingsTotal,
    help: 'Pings consumed, by outcome (engine outcomes, or invalid = sent to the DLQ)',
    labelNames: ['outcome'],
    registers,
  });
  const alerts = new Counter({
    name: METRIC_NAMES.alertsTotal,
    help: 'Alerts committed to the alerts topic, by type',
    labelNames: ['type'],
    registers,
  });
  const dlq = new Counter({ name: METRIC_NAMES.dlqTotal, help: 'Pings sent to the DLQ', registers });
  const latency = new Histogram({
    name: METRIC_NAMES.alertLatencySeconds,
    help: 'Time from the fix ts (from="fix_ts") or the broker append time (from="append") to the alert being committed',
    labelNames: ['from'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const batchDuration = new Histogram({
    name: METRIC_NAMES.batchDurationSeconds,
    help: 'Time to process and commit one batch of one partition',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const lag = new Gauge({
    name: METRIC_NAMES.consumerLag,
    help: 'Pings not yet consumed, per owned input partition, after the last batch',
    labelNames: ['partition'],
    registers,
  });
  const zones = new Gauge({ name: METRIC_NAMES.zonesLoaded, help: 'Zones in the index', registers });
  const enrolments = new Gauge({ name: METRIC_NAMES.enrolmentsLoaded, help: 'Enrolments loaded', registers });
  const zonesRejected = new Counter({
    name: METRIC_NAMES.zonesRejectedTotal,
    help: 'Zone records rejected (decode, contract or geometry)',
    registers,
  });
  const enrolmentsRejected = new Counter({
    name: METRIC_NAMES.enrolmentsRejectedTotal,
    help: 'Enrolment records rejected',
    registers,
  });
  const restore = new Histogram({
    name: METRIC_NAMES.stateRestoreSeconds,
    help: 'Time to restore tag state from the changelog, per restore (one or more partitions)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const stateTags = new Gauge({ name: METRIC_NAMES.stateTags, help: 'Tag states held in memory', registers });
  const commitFailures = new Counter({
    name: METRIC_NAMES.commitFailuresTotal,
    help: 'Failed transactions or commits (each followed by a partition recovery)',
    registers,
  });
  const commitStreak = new Gauge({
    name: METRIC_NAMES.commitFailureStreak,
    help: 'Consecutive commits of an owned partition that failed the same way (2+: stuck, alert on it)',
    labelNames: ['partition'],
    registers,
  });
  const tablesReady = new Gauge({
    name: METRIC_NAMES.tablesReady,
    help: '1 once the zones and enrolments tables caught up at start-up; 0 while one is rebuilt after a failure',
    registers,
  });

  const tableFailures = new Counter({
    name: METRIC_NAMES.tableFailuresTotal,
    help: 'Zones/enrolments consumer failures (each rebuilds the table aside; the worker is not ready meanwhile)',
    labelNames: ['table'],
    registers,
  });
  const failing = new Set<string>();

  const observeAlerts = (samples: readonly AlertSample[]) => {
    for (const s of samples) {
      alerts.inc({ type: s.type });
      latency.observe({ from: 'fix_ts' }, Math.max(0, s.fromFixS));
      if (!Number.isNaN(s.fromAppendS)) latency.observe({ from: 'append' }, Math.max(0, s.fromAppendS));
    }
  };

  const off = [
    events.on(STREAM_EVENTS.batchCommitted, (e) => {
      for (const [outcome, n] of Object.entries(e.outcomes)) if (n > 0) pings.inc({ outcome }, n);
      if (e.dlq > 0) dlq.inc(e.dlq);
      batchDuration.observe(e.durationS);
      observeAlerts(e.alerts);
      commitStreak.set({ partition: String(e.partition) }, 0);
    }),
    events.on(STREAM_EVENTS.sweepCommitted, (e) => {
      observeAlerts(e.alerts);
      commitStreak.set({ partition: String(e.partition) }, 0);
    }),
    events.on(STREAM_EVENTS.commitFailed, (e) => {
      commitFailures.inc();
      commitStreak.set({ partition: String(e.partition) }, e.consecutive);
    }),
    events.on(STREAM_EVENTS.stateRestored, (e) => restore.observe(e.durationS)),
    events.on(STREAM_EVENTS.stateSize, (e) => stateTags.set(e.tags)),
    events.on(STREAM_EVENTS.tableSize, (e) => (e.table === 'zones' ? zones : enrolments).set(e.size)),
    events.on(STREAM_EVENTS.zoneRejected, () => zonesRejected.inc()),
    events.on(STREAM_EVENTS.enrolmentRejected, () => enrolmentsRejected.inc()),
    events.on(STREAM_EVENTS.tablesCaughtUp, () => tablesReady.set(failing.size === 0 ? 1 : 0)),
    events.on(STREAM_EVENTS.tableFailed, (e) => {
      failing.add(e.table);
      tableFailures.inc({ table: e.table });
      tablesReady.set(0);
    }),
    events.on(STREAM_EVENTS.tableRebuilt, (e) => {
      failing.delete(e.table);
      if (failing.size === 0) tablesReady.set(1);
    }),
    events.on(STREAM_EVENTS.consumerLag, (e) => lag.set({ partition: String(e.partition) }, e.lag)),
    events.on(STREAM_EVENTS.assignmentChanged, () => lag.reset()),
  ];
  // Make the valid-outcome and invalid series exist from the start, so a scrape shows zeros.
  for (const outcome of BATCH_OUTCOMES) pings.inc({ outcome }, 0);
  zonesRejected.inc(0);
  dlq.inc(0);
  tableFailures.inc({ table: 'zones' }, 0);
  tableFailures.inc({ table: 'enrolments' }, 0);

  return {
    registry,
    detach() {
      for (const f of off) f();
    },
  };
}
