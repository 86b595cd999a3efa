/**
 * The device-profile publisher against a real broker: the first start publishes one profile per
 * enrolled tag; a zone update produces the new profile on the topic once; an update the device
 * cannot see (label, version) produces nothing; a restart neither loses a change made while it
 * was down nor repeats what was already published; a deleted zone and an ended enrolment remove
 * the profile (tombstone). Logs never carry a zone's coordinates or label.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeviceProfileSchema, type Enrolment, type Zone } from '../../src/contract/index.js';
import { DEFAULT_PROFILE_CONFIG } from '../../src/engine/index.js';
import { createKafka } from '../../src/stream/kafka-client.js';
import { ProfilePublisher } from '../../src/stream/profile-publisher.js';
import {
  type ConsumedMessage,
  consumeAll,
  createTopics,
  produce,
  uniqueTopic,
} from '../setup/kafka-test-utils.js';
import { capturedLogs, captureLogger, findLeaks } from './fixtures/worker-harness.js';

const brokers = inject('kafkaBrokers');

const LABEL = "victim's home, flat 3, do not disclose";
function circle(
  zoneId: string,
  subjectId: string,
  lat: number,
  lon: number,
  extra: Partial<Zone> = {},
): Zone {
  return {
    zoneId,
    subjectId,
    kind: 'exclusion',
    geometry: { type: 'Point', coordinates: [lon, lat] },
    radiusM: 250,
    warningM: 500,
    label: LABEL,
    ...extra,
  };
}

describe('device profile publisher', () => {
  const topics = {
    zones: uniqueTopic('prof-zones'),
    enrolments: uniqueTopic('prof-enrol'),
    deviceConfig: uniqueTopic('prof-device-config'),
  };
  const transactionalId = uniqueTopic('prof-tx');
  const logger = captureLogger();
  const kafka = createKafka({ brokers: brokers.split(','), clientId: 'profiles-test' }, logger);
  let publisher: ProfilePublisher | undefined;
  const fatal: Error[] = [];
  const coordinates: string[] = [];

  const start = async () => {
    publisher = new ProfilePublisher({
      kafka,
      logger,
      topics,
      createTopics: true,
      deviceConfigPartitions: 3,
      transactionalId,
      groupPrefix: `${transactionalId}.tables`,
      profile: DEFAULT_PROFILE_CONFIG,
      hash: (m) => createHmac('sha256', 'integration-test-secret-0123456789abcdef').update(m).digest(),
      clock: Date.now,
      flushIntervalMs: 100,
      onFatal: (err) => fatal.push(err),
    });
    await publisher.start();
  };
  const putZone = (key: string, z: Zone | null) => {
    if (z?.geometry.type === 'Point') coordinates.push(...z.geometry.coordinates.map(String));
    return produce(brokers, topics.zones, [{ key, value: z === null ? null : JSON.stringify(z) }]);
  };
  const putEnrolment = (key: string, e: Enrolment | null) =>
    produce(brokers, topics.enrolments, [{ key, value: e === null ? null : JSON.stringify(e) }]);
  /** The whole topic, read_committed, after waiting for `expected` records and a settle period. */
  const output = (expected: number): Promise<ConsumedMessage[]> =>
    consumeAll(brokers, topics.deviceConfig, { expected, settleMs: 2_500, timeoutMs: 60_000 });
  const latest = (msgs: ConsumedMessage[], tagId: string) =>
    msgs.filter((m) => m.key?.toString() === tagId).at(-1);
  const parse = (m: ConsumedMessage | undefined) =>
    DeviceProfileSchema.parse(JSON.parse(m!.value!.toString()));

  beforeAll(async () => {
    const compacted = [{ name: 'cleanup.policy', value: 'compact' }];
    await createTopics(brokers, [
      { topic: topics.zones, configEntries: compacted },
      { topic: topics.enrolments, configEntries: compacted },
    ]);
    await putZone('Z1', circle('Z1', 'S1', 51.501234, -0.141234));
    await putZone('Z2', circle('Z2', 'S2', 53.481234, -2.241234));
    await putZone('Z3', circle('Z3', 'S2', 53.401234, -2.151234, { warningM: 800 }));
    await putEnrolment('T1', { tagId: 'T1', subjectId: 'S1' });
    await putEnrolment('T2', { tagId: 'T2', subjectId: 'S2' });
    await start();
  });

  afterAll(async () => {
    await publisher?.stop();
  });

  it('publishes one profile per enrolled tag at start', async () => {
    const msgs = await output(2);
    expect(msgs).toHaveLength(2);
    expect(parse(latest(msgs, 'T1')).triggers).toHaveLength(1);
    expect(parse(latest(msgs, 'T2')).triggers).toHaveLength(2);
  });

  it('a zone update produces the new profile once; a label-only update produces nothing', async () => {
    const before = parse(latest(await output(2), 'T1'));
    await putZone('Z1', circle('Z1', 'S1', 51.511234, -0.141234, { version: 2 }));
    await putZone('Z2', circle('Z2', 'S2', 53.481234, -2.241234, { label: 'renamed', version: 2 }));
    const msgs = await output(3);
    expect(msgs).toHaveLength(3);
    const after = parse(latest(msgs, 'T1'));
    expect(after.profileId).not.toBe(before.profileId);
    expect(after.triggers[0]!.circle.lat).toBeGreaterThan(before.triggers[0]!.circle.lat);
    expect(msgs.filter((m) => m.key?.toString() === 'T2')).toHaveLength(1);
    expect(fatal).toEqual([]);
  });

  it('a restart publishes a change made while it was down, once, and repeats nothing', async () => {
    await publisher!.stop();
    await putZone('Z3', circle('Z3', 'S2', 53.401234, -2.151234, { warningM: 2_000 }));
    await start();
    expect(publisher!.stats.profilesWritten).toBe(1);
    const msgs = await output(4);
    expect(msgs).toHaveLength(4);
    expect(msgs.filter((m) => m.key?.toString() === 'T2')).toHaveLength(2);
    expect(Math.max(...parse(latest(msgs, 'T2')).triggers.map((t) => t.circle.radiusM))).toBeGreaterThan(
      3_000,
    );
  });

  it('a deleted zone changes the profile; deleting the last zone removes it (tombstone)', async () => {
    await putZone('Z3', null);
    const msgs = await output(5);
    expect(parse(latest(msgs, 'T2')).triggers).toHaveLength(1);
    await putZone('Z2', null);
    const after = await output(6);
    expect(after).toHaveLength(6);
    expect(latest(after, 'T2')!.value).toBeNull();
  });

  it('an ended enrolment removes the profile (tombstone), once', async () => {
    await putEnrolment('T1', { tagId: 'T1', subjectId: 'S1', validTo: Date.now() - 1_000 });
    const msgs = await output(7);
    expect(msgs).toHaveLength(7);
    expect(latest(msgs, 'T1')!.value).toBeNull();
    expect(fatal).toEqual([]);
  });

  it('never logs a zone coordinate or label', () => {
    expect(capturedLogs.some((l) => l.includes('device profiles published'))).toBe(true);
    expect(findLeaks(capturedLogs, { labels: [LABEL], coordinates })).toEqual([]);
  });
});
