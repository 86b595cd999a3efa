/**
 * The profile publisher as a service (src/ops/profiles-runtime.ts) on a real broker: /healthz
 * answers at once; /readyz is 503 until the zones and enrolments are caught up and their profiles
 * committed (never ready with a partial table), then 200; /metrics counts profiles published,
 * tombstones, rejected inputs and the last publish time. Against a broker it cannot reach it is
 * alive but never ready, and stops promptly.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Enrolment, Zone } from '../../src/contract/index.js';
import { DEFAULT_PROFILE_CONFIG } from '../../src/engine/index.js';
import { loadProfilesConfig } from '../../src/ops/profiles-config.js';
import { type RunningProfiles, startProfiles } from '../../src/ops/profiles-runtime.js';
import { createTopics, produce, uniqueTopic } from '../setup/kafka-test-utils.js';
import { capturedLogs, captureLogger } from '../stream/fixtures/worker-harness.js';

const brokers = inject('kafkaBrokers');
const SECRET = 'runtime-test-secret-0123456789abcdefghij';
const ZONES = 300;
const LABEL = 'victim home label do not log';

function zone(i: number): Zone {
  return {
    zoneId: `Z${i}`,
    subjectId: `S${i}`,
    kind: 'exclusion',
    geometry: { type: 'Point', coordinates: [-0.1 + i * 0.001, 51.5 + i * 0.0005] },
    radiusM: 200,
    warningM: 400,
    label: LABEL,
  };
}

const get = async (port: number, path: string) => {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
};
const metric = (text: string, name: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
};

function config(env: Record<string, string>) {
  return loadProfilesConfig({
    PROFILE_SECRET: SECRET,
    PROFILES_HTTP_PORT: '0',
    PROFILE_FLUSH_MS: '100',
    ...env,
  });
}
const deps = () => ({
  logger: captureLogger(),
  profile: DEFAULT_PROFILE_CONFIG,
  hash: (m: string) => createHmac('sha256', SECRET).update(m).digest(),
});

describe('profile publisher service on a real broker', () => {
  const stamp = uniqueTopic('prt');
  const env = {
    KAFKA_BROKERS: brokers,
    TOPIC_ZONES: `${stamp}.zones`,
    TOPIC_ENROLMENTS: `${stamp}.enrolments`,
    TOPIC_DEVICE_CONFIG: `${stamp}.device-config`,
    PROFILES_TRANSACTIONAL_ID: `${stamp}.tx`,
  };
  let running: RunningProfiles | undefined;

  beforeAll(async () => {
    const compacted = [{ name: 'cleanup.policy', value: 'compact' }];
    await createTopics(brokers, [
      { topic: env.TOPIC_ZONES, configEntries: compacted },
      { topic: env.TOPIC_ENROLMENTS, configEntries: compacted },
    ]);
    const zones = Array.from({ length: ZONES }, (_, i) => zone(i));
    await produce(brokers, env.TOPIC_ZONES, [
      ...zones.map((z) => ({ key: z.zoneId, value: JSON.stringify(z) })),
      { key: 'Zbad', value: '{"zoneId":"Zbad","kind":"exclusion"' },
    ]);
    const enrolments: Enrolment[] = zones.map((z, i) => ({ tagId: `T${i}`, subjectId: z.subjectId }));
    await produce(brokers, env.TOPIC_ENROLMENTS, [
      ...enrolments.map((e) => ({ key: e.tagId, value: JSON.stringify(e) })),
      { key: 'Tbad', value: '{"tagId":42}' },
    ]);
  });

  afterAll(async () => {
    await running?.stop();
  });

  it('is alive at once, ready only once caught up and published, and counts what it did', async () => {
    running = await startProfiles(config(env), deps());
    const port = running.httpPort;
    expect((await get(port, '/healthz')).status).toBe(200);
    const seen: Array<{ status: number; detail: Record<string, unknown> }> = [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = await get(port, '/readyz');
      const body = JSON.parse(r.text) as { detail: Record<string, unknown> };
      seen.push({ status: r.status, detail: body.detail });
      if (r.status === 200 || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(seen[0]!.status).toBe(503);
    const ready = seen.at(-1)!;
    expect(ready.status).toBe(200);
    // Never ready with a partial table: the first 200 already has every zone, enrolment, profile.
    expect(ready.detail).toMatchObject({
      phase: 'live',
      zones: ZONES,
      enrolments: ZONES,
      published: ZONES,
      tables: { zones: { caughtUp: true }, enrolments: { caughtUp: true } },
    });
    expect(ready.detail.lastPublishAt).toEqual(expect.any(String));

    const m = (await get(port, '/metrics')).text;
    expect(metric(m, 'fenceline_profiles_published_total')).toBe(ZONES);
    expect(metric(m, 'fenceline_profiles_tombstones_total')).toBe(0);
    expect(metric(m, 'fenceline_profiles_rejected_inputs_total{topic="zones"}')).toBe(1);
    expect(metric(m, 'fenceline_profiles_rejected_inputs_total{topic="enrolments"}')).toBe(1);
    expect(metric(m, 'fenceline_profiles_ready')).toBe(1);
    expect(metric(m, 'fenceline_profiles_tags')).toBe(ZONES);
    expect(metric(m, 'fenceline_profiles_last_publish_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 600,
    );

    // An enrolment ends: one tombstone, counted.
    await produce(brokers, env.TOPIC_ENROLMENTS, [{ key: 'T0', value: null }]);
    let after = '';
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      after = (await get(port, '/metrics')).text;
      if (metric(after, 'fenceline_profiles_tombstones_total') === 1) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(metric(after, 'fenceline_profiles_tombstones_total')).toBe(1);
    expect(metric(after, 'fenceline_profiles_tags')).toBe(ZONES - 1);
    expect(metric(after, 'fenceline_profiles_transactions_total')).toBe(2);

    // Probes and metrics never carry zone content; nor do the logs.
    const everything = [m, after, JSON.stringify(seen), ...capturedLogs].join('\n');
    expect(everything).not.toContain(LABEL);
    expect(everything).not.toContain('51.5005');
  });
});

describe('profile publisher service without a reachable broker', () => {
  it('answers /healthz, is not ready, and stops promptly', async () => {
    const running = await startProfiles(
      config({ KAFKA_BROKERS: '127.0.0.1:1', TOPIC_DEVICE_CONFIG: uniqueTopic('prt-dead') }),
      deps(),
    );
    expect((await get(running.httpPort, '/healthz')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000));
    const r = await get(running.httpPort, '/readyz');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.text).detail.phase).toBe('created');
    expect(metric((await get(running.httpPort, '/metrics')).text, 'fenceline_profiles_ready')).toBe(0);
    await running.stop();
    await expect(get(running.httpPort, '/healthz')).rejects.toThrow();
  });
});
