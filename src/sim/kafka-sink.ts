/**
 * Publishes a simulated run to Kafka: zones and enrolments (compacted tables) first, then pings
 * keyed by tagId. Pings are gathered into large produce requests and a few requests are kept in
 * flight; one tag's pings never straddle two in-flight requests out of order because kafkajs
 * sends the requests of one connection in order and we never retry out of band.
 *
 * The sink is handed a kafkajs client rather than broker addresses: the simulator imports only
 * the contract, so it cannot know how to connect (TLS, SASL); the composition root (the CLI, the
 * demo, the benchmarks) builds the client with createKafka (src/kafka/connection.ts).
 */
import {
  type Admin,
  CompressionTypes,
  type ITopicConfig,
  type Kafka,
  type Message,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type { TopicNames } from '../contract/index.js';
import type { SimSink } from './sinks.js';
import type { SimPing } from './subject-sim.js';

export interface KafkaSinkOptions {
  /** A client built by the composition root with createKafka (retries ~10 for a fresh broker). */
  kafka: Kafka;
  topics: TopicNames;
  /** Partitions for a pings topic this sink has to create (default 12, the worker's default). */
  pingsPartitions?: number;
  /** Extra topic configs for created topics, e.g. message.timestamp.type=LogAppendTime in benches. */
  topicConfig?: Array<{ name: string; value: string }>;
  /** Messages per produce request. */
  batchSize?: number;
}

const COMPACTED = [{ name: 'cleanup.policy', value: 'compact' }];

/** Create the pings, zones and enrolments topics if they are missing (an existing topic is left alone). */
export async function ensureSimTopics(admin: Admin, opts: KafkaSinkOptions): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const extra = opts.topicConfig ?? [];
  const wanted = [
    { topic: opts.topics.pings, numPartitions: opts.pingsPartitions ?? 12, configEntries: extra },
    { topic: opts.topics.zones, numPartitions: 1, configEntries: COMPACTED },
    { topic: opts.topics.enrolments, numPartitions: 1, configEntries: COMPACTED },
  ].filter((t) => !existing.has(t.topic));
  await createTopicsSettled(admin, wanted);
}

/**
 * The simulator's copy of src/kafka/create-topics.ts (the simulator may import only the contract).
 * Create topics (an existing one is fine) and return once every partition has a leader. On a
 * loaded broker kafkajs' own wait for leaders can fail with "does not host this topic-partition"
 * (metadata not propagated yet, which it does not retry): the topics exist by then, so wait for
 * their metadata here instead of failing the run.
 */
export async function createTopicsSettled(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  if (topics.length === 0) return;
  try {
    await admin.createTopics({ topics, waitForLeaders: true });
    return;
  } catch (err) {
    const e = err as Error & { type?: string };
    if (/already exists/i.test(e.message)) return;
    const notYet =
      e.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
      e.type === 'LEADER_NOT_AVAILABLE' ||
      /does not host this topic-partition/i.test(e.message);
    if (!notYet) throw err;
  }
  const names = topics.map((t) => t.topic);
  for (let attempt = 1; ; attempt++) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics: names });
      if (meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (attempt >= 60) throw err;
    }
    if (attempt >= 60) throw new Error(`topics have no leader after 30 s: ${names.join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export class KafkaSink implements SimSink {
  readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly batchSize: number;
  private pending: Message[] = [];
  private pendingTopic = '';
  private inFlight: Array<Promise<unknown>> = [];
  private failure: Error | undefined;
  sent = 0;

  private constructor(private readonly opts: KafkaSinkOptions) {
    this.kafka = opts.kafka;
    this.producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    this.batchSize = opts.batchSize ?? 2_000;
  }

  static async connect(opts: KafkaSinkOptions): Promise<KafkaSink> {
    const sink = new KafkaSink(opts);
    const admin = sink.kafka.admin();
    await admin.connect();
    try {
      await ensureSimTopics(admin, opts);
    } finally {
      await admin.disconnect();
    }
    await sink.producer.connect();
    return sink;
  }

  private async push(topic: string, message: Message): Promise<void> {
    if (this.failure) throw this.failure;
    if (topic !== this.pendingTopic) await this.send();
    this.pendingTopic = topic;
    this.pending.push(message);
    if (this.pending.length >= this.batchSize) await this.send();
  }

  /** Ship the pending messages; waits only when 4 requests are already in flight. */
  private async send(): Promise<void> {
    if (this.pending.length === 0) return;
    const messages = this.pending;
    this.pending = [];
    const p = this.producer
      .send({ topic: this.pendingTopic, messages, acks: 1, compression: CompressionTypes.None })
      .then(
        () => {
          this.sent += messages.length;
        },
        (err: Error) => {
          this.failure ??= err;
        },
      );
    this.inFlight.push(p);
    if (this.inFlight.length >= 4) await this.inFlight.shift();
  }

  table(topic: 'zones' | 'enrolments', key: string, value: object): Promise<void> {
    return this.push(this.opts.topics[topic], { key, value: JSON.stringify(value) });
  }

  async pings(key: string, _uploadAt: number, pings: readonly SimPing[]): Promise<void> {
    for (const p of pings) await this.push(this.opts.topics.pings, { key, value: JSON.stringify(p.ping) });
  }

  nudge(): Promise<void> {
    return this.send();
  }

  async flush(): Promise<void> {
    await this.send();
    await Promise.all(this.inFlight);
    this.inFlight = [];
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.producer.disconnect();
    }
  }
}
