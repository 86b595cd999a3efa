/**
 * The notifier's input consumer (alerts + alert-actions), and its replacement when kafkajs gives up.
 *
 * A broker down for longer than kafkajs' retries (~30 s) ends in CRASH with restart: false (e.g.
 * "Failed to find group coordinator"): that consumer is dead for good. Without a replacement the
 * notifier would silently stop reading alerts and the police would never hear of a later breach.
 * So, unless Kafka refused us (credentials, certificate, ACL: fatal, the process exits), a new
 * consumer starts after a back-off (consumer-restart.ts) for as long as it takes, and /readyz
 * says why the notifier is not ready meanwhile.
 *
 * The new consumer RESUMES where the fold stood (input-positions.ts): each group join seeks every
 * assigned partition to its kept position, and a record below it is skipped. This also covers
 * kafkajs' own restarts and rejoins, which would otherwise start again from the beginning (no
 * offsets are committed) and fold - and page the police about - every alert a second time.
 * Each consumer gets a fresh group id, like the first: no stale member of the dead one delays it.
 *
 * kafkajs would restart a consumer itself after some crashes (restart: true) and not after others
 * (restart: false), depending on which request met the outage. restartOnFailure: false makes every
 * crash final, so there is one restart path, this one, with its back-off, readiness and verdict.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaConnectionConfig } from '../kafka/connection.js';
import { crashFacts, crashVerdict, restartDelayMs } from '../kafka/consumer-restart.js';
import type { EndOffsetTracker } from '../stream/end-offsets.js';
import { advance, initialPositions, seeksFor, shouldFold } from './input-positions.js';

export interface InputConsumerOptions {
  readonly kafka: Kafka;
  readonly connection: KafkaConnectionConfig;
  readonly groupPrefix: string;
  readonly topics: readonly string[];
  /** Start-up catch-up trackers; each consumer (the first and any replacement) advances them. */
  readonly trackers: ReadonlyArray<{ readonly topic: string; readonly tracker: EndOffsetTracker }>;
  readonly logger: Logger;
  /** Fold one record: called once per record, in offset order within a partition. */
  readonly onRecord: (topic: string, partition: number, message: KafkaMessage) => void;
  readonly isStopping: () => boolean;
  /** Kafka refused us: a new consumer cannot help. */
  readonly onFatal: (err: Error) => void;
}

export class InputConsumer {
  private consumer: Consumer | undefined;
  private readonly positions = initialPositions();
  /** Why no consumer is reading right now (undefined while one is assigned and running). */
  private failure: string | undefined;
  private crashes = 0;
  private everAssigned = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: InputConsumerOptions) {}

  problem(): string | undefined {
    return this.failure;
  }

  /** Connect, subscribe and run the first consumer; its failures reject (start-up is fatal). */
  start(): Promise<void> {
    return this.launch(this.newConsumer());
  }

  /** Leave the group; bounded, so a consumer still connecting through an outage cannot hold a SIGTERM up. */
  async stop(timeoutMs = 3_000): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const left = this.consumer?.disconnect().catch(() => undefined);
    const timeout = new Promise<void>((r) => setTimeout(r, timeoutMs).unref());
    await Promise.race([left, timeout]);
  }

  private newConsumer(): Consumer {
    return this.opts.kafka.consumer({
      groupId: `${this.opts.groupPrefix}.inputs.${randomUUID()}`,
      maxWaitTimeInMs: 50,
      readUncommitted: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      // kafkajs' consumer default (5), stated because `retry` replaces it; see the header on restarts.
      retry: { retries: 5, restartOnFailure: async () => false },
    });
  }

  private async launch(c: Consumer): Promise<void> {
    const opts = this.opts;
    const positions = this.positions;
    const log = opts.logger;
    this.consumer = c;
    for (const { topic, tracker } of opts.trackers) tracker.follow(c, topic);
    c.on(c.events.GROUP_JOIN, (e) => {
      if (c !== this.consumer) return;
      // Runs before the first fetch of this generation: kafkajs applies seeks at fetch time.
      for (const s of seeksFor(positions, e.payload.memberAssignment)) {
        try {
          c.seek(s);
        } catch (err) {
          // The skip in eachBatch still keeps anything below the position from being folded.
          log.warn({ err, topic: s.topic, partition: s.partition }, 'input seek failed');
        }
      }
      if (this.failure !== undefined) log.info({ crashes: this.crashes }, 'input consumer assigned again');
      this.failure = undefined;
      this.crashes = 0;
      this.everAssigned = true;
    });
    c.on(c.events.CRASH, (e) => {
      if (c !== this.consumer || opts.isStopping()) return;
      if (e.payload.restart) {
        // kafkajs restarts this consumer itself; the rejoin seeks back to the kept positions.
        this.failure = `input consumer restarting (${e.payload.error.message})`;
        log.warn({ err: e.payload.error }, 'input consumer crashed; kafkajs restarts it');
        return;
      }
      this.replace(c, e.payload.error);
    });
    await c.connect();
    if (opts.isStopping()) {
      await c.disconnect().catch(() => undefined);
      return;
    }
    await c.subscribe({ topics: [...opts.topics], fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const { topic, partition } = batch;
        for (const m of batch.messages) {
          if (opts.isStopping() || c !== this.consumer) return;
          if (!shouldFold(positions, topic, partition, m.offset)) continue;
          opts.onRecord(topic, partition, m);
          advance(positions, topic, partition, m.offset);
        }
      },
    });
  }

  /** kafkajs gave up on `crashed`: fatal if Kafka refused us, else a new consumer after a back-off. */
  private replace(crashed: Consumer, err: Error): void {
    const { opts } = this;
    if (crashed !== this.consumer || opts.isStopping()) return;
    const facts = crashFacts(err, opts.connection, this.everAssigned);
    if (crashVerdict(facts) === 'fatal') {
      this.failure = facts.refusal?.line ?? err.message;
      opts.onFatal(err);
      return;
    }
    this.crashes++;
    const delay = restartDelayMs(this.crashes);
    this.failure = `input consumer crashed (${err.message}); new consumer ${this.crashes} in ${delay} ms`;
    opts.logger.error(
      { err, crashes: this.crashes, retryInMs: delay },
      'input consumer crashed; starting a new one',
    );
    void crashed.disconnect().catch(() => undefined);
    this.restartTimer = setTimeout(() => void this.relaunch(), delay);
    this.restartTimer.unref();
  }

  private async relaunch(): Promise<void> {
    this.restartTimer = undefined;
    if (this.opts.isStopping()) return;
    const c = this.newConsumer();
    try {
      await this.launch(c);
    } catch (err) {
      this.replace(c, err instanceof Error ? err : new Error(String(err)));
    }
  }
}
