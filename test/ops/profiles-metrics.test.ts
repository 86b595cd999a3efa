/** The publisher's metrics table: what the observer is told becomes samples; gauges read state at scrape. */
import { describe, expect, it } from 'vitest';
import { createProfilesMetrics, PROFILES_METRIC_NAMES } from '../../src/ops/profiles-metrics.js';

const value = async (m: ReturnType<typeof createProfilesMetrics>, name: string, labels = {}) => {
  const metric = await m.registry.getSingleMetric(name)!.get();
  return metric.values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value;
};

describe('profiles metrics', () => {
  it('given no publisher yet, then every series exists at zero and ready is 0', async () => {
    const m = createProfilesMetrics(() => undefined);
    expect(await value(m, PROFILES_METRIC_NAMES.ready)).toBe(0);
    expect(await value(m, PROFILES_METRIC_NAMES.rejectedInputsTotal, { topic: 'zones' })).toBe(0);
    expect(await value(m, PROFILES_METRIC_NAMES.lastPublishTimestampSeconds)).toBe(0);
    expect(await value(m, PROFILES_METRIC_NAMES.tags)).toBe(0);
  });

  it('given two commits and a rejected enrolment, then the counters and the last publish time follow', async () => {
    const state = { published: 7, zones: 9, enrolments: 8, ready: true };
    const m = createProfilesMetrics(() => ({
      sizes: () => state,
      readiness: () => ({ ready: state.ready }),
    }));
    m.published({ profiles: 7, tombstones: 0, at: 1_000_000 });
    m.published({ profiles: 1, tombstones: 2, at: 2_500_000 });
    m.rejected('enrolments');
    expect(await value(m, PROFILES_METRIC_NAMES.publishedTotal)).toBe(8);
    expect(await value(m, PROFILES_METRIC_NAMES.tombstonesTotal)).toBe(2);
    expect(await value(m, PROFILES_METRIC_NAMES.transactionsTotal)).toBe(2);
    expect(await value(m, PROFILES_METRIC_NAMES.rejectedInputsTotal, { topic: 'enrolments' })).toBe(1);
    expect(await value(m, PROFILES_METRIC_NAMES.lastPublishTimestampSeconds)).toBe(2_500);
    expect(await value(m, PROFILES_METRIC_NAMES.tags)).toBe(7);
    expect(await value(m, PROFILES_METRIC_NAMES.zonesLoaded)).toBe(9);
    expect(await value(m, PROFILES_METRIC_NAMES.ready)).toBe(1);
    state.ready = false;
    expect(await value(m, PROFILES_METRIC_NAMES.ready)).toBe(0);
  });
});
