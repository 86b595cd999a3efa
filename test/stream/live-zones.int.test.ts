/**
 * Zone changes take effect while the worker runs, for fixes read after the change: an added zone
 * alerts, a moved zone alerts at its new place (with its new version) and not at its old one, a
 * deleted zone alerts no more. A zone that does not compile is rejected with a log line naming
 * its zoneId and the field, never its label or coordinates.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Alert, Ping, Zone } from '../../src/contract/index.js';
import type { RunningWorker } from '../../src/ops/worker-runtime.js';
import { produce } from '../setup/kafka-test-utils.js';
import {
  capturedLogs,
  findLeaks,
  metricSum,
  publishTables,
  readAlerts,
  scrape,
  startTestWorker,
  uniqueNames,
  waitFor,
  workerConfig,
} from './fixtures/worker-harness.js';

const brokers = inject('kafkaBrokers');
const T0 = Date.UTC(2026, 3, 1, 12, 0, 0);

const P_B: [number, number] = [51.601234, -0.204567]; // [lat, lon]
const P_A_OLD: [number, number] = [51.551234, -0.104567];
const P_A_NEW: [number, number] = [51.558234, -0.104567]; // ~780 m north
const P_C: [number, number] = [51.521234, -0.154567];
const BAD_LABEL = "victim's flat 12b, do not disclose";
const BAD_RING = [
  [-0.301234, 51.401234],
  [-0.291234, 51.411234],
  [-0.281234, 51.421234],
  [-0.301234, 51.401234],
];

function circle(zoneId: string, subjectId: string, [lat, lon]: [number, number], version: number): Zone {
  return {
    zoneId,
    subjectId,
    kind: 'exclusion',
    geometry: { type: 'Point', coordinates: [lon, lat] },
    radiusM: 300,
    label: `${zoneId} secret label`,
    version,
  };
}

describe('live zone changes', () => {
  const names = uniqueNames('zones');
  let worker: RunningWorker;
  const sentFixes: Ping[] = [];
  let sent = 0;

  const fix = async (tagId: string, [lat, lon]: [number, number], minute: number) => {
    const p: Ping = { tagId, ts: T0 + minute * 60_000, lat, lon, accuracyM: 10 };
    sentFixes.push(p);
    await produce(brokers, names.pings, [{ key: tagId, value: JSON.stringify(p) }]);
    sent++;
    await waitFor(
      'the fix to be consumed',
      () => scrape(worker.httpPort),
      (t) => metricSum(t, 'fenceline_pings_total') >= sent,
    );
  };
  const zonesLoaded = (n: number) =>
    waitFor(
      `${n} zones loaded`,
      () => scrape(worker.httpPort),
      (t) => metricSum(t, 'fenceline_zones_loaded') === n,
    );
  const putZones = (records: { key: string; value: Zone | null }[]) =>
    produce(
      brokers,
      names.zones,
      records.map((r) => ({ key: r.key, value: r.value === null ? null : JSON.stringify(r.value) })),
    );

  beforeAll(async () => {
    await publishTables(
      brokers,
      names,
      [circle('zone-A', 'subj-2', P_A_OLD, 1), circle('zone-C', 'subj-3', P_C, 1)],
      [
        { tagId: 'tag-1', subjectId: 'subj-1' },
        { tagId: 'tag-2', subjectId: 'subj-2' },
        { tagId: 'tag-3', subjectId: 'subj-3' },
        { tagId: 'tag-4', subjectId: 'subj-3' },
      ],
      1,
    );
    // One confirmed fix per check is enough to show which zones apply: rule 1.0 ("single fix
    // confirms") keeps this test about zone changes, not about confirmation (corroborated.test.ts).
    worker = await startTestWorker(
      workerConfig(brokers, names, { PINGS_PARTITIONS: '1', CONFIRM_RULE: 'single-fix' }),
    );
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('acts on added, moved and deleted zones for fixes after the change', async () => {
    await zonesLoaded(2);
    // Added: nothing at P_B before zone-B exists, ENTERED after.
    await fix('tag-1', P_B, 1);
    await putZones([{ key: 'zone-B', value: circle('zone-B', 'subj-1', P_B, 1) }]);
    await zonesLoaded(3);
    await fix('tag-1', P_B, 2);

    // Moved (with a marker zone behind it, so the count says the move was read).
    await putZones([
      { key: 'zone-A', value: circle('zone-A', 'subj-2', P_A_NEW, 2) },
      { key: 'zone-M', value: circle('zone-M', 'subj-9', P_C, 1) },
    ]);
    await zonesLoaded(4);
    await fix('tag-2', P_A_OLD, 1);
    await fix('tag-2', P_A_NEW, 3);

    // Deleted: zone-C alerts for tag-3 before, not for tag-4 after.
    await fix('tag-3', P_C, 1);
    await putZones([{ key: 'zone-C', value: null }]);
    await zonesLoaded(3);
    await fix('tag-4', P_C, 1);

    const alerts = await readAlerts(brokers, names.alerts, 0);
    const entered = (tagId: string) =>
      alerts.filter((a: Alert) => a.tagId === tagId && a.type === 'EXCLUSION_ENTERED');
    expect(entered('tag-1').map((a) => [a.zoneId, a.ts])).toEqual([['zone-B', T0 + 2 * 60_000]]);
    expect(entered('tag-2').map((a) => [a.zoneId, a.zoneVersion, a.ts])).toEqual([
      ['zone-A', 2, T0 + 3 * 60_000],
    ]);
    expect(entered('tag-3').map((a) => a.zoneId)).toEqual(['zone-C']);
    expect(entered('tag-4')).toEqual([]);
  });

  it('rejects a zone that does not compile, naming the zoneId and field only', async () => {
    const before = metricSum(await scrape(worker.httpPort), 'fenceline_zones_rejected_total');
    const collinear = {
      zoneId: 'zone-bad',
      subjectId: 'subj-1',
      kind: 'exclusion',
      geometry: { type: 'Polygon', coordinates: [BAD_RING] },
      label: BAD_LABEL,
    };
    const outOfRange = {
      ...collinear,
      zoneId: 'zone-bad-2',
      geometry: { type: 'Point', coordinates: [-0.311234, 95.5] },
    };
    await produce(brokers, names.zones, [
      { key: 'zone-bad', value: JSON.stringify(collinear) },
      { key: 'zone-bad-2', value: JSON.stringify({ ...outOfRange, radiusM: 100 }) },
      { key: 'zone-bad-3', value: `{"zoneId":"zone-bad-3","label":"${BAD_LABEL}", "geometry": [51.431234` },
    ]);
    await waitFor(
      'three rejections',
      () => scrape(worker.httpPort),
      (t) => metricSum(t, 'fenceline_zones_rejected_total') === before + 3,
    );
    const lines = capturedLogs.filter((l) => l.includes('zone rejected')).map((l) => JSON.parse(l));
    const byId = new Map(lines.map((l) => [l.zoneId, l]));
    expect(byId.get('zone-bad')?.field).toMatch(/^geometry\.coordinates/);
    expect(byId.get('zone-bad-2')?.field).toMatch(/^geometry\.coordinates/);
    expect(byId.get('zone-bad-3')?.field).toBe('(value)');
  });

  it('never logs a zone label or a coordinate', () => {
    const labels = [BAD_LABEL, 'secret label'];
    const coordinates = [
      ...P_B,
      ...P_A_OLD,
      ...P_A_NEW,
      ...P_C,
      ...BAD_RING.flat(),
      -0.311234,
      95.5,
      51.431234,
    ].map(String);
    for (const p of sentFixes) coordinates.push(String(p.lat), String(p.lon));
    expect(capturedLogs.length).toBeGreaterThan(5);
    expect(findLeaks(capturedLogs, { labels, coordinates })).toEqual([]);
  });
});
