/**
 * The notifier's input consumer (alerts + alert-actions), and its replacement when kafkajs gives up.
 *
 * A broker down for longer than kafkajs' retries (~30 s) ends in CRASH with restart: false (e.g.
 * "Failed to find group coordinator"): that consumer is dead for good. Without a replacement the
 * notifier would silently stop reading alerts and the police would never hear of a later breach.
 * So, unless Kafka refused us (credentials, certificate, ACL: fatal, the process exits), a new
 * consumer starts after a back-off for as long as it takes (src/kafka/consumer-keeper.ts, shared
 * with the worker's pings consumer), and /readyz says why the notifier is not ready meanwhile.
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
import { ConsumerKeeper } from '../kafka/consumer-keeper.js';
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
  private readonly positions = initialPositions();
  private readonly keeper: ConsumerKeeper;

  constructor(private readonly opts: InputConsumerOptions) {
    this.keeper = new ConsumerKeeper({
      name: 'input consumer',
      connection: opts.connection,
      log: opts.logger,
      create: () => this.newConsumer(),
      run: (c) => this.run(c),
      onJoin: (c, e) => {
        // Runs before the first fetch of this generation: kafkajs applies seeks at fetch time.
        for (const s of seeksFor(this.positions, e.payload.memberAssignment)) {
          try {
            c.seek(s);
          } catch (err) {
            // The skip in eachBatch still keeps anything below the position from being folded.
            opts.logger.warn({ err, topic: s.topic, partition: s.partition }, 'input seek failed');
          }
        }
      },
      wanted: () => !opts.isStopping(),
      onFatal: opts.onFatal,
    });
  }

  problem(): string | undefined {
    return this.keeper.problem();
  }

  /** Connect, subscribe and run the first consumer; its failures reject (start-up is fatal). */
  start(): Promise<void> {
    return this.keeper.start();
  }

  /** Leave the group; bounded, so a consumer still connecting through an outage cannot hold a SIGTERM up. */
  stop(timeoutMs = 3_000): Promise<void> {
    return this.keeper.stop(timeoutMs);
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

  private async run(c: Consumer): Promise<void> {
    const opts = this.opts;
    const positions = this.positions;
    for (const { topic, tracker } of opts.trackers) tracker.follow(c, topic);
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
          if (opts.isStopping() || c !== this.keeper.consumer) return;
          if (!shouldFold(positions, topic, partition, m.offset)) continue;
          opts.onRecord(topic, partition, m);
          advance(positions, topic, partition, m.offset);
        }
      },
    });
  }
}
