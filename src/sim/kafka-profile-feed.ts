/**
 * Device profiles from the broker: the simulated tags obey what `fenceline profiles` publishes
 * on the compacted `fenceline.device-config` topic (key tagId), as a tag gateway would push it.
 * A profile replaces the tag's previous one; a tombstone removes it (the tag goes back to its
 * default schedule everywhere); a record that does not decode is counted and ignored, so the
 * tag keeps what it had.
 *
 * Time: the topic lives in wall time, the run in simulated time. A record is stamped with the
 * simulated time the run had reached when it arrived (`advanceTo`, called by runSimulation at
 * each upload batch), and the tag obeys it `deliveryDelayS` later (TagDevice). Records that were
 * on the topic before the first batch count as already on the device at the start. A tag plans
 * its fixes up to its next upload, so a profile that arrives mid-run can take effect up to one
 * upload gap later than the delay for that tag (as a real tag learns it at its next check-in).
 *
 * Like the Kafka sink, the feed is handed a kafkajs client by the composition root (built with
 * createKafka in src/kafka/connection.ts, so TLS and SASL apply): the simulator imports only the
 * contract. It reads with read_committed, from the beginning, in its own group, and commits
 * nothing: every run sees the whole topic.
 */
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { DeviceProfileSchema } from '../contract/index.js';
import {
  type DeviceModeStats,
  type DeviceProfileFeed,
  newDeviceModeStats,
  type ProfileDelivery,
} from './device-mode.js';
import { createTopicsSettled } from './kafka-sink.js';

export interface KafkaProfileFeedOptions {
  readonly kafka: Kafka;
  /** The device-config topic (default name in contract: DEFAULT_DEVICE_CONFIG_TOPIC). */
  readonly topic: string;
  /** A group id of its own (nothing is committed; one per run). */
  readonly groupId: string;
  /** Simulated start: records already on the topic are in force from it. */
  readonly simStart: number;
  readonly deliveryDelayS: number;
  readonly uploadLatencyS: number;
  /** Partitions if the topic is missing and this feed creates it (compacted). Default 6, the publisher's. */
  readonly partitionsIfCreated?: number;
}

/** What the feed received (the CLI prints it; tests read it). */
export interface ProfileFeedCounts {
  profiles: number;
  tombstones: number;
  /** Records without a key, not JSON, failing the contract, or keyed by another tag than they name. */
  rejected: number;
}

export class KafkaProfileFeed implements DeviceProfileFeed {
  readonly stats: DeviceModeStats = newDeviceModeStats();
  readonly counts: ProfileFeedCounts = { profiles: 0, tombstones: 0, rejected: 0 };
  readonly deliveryDelayS: number;
  readonly uploadLatencyS: number;
  private readonly timelines = new Map<string, ProfileDelivery[]>();
  /** Simulated ms a record arriving now is stamped with. */
  private simNow: number;
  private readonly consumer: Consumer;
  /** Partition -> end offset at start; removed once read up to it. */
  private readonly behind = new Map<number, bigint>();
  private caughtUpResolve!: () => void;
  private readonly caughtUpPromise: Promise<void>;
  private waiters: Array<() => void> = [];
  private crashed!: (err: Error) => void;
  /** Rejects when the consumer crashed for good (kafkajs gave up retrying). */
  private readonly failed: Promise<never>;

  private constructor(o: KafkaProfileFeedOptions) {
    this.deliveryDelayS = o.deliveryDelayS;
    this.uploadLatencyS = o.uploadLatencyS;
    // Stamped so that, after the delivery delay, a record already there is in force at the start.
    this.simNow = o.simStart - o.deliveryDelayS * 1000;
    this.consumer = o.kafka.consumer({ groupId: o.groupId, maxWaitTimeInMs: 100, readUncommitted: false });
    this.caughtUpPromise = new Promise((resolve) => {
      this.caughtUpResolve = resolve;
    });
    this.failed = new Promise<never>((_, reject) => {
      this.crashed = reject;
    });
    this.failed.catch(() => undefined);
  }

  /** Connect, snapshot the topic's end offsets and start following it. */
  static async start(o: KafkaProfileFeedOptions): Promise<KafkaProfileFeed> {
    const feed = new KafkaProfileFeed(o);
    const admin = o.kafka.admin();
    await admin.connect();
    try {
      // The publisher creates the topic too; whoever comes first, it is the same compacted topic.
      if (!(await admin.listTopics()).includes(o.topic)) {
        await createTopicsSettled(admin, [
          {
            topic: o.topic,
            numPartitions: o.partitionsIfCreated ?? 6,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
        ]);
      }
      for (const p of await retried(() => admin.fetchTopicOffsets(o.topic))) {
        if (BigInt(p.high) > BigInt(p.low)) feed.behind.set(p.partition, BigInt(p.high));
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (feed.behind.size === 0) feed.caughtUpResolve();
    const c = feed.consumer;
    // With transactions a partition ends in a commit marker that read_committed never shows as a
    // message; kafkajs' END_BATCH_PROCESS still reports the batch's lastOffset past it.
    c.on(c.events.END_BATCH_PROCESS, (e) => {
      if (e.payload.topic === o.topic) feed.advanceOffset(e.payload.partition, e.payload.lastOffset);
    });
    c.on(c.events.CRASH, (e) => {
      if (!e.payload.restart)
        feed.crashed(new Error(`device-config consumer failed: ${e.payload.error.message}`));
    });
    await c.connect();
    await c.subscribe({ topic: o.topic, fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachMessage: async ({ message }) => feed.apply(message),
    });
    return feed;
  }

  timeline(tagId: string): readonly ProfileDelivery[] {
    let line = this.timelines.get(tagId);
    if (!line) {
      line = [];
      this.timelines.set(tagId, line);
    }
    return line;
  }

  /** The run reached simulated time `simMs` (monotonic; earlier values are ignored). */
  advanceTo(simMs: number): void {
    if (simMs > this.simNow) this.simNow = simMs;
  }

  /** Resolves once everything on the topic at start has been read (or rejects on timeout). */
  caughtUp(timeoutMs: number): Promise<void> {
    return this.within(this.caughtUpPromise, timeoutMs, 'reading the device-config topic');
  }

  /** Resolves once each tag has received at least one record (profile or tombstone). */
  async received(tagIds: readonly string[], timeoutMs: number): Promise<void> {
    const all = new Promise<void>((resolve) => {
      const check = () => {
        if (tagIds.every((t) => (this.timelines.get(t)?.length ?? 0) > 0)) resolve();
        else this.waiters.push(check);
      };
      check();
    });
    await this.within(all, timeoutMs, `profiles for ${tagIds.length} tags`);
  }

  /** Tags that have received at least one record. */
  get tagsReceived(): number {
    let n = 0;
    for (const line of this.timelines.values()) if (line.length > 0) n++;
    return n;
  }

  async close(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }

  private apply(m: KafkaMessage): void {
    const tagId = m.key?.toString('utf8');
    if (tagId === undefined || tagId === '') {
      this.counts.rejected++;
      return;
    }
    if (m.value === null) {
      this.counts.tombstones++;
      this.push(tagId, null);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(m.value.toString('utf8'));
    } catch {
      this.counts.rejected++;
      return;
    }
    const parsed = DeviceProfileSchema.safeParse(json);
    if (!parsed.success || parsed.data.tagId !== tagId) {
      this.counts.rejected++;
      return;
    }
    this.counts.profiles++;
    this.push(tagId, parsed.data);
  }

  private push(tagId: string, profile: ProfileDelivery['profile']): void {
    (this.timeline(tagId) as ProfileDelivery[]).push({ at: this.simNow, profile });
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private advanceOffset(partition: number, lastOffset: string): void {
    const end = this.behind.get(partition);
    if (end === undefined || BigInt(lastOffset) + 1n < end) return;
    this.behind.delete(partition);
    if (this.behind.size === 0) this.caughtUpResolve();
  }

  private async within(p: Promise<void>, timeoutMs: number, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms ${what}`)), timeoutMs);
    });
    timedOut.catch(() => undefined);
    try {
      await Promise.race([p, this.failed, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A just-created topic answers "not the leader" for a moment: retry what kafkajs marks retriable. */
async function retried<T>(op: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await op();
    } catch (err) {
      if (i >= attempts || (err as { retriable?: boolean }).retriable !== true) throw err;
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}
