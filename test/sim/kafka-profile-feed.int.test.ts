/**
 * The simulator's tags obey device profiles read from the broker (issue 13, item 4), on a real
 * broker with the real publisher: the fleet's zones and enrolments go to Kafka, the profile
 * publisher derives and publishes the profiles, and the simulated tags switch to real-time mode
 * inside their trigger areas (uploads seconds apart, which store-and-forward never does: its
 * gaps are 1-10 minutes). A tombstone produced mid-run switches a tag back to its default
 * schedule; a record that does not decode is counted and changes nothing.
 *
 * Then the same through the CLI: `fenceline simulate --profiles kafka` against a running
 * `fenceline profiles` process waits for every tag's profile and reports the real-time fixes it took.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TopicNames } from '../../src/contract/index.js';
import { DEFAULT_TOPICS } from '../../src/contract/index.js';
import { DEFAULT_PROFILE_CONFIG } from '../../src/engine/index.js';
import { buildFleet, simulateFleet } from '../../src/sim/fleet.js';
import { haversineM } from '../../src/sim/geodesy.js';
import { KafkaProfileFeed } from '../../src/sim/kafka-profile-feed.js';
import { KafkaSink } from '../../src/sim/kafka-sink.js';
import { runSimulation } from '../../src/sim/run-simulation.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../../src/sim/sim-options.js';
import type { SimSink } from '../../src/sim/sinks.js';
import type { SimPing } from '../../src/sim/subject-sim.js';
import { createKafka } from '../../src/stream/kafka-client.js';
import { ProfilePublisher } from '../../src/stream/profile-publisher.js';
import { produce, testKafka, uniqueTopic } from '../setup/kafka-test-utils.js';
import { captureLogger } from '../stream/fixtures/worker-harness.js';
import { buildOnce, CLI } from '../stream/fixtures/worker-process.js';

const brokers = inject('kafkaBrokers');
const SECRET = 'sim-feed-integration-secret-0123456789';
const DAY = 86_400_000;

function topicSet(prefix: string): TopicNames & { deviceConfig: string } {
  const stamp = uniqueTopic(prefix);
  return {
    ...DEFAULT_TOPICS,
    pings: `${stamp}.pings`,
    zones: `${stamp}.zones`,
    enrolments: `${stamp}.enrolments`,
    deviceConfig: `${stamp}.device-config`,
  };
}

function startPublisher(topics: { zones: string; enrolments: string; deviceConfig: string }) {
  const logger = captureLogger();
  const transactionalId = `${topics.deviceConfig}.tx`;
  return new ProfilePublisher({
    kafka: createKafka({ brokers: brokers.split(','), clientId: 'sim-feed-publisher' }, logger),
    logger,
    topics,
    createTopics: true,
    deviceConfigPartitions: 3,
    transactionalId,
    groupPrefix: `${transactionalId}.tables`,
    profile: DEFAULT_PROFILE_CONFIG,
    hash: (m) => createHmac('sha256', SECRET).update(m).digest(),
    clock: Date.now,
    flushIntervalMs: 100,
    onFatal: () => undefined,
  });
}

/** Tables to the broker (the publisher reads them), pings kept in memory by upload batch. */
class TablesToKafkaSink implements SimSink {
  readonly batches: Array<{ tagId: string; uploadAt: number; pings: readonly SimPing[] }> = [];
  constructor(
    private readonly kafka: KafkaSink,
    private readonly onBatch: (uploadAt: number) => Promise<void>,
  ) {}
  table(topic: 'zones' | 'enrolments', key: string, value: object): Promise<void> {
    return this.kafka.table(topic, key, value);
  }
  async pings(tagId: string, uploadAt: number, pings: readonly SimPing[]): Promise<void> {
    await this.onBatch(uploadAt);
    this.batches.push({ tagId, uploadAt, pings });
  }
  nudge(): Promise<void> {
    return this.kafka.nudge();
  }
  flush(): Promise<void> {
    return this.kafka.flush();
  }
  close(): Promise<void> {
    return this.kafka.close();
  }
}

/**
 * Uploads in real-time mode per tag over [from, to): a gap under 60 s to the tag's previous
 * upload. Store-and-forward gaps are 1-10 minutes, so a default tag never has one.
 */
function realTimeUploads(
  batches: ReadonlyArray<{ tagId: string; uploadAt: number }>,
  from: number,
  to: number,
): Map<string, number> {
  const last = new Map<string, number>();
  const n = new Map<string, number>();
  for (const b of batches) {
    const prev = last.get(b.tagId);
    last.set(b.tagId, b.uploadAt);
    if (b.uploadAt < from || b.uploadAt >= to) continue;
    if (prev !== undefined && b.uploadAt - prev < 60_000) n.set(b.tagId, (n.get(b.tagId) ?? 0) + 1);
  }
  return n;
}

async function until(cond: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('simulated tags obey device profiles from Kafka', () => {
  // Two simulated days; every subject approaches a victim's zone each day.
  const opts: SimOptions = { ...DEFAULT_SIM_OPTIONS, subjects: 8, seed: 7, approachShare: 1, durationH: 48 };
  const tags = buildFleet(opts).map((s) => s.enrolment.tagId);
  const topics = topicSet('simfeed');
  const publisher = startPublisher(topics);
  let feed: KafkaProfileFeed | undefined;

  afterAll(async () => {
    await feed?.close();
    await publisher.stop();
  });

  it('switches tags to real-time mode in trigger areas; a tombstone switches a tag back', async () => {
    // Tombstones for every other tag when day 2 begins; a record that does not decode for one
    // of the others (it keeps its profile).
    const cutAt = opts.start + DAY;
    const tombstoned = tags.filter((_, i) => i % 2 === 0);
    const garbled = tags[1]!;
    let cut = false;
    const kafkaSink = await KafkaSink.connect({
      kafka: testKafka(brokers, 'sim-feed-sink'),
      topics,
      pingsPartitions: 1,
    });
    feed = await KafkaProfileFeed.start({
      kafka: testKafka(brokers, 'sim-feed'),
      topic: topics.deviceConfig,
      groupId: `sim-feed-${randomBytes(4).toString('hex')}`,
      simStart: opts.start,
      deliveryDelayS: 60,
      uploadLatencyS: 2,
    });
    const f = feed;
    const sink = new TablesToKafkaSink(kafkaSink, async (uploadAt) => {
      if (cut || uploadAt < cutAt) return;
      cut = true;
      // The run pauses here (the sink is awaited) until the feed has received them.
      await produce(brokers, topics.deviceConfig, [
        ...tombstoned.map((key) => ({ key, value: null })),
        { key: garbled, value: '{"profileId":"not a profile"' },
      ]);
      await until(
        () => f.counts.tombstones >= tombstoned.length && f.counts.rejected >= 1,
        'tombstones at the feed',
      );
    });
    const summary = await runSimulation(opts, sink, {
      profiles: f,
      // As the CLI does: the publisher sees the tables, and the feed every tag's profile.
      beforePings: async () => {
        await publisher.start();
        await f.caughtUp(60_000);
        await f.received(tags, 60_000);
      },
    });
    await sink.close();
    expect(cut).toBe(true);
    expect(summary.pings).toBeGreaterThan(0);
    expect(f.counts).toEqual({ profiles: tags.length, tombstones: tombstoned.length, rejected: 1 });

    // Day 1: every tag (profile received from the topic) uploads in real time at some point.
    const day1 = realTimeUploads(sink.batches, opts.start, cutAt);
    for (const t of tags) expect(day1.get(t) ?? 0, `${t} on day 1`).toBeGreaterThan(0);
    // Day 2 (after the delivery delay and the fixes planned before the cut, at most an upload
    // gap): tombstoned tags are back on their default schedule; the others still obey.
    const day2 = realTimeUploads(sink.batches, cutAt + 15 * 60_000, opts.start + 2 * DAY);
    for (const t of tombstoned) expect(day2.get(t) ?? 0, `${t} after its tombstone`).toBe(0);
    for (const t of tags.filter((x) => !tombstoned.includes(x)))
      expect(day2.get(t) ?? 0, `${t} on day 2`).toBeGreaterThan(0);
    expect(f.stats.realTimeFixes).toBeGreaterThan(0);

    // Inside trigger areas: outside curfew hours, every real-time upload was triggered by a fix
    // measured inside a near-exclusion circle of the profile the tag received from the topic.
    let checked = 0;
    const last = new Map<string, number>();
    for (const b of sink.batches) {
      const prev = last.get(b.tagId);
      last.set(b.tagId, b.uploadAt);
      const localHour = ((b.uploadAt - opts.start) / 3_600_000) % 24; // the run starts at local midnight
      if (b.uploadAt >= cutAt || prev === undefined || b.uploadAt - prev >= 60_000) continue;
      if (localHour < 8 || localHour >= 18) continue;
      // A status-only batch (no fix indoors) keeps the mode its last fix set: judged with that one.
      const fix = b.pings.findLast((p) => p.ping.lat !== undefined)?.ping;
      if (fix === undefined) continue;
      const profile = f.timeline(b.tagId)[0]!.profile!;
      const inside = profile.triggers.some(
        (t) =>
          t.kind === 'near-exclusion' &&
          haversineM(fix.lat!, fix.lon!, t.circle.lat, t.circle.lon) <= t.circle.radiusM,
      );
      expect(inside, `${b.tagId} real-time upload at ${new Date(b.uploadAt).toISOString()}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);

    // Profiles off, same fleet: never a real-time upload, and fewer pings.
    const off: Array<{ tagId: string; uploadAt: number }> = [];
    let offPings = 0;
    for (const ev of simulateFleet(opts)) {
      if (ev.kind !== 'pings') continue;
      off.push({ tagId: ev.key, uploadAt: ev.uploadAt });
      offPings += ev.pings.length;
    }
    expect(realTimeUploads(off, opts.start, opts.start + 2 * DAY).size).toBe(0);
    expect(summary.pings).toBeGreaterThan(offPings);
  });
});

describe('fenceline simulate --profiles kafka against a running fenceline profiles (CLI)', () => {
  const topics = topicSet('simcli');
  let publisher: ChildProcess | undefined;
  let publisherExit: Promise<number | null> | undefined;

  beforeAll(async () => {
    await buildOnce();
    // The publisher process is up before the simulator publishes the fleet's zones and enrolments.
    const lines: string[] = [];
    const child = spawn(process.execPath, [CLI, 'profiles'], {
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        PROFILE_SECRET: SECRET,
        TOPIC_ZONES: topics.zones,
        TOPIC_ENROLMENTS: topics.enrolments,
        TOPIC_DEVICE_CONFIG: topics.deviceConfig,
        PROFILES_TRANSACTIONAL_ID: `${topics.deviceConfig}.tx`,
        PROFILES_HTTP_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    publisher = child;
    publisherExit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdout!.on('data', (c: Buffer) => lines.push(c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => lines.push(c.toString('utf8')));
    await until(
      () => lines.join('').includes('device profiles ready'),
      'fenceline profiles to be ready',
      120_000,
    );
  });

  afterAll(async () => {
    publisher?.kill('SIGTERM');
    expect(await publisherExit).toBe(0);
  });

  const simulate = async (profiles: 'kafka' | 'off') => {
    const { stderr } = await promisify(execFile)(
      process.execPath,
      [
        CLI,
        'simulate',
        ...['--subjects', '6', '--seed', '3', '--approach-share', '1', '--duration', '14', '--quiet'],
        ...['--profiles', profiles, '--profiles-wait-s', '60'],
        ...['--topic-pings', topics.pings, '--topic-zones', topics.zones],
        ...['--topic-enrolments', topics.enrolments, '--topic-device-config', topics.deviceConfig],
      ],
      { env: { ...process.env, KAFKA_BROKERS: brokers }, timeout: 240_000 },
    );
    const last = stderr.trim().split('\n').at(-1)!;
    return { stderr, summary: JSON.parse(last) as Record<string, unknown> };
  };

  it('waits for every tag’s profile from the publisher and takes real-time fixes', async () => {
    const on = await simulate('kafka');
    expect(on.stderr).toContain('6 of 6 tags have one');
    expect(on.summary.tagsWithProfile).toBe(6);
    expect(on.summary.profiles).toBe('kafka');
    expect(on.summary.realTimeFixes).toBeGreaterThan(0);
    expect(on.summary.realTimeUploads).toBeGreaterThan(0);
    const off = await simulate('off');
    expect(off.summary.realTimeFixes).toBeUndefined();
    expect(on.summary.pings as number).toBeGreaterThan(off.summary.pings as number);
  });
});
