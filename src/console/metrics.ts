/**
 * Every console metric in one table (prefix fenceline_console_, unit suffixes). Open incidents
 * per severity are read from the fold when scraped, so they can never drift from it.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CentreState } from '../centre/index.js';
import type { Severity } from '../contract/index.js';

const PREFIX = 'fenceline_console_';
const SLA_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600];

export interface ConsoleMetrics {
  registry: Registry;
  timeToAck: Histogram<'severity'>;
  timeToClose: Histogram<'severity'>;
  clients: Gauge;
  foldLag: Gauge<'topic'>;
  malformed: Counter<'topic'>;
  actions: Counter<'kind' | 'verdict'>;
  startupSeconds: Gauge;
}

export function createConsoleMetrics(
  state: () => CentreState,
  deviceTags: () => number = () => 0,
): ConsoleMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];
  new Gauge({
    name: `${PREFIX}open_incidents`,
    help: 'Incidents not yet closed, by severity',
    labelNames: ['severity'],
    registers,
    collect() {
      const counts: Record<Severity, number> = { P1: 0, P2: 0, P3: 0 };
      for (const i of state().incidents.values()) if (i.status !== 'closed') counts[i.severity] += 1;
      for (const [severity, n] of Object.entries(counts)) this.set({ severity }, n);
    },
  });
  new Gauge({
    name: `${PREFIX}device_tags`,
    help: 'Tags whose device status (from pings) this console holds',
    registers,
    collect() {
      this.set(deviceTags());
    },
  });
  return {
    registry,
    timeToAck: new Histogram({
      name: `${PREFIX}time_to_acknowledge_seconds`,
      help: "From the alert's emission to the first acknowledge, by severity",
      labelNames: ['severity'],
      buckets: SLA_BUCKETS,
      registers,
    }),
    timeToClose: new Histogram({
      name: `${PREFIX}time_to_close_seconds`,
      help: "From the alert's emission to the close, by severity",
      labelNames: ['severity'],
      buckets: SLA_BUCKETS,
      registers,
    }),
    clients: new Gauge({
      name: `${PREFIX}event_stream_clients`,
      help: 'Connected event-stream clients',
      registers,
    }),
    foldLag: new Gauge({
      name: `${PREFIX}fold_lag_seconds`,
      help: 'Age (append time to fold) of the last record folded, by topic',
      labelNames: ['topic'],
      registers,
    }),
    malformed: new Counter({
      name: `${PREFIX}malformed_records_total`,
      help: 'Records skipped because they did not decode, by topic',
      labelNames: ['topic'],
      registers,
    }),
    actions: new Counter({
      name: `${PREFIX}actions_total`,
      help: 'Actions requested through this console, by kind and verdict',
      labelNames: ['kind', 'verdict'],
      registers,
    }),
    startupSeconds: new Gauge({
      name: `${PREFIX}startup_seconds`,
      help: 'Time from start to caught up with every topic',
      registers,
    }),
  };
}
