/**
 * The profile publisher's metrics, in one table (prefix fenceline_profiles_, unit suffixes). The
 * publisher calls the small observer interface (src/stream/profile-publisher.ts); only this
 * module touches prom-client. Gauges that mirror the publisher's state are read at scrape time.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ProfilesObserver } from '../stream/profile-publisher.js';

export const PROFILES_METRIC_PREFIX = 'fenceline_profiles_';

/** The table of names. Changing a name is a breaking change for dashboards. */
export const PROFILES_METRIC_NAMES = {
  publishedTotal: `${PROFILES_METRIC_PREFIX}published_total`,
  tombstonesTotal: `${PROFILES_METRIC_PREFIX}tombstones_total`,
  transactionsTotal: `${PROFILES_METRIC_PREFIX}transactions_total`,
  rejectedInputsTotal: `${PROFILES_METRIC_PREFIX}rejected_inputs_total`,
  lastPublishTimestampSeconds: `${PROFILES_METRIC_PREFIX}last_publish_timestamp_seconds`,
  tags: `${PROFILES_METRIC_PREFIX}tags`,
  zonesLoaded: `${PROFILES_METRIC_PREFIX}zones_loaded`,
  enrolmentsLoaded: `${PROFILES_METRIC_PREFIX}enrolments_loaded`,
  ready: `${PROFILES_METRIC_PREFIX}ready`,
} as const;

export interface ProfilesMetrics extends ProfilesObserver {
  readonly registry: Registry;
}

export interface ProfilesGauges {
  sizes(): { published: number; zones: number; enrolments: number };
  readiness(): { ready: boolean };
}

/** One registry per publisher (an in-process demo publisher never shares the worker's). */
export function createProfilesMetrics(state: () => ProfilesGauges | undefined): ProfilesMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PROFILES_METRIC_PREFIX });
  const registers = [registry];
  const published = new Counter({
    name: PROFILES_METRIC_NAMES.publishedTotal,
    help: 'Device profiles written to the device-config topic (committed)',
    registers,
  });
  const tombstones = new Counter({
    name: PROFILES_METRIC_NAMES.tombstonesTotal,
    help: 'Tombstones written (a tag lost its profile: enrolment ended, zones deleted or expired)',
    registers,
  });
  const transactions = new Counter({
    name: PROFILES_METRIC_NAMES.transactionsTotal,
    help: 'Transactions committed to the device-config topic',
    registers,
  });
  const rejected = new Counter({
    name: PROFILES_METRIC_NAMES.rejectedInputsTotal,
    help: 'Input records rejected, by topic (zones, enrolments; device-config = unreadable read-back, rewritten)',
    labelNames: ['topic'],
    registers,
  });
  const lastPublish = new Gauge({
    name: PROFILES_METRIC_NAMES.lastPublishTimestampSeconds,
    help: 'When the last transaction with profile changes committed, Unix seconds (0: none since start)',
    registers,
  });
  new Gauge({
    name: PROFILES_METRIC_NAMES.tags,
    help: 'Tags with a profile on the device-config topic',
    registers,
    collect() {
      this.set(state()?.sizes().published ?? 0);
    },
  });
  new Gauge({
    name: PROFILES_METRIC_NAMES.zonesLoaded,
    help: 'Zones in the table the profiles are derived from',
    registers,
    collect() {
      this.set(state()?.sizes().zones ?? 0);
    },
  });
  new Gauge({
    name: PROFILES_METRIC_NAMES.enrolmentsLoaded,
    help: 'Enrolments in the table the profiles are derived from',
    registers,
    collect() {
      this.set(state()?.sizes().enrolments ?? 0);
    },
  });
  new Gauge({
    name: PROFILES_METRIC_NAMES.ready,
    help: '1 once caught up with zones and enrolments and their profiles committed (as /readyz)',
    registers,
    collect() {
      this.set(state()?.readiness().ready ? 1 : 0);
    },
  });
  // Series exist from the start, so a scrape shows zeros rather than nothing.
  for (const topic of ['zones', 'enrolments', 'device-config']) rejected.inc({ topic }, 0);
  lastPublish.set(0);

  return {
    registry,
    published(e) {
      transactions.inc();
      if (e.profiles > 0) published.inc(e.profiles);
      if (e.tombstones > 0) tombstones.inc(e.tombstones);
      lastPublish.set(e.at / 1000);
    },
    rejected(topic) {
      rejected.inc({ topic });
    },
  };
}
