/**
 * Where one input partition's outputs go: alerts, DLQ records, changelog updates and the consumed
 * offset. Exactly-once: all of them in ONE Kafka transaction on a producer whose transactionalId is
 * bound to the input partition (`${groupId}-${pingsTopic}-${partition}`), so a new owner's
 * initTransactions fences and aborts whatever a previous owner (crashed, or a zombie that missed a
 * rebalance) left open. kafkajs' sendOffsets carries no group generation, which is exactly why the
 * id is per partition. At-least-once (EXACTLY_ONCE=false): idempotent producer, then a plain
 * offset commit.
 *
 * Either way the outputs go out as output-sends.ts plans them: size-bounded chunks, gzip
 * compressed when large (the codec kafkajs carries itself). Exactly-once packs them into as few
 * produce requests as the chunk bound allows; at-least-once sends alerts, then DLQ records, then
 * states, one after another.
 */
import { CompressionTypes, type Kafka, Partitioners, type Producer } from 'kafkajs';
import { outputSends, outputWaves, type PartitionOutputs, shouldCompress } from './output-sends.js';
import { STREAM_TUNING, type StreamTopics } from './stream-config.js';

export type { PartitionOutputs } from './output-sends.js';

/** Large output requests are compressed: changelog states and alerts are repetitive JSON. */
export const OUTPUT_COMPRESSION = CompressionTypes.GZIP;

export interface PartitionSink {
  /** Connect; for transactions also initialise the producer id, which fences previous owners. */
  init(): Promise<void>;
  /** Publish outputs and, when `nextOffset` is given, commit it as the group's position. */
  commit(out: PartitionOutputs, nextOffset: string | undefined): Promise<void>;
  close(): Promise<void>;
}

export interface SinkContext {
  readonly kafka: Kafka;
  readonly topics: StreamTopics;
  readonly groupId: string;
  readonly partition: number;
  /** Plain mode only: commit the consumer group offset. */
  readonly commitOffset: (partition: number, nextOffset: string) => Promise<void>;
}

export function transactionalId(groupId: string, pingsTopic: string, partition: number): string {
  return `${groupId}-${pingsTopic}-${partition}`;
}

export function createTransactionalSink(ctx: SinkContext): PartitionSink {
  const producer: Producer = ctx.kafka.producer({
    transactionalId: transactionalId(ctx.groupId, ctx.topics.pings, ctx.partition),
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: STREAM_TUNING.transactionTimeoutMs,
    // The broker answers CONCURRENT_TRANSACTIONS while the previous commit's markers are still
    // being written (a few ms). kafkajs's client-wide 300 ms first retry turned that into a
    // 250+ ms latency tail; start at 20 ms and climb to the same ceiling (~40 s in all), so a
    // broker restart is still ridden out.
    retry: { initialRetryTime: 20, maxRetryTime: 5_000, retries: 16 },
    // murmur2, as Java clients use, so alerts for one subject land where any producer would put them.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    async init() {
      await producer.connect();
      // kafkajs initialises the producer id lazily on the first transaction(); do it now so the
      // fencing (and the abort of a predecessor's open transaction) happens before we restore.
      const t = await producer.transaction();
      await t.abort();
    },
    async commit(out, nextOffset) {
      const t = await producer.transaction();
      try {
        // One produce request per wave (usually one in all), compressed only when large.
        for (const wave of outputWaves(outputSends(ctx.topics, out))) {
          await t.sendBatch({
            topicMessages: [...wave.sends],
            compression: shouldCompress(wave.bytes) ? OUTPUT_COMPRESSION : CompressionTypes.None,
          });
        }
        if (nextOffset !== undefined) {
          await t.sendOffsets({
            consumerGroupId: ctx.groupId,
            topics: [
              { topic: ctx.topics.pings, partitions: [{ partition: ctx.partition, offset: nextOffset }] },
            ],
          });
        }
        await t.commit();
      } catch (err) {
        await t.abort().catch(() => undefined);
        throw err;
      }
    },
    async close() {
      await producer.disconnect();
    },
  };
}

export function createPlainSink(ctx: SinkContext): PartitionSink {
  const producer: Producer = ctx.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    async init() {
      await producer.connect();
    },
    async commit(out, nextOffset) {
      // One send at a time, in plan order: alerts are on their topic before the state says so.
      for (const send of outputSends(ctx.topics, out)) {
        const compression = shouldCompress(send.bytes) ? OUTPUT_COMPRESSION : CompressionTypes.None;
        await producer.send({ topic: send.topic, messages: send.messages, acks: -1, compression });
      }
      if (nextOffset !== undefined) await ctx.commitOffset(ctx.partition, nextOffset);
    },
    async close() {
      await producer.disconnect();
    },
  };
}
