/**
 * What one commit sends, in order, in size-bounded chunks: the plan is a pure function of the
 * outputs, so batches and NO_SIGNAL sweeps of any size fit a topic at Kafka's default 1 MiB
 * `max.message.bytes` (one produce request per chunk, all inside the one transaction).
 *
 * Order: alerts, then DLQ records, then changelog states. In exactly-once mode the transaction
 * makes the order irrelevant; in at-least-once mode a crash between sends must never leave a
 * state saying "alert raised" without the alert on its topic (the restarted worker would not
 * raise it again), so alerts always go first and the changelog last.
 */
import type { Message } from 'kafkajs';
import { STREAM_TUNING, type StreamTopics } from './stream-config.js';

export interface PartitionOutputs {
  readonly alerts: Message[];
  readonly dlq: Message[];
  readonly changelog: Message[];
}

export interface OutputSend {
  readonly topic: string;
  readonly messages: Message[];
  /** Estimated uncompressed bytes of `messages`. */
  readonly bytes: number;
}

/** Per-record overhead of the v2 record format plus slack for varints and attributes. */
const RECORD_OVERHEAD = 64;

function bytes(v: Message['value'] | Message['key']): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/** Upper bound on the uncompressed size a message adds to a produce batch. */
export function messageSize(m: Message): number {
  let size = RECORD_OVERHEAD + bytes(m.key) + bytes(m.value);
  if (m.headers) {
    for (const [k, v] of Object.entries(m.headers)) {
      size += Buffer.byteLength(k) + 8;
      if (Array.isArray(v)) for (const x of v) size += bytes(x);
      else size += bytes(v as Buffer | string | undefined);
    }
  }
  return size;
}

/**
 * Split into chunks of at most `limit` estimated bytes (uncompressed: the bound holds whatever
 * the codec achieves). A single message above the limit travels alone (only DLQ records can be
 * that large, and the DLQ topic is created to take them).
 */
export function chunkBySize(messages: readonly Message[], limit: number): Message[][] {
  return sizedChunks(messages, limit).map((c) => c.messages);
}

/** chunkBySize, keeping each chunk's estimated size (so nothing sizes a message twice). */
function sizedChunks(messages: readonly Message[], limit: number): { messages: Message[]; bytes: number }[] {
  const chunks: { messages: Message[]; bytes: number }[] = [];
  let current: Message[] = [];
  let size = 0;
  for (const m of messages) {
    const s = messageSize(m);
    if (current.length > 0 && size + s > limit) {
      chunks.push({ messages: current, bytes: size });
      current = [];
      size = 0;
    }
    current.push(m);
    size += s;
  }
  if (current.length > 0) chunks.push({ messages: current, bytes: size });
  return chunks;
}

export function outputSends(
  topics: StreamTopics,
  out: PartitionOutputs,
  limit: number = STREAM_TUNING.outputChunkBytes,
): OutputSend[] {
  const sends: OutputSend[] = [];
  const add = (topic: string, messages: readonly Message[]) => {
    for (const chunk of sizedChunks(messages, limit)) sends.push({ topic, ...chunk });
  };
  add(topics.alerts, out.alerts);
  add(topics.pingsDlq, out.dlq);
  add(topics.stateChangelog, out.changelog);
  return sends;
}

/** One produce request inside a transaction: at most one chunk per topic, so no batch outgrows its chunk. */
export interface OutputWave {
  readonly sends: readonly OutputSend[];
  /** Estimated uncompressed bytes of the whole request. */
  readonly bytes: number;
}

/**
 * Exactly-once only (the transaction makes order irrelevant): pack the planned sends into as few
 * produce requests as possible. Wave i carries the i-th chunk of every topic, so a topic's
 * partition batch in a request is never larger than one chunk. A typical batch (a few alerts and
 * changelog states) is one request instead of one per topic, which is a round trip saved on
 * every commit.
 */
export function outputWaves(sends: readonly OutputSend[]): OutputWave[] {
  const waves: { sends: OutputSend[]; bytes: number }[] = [];
  const nextWave = new Map<string, number>();
  for (const send of sends) {
    const i = nextWave.get(send.topic) ?? 0;
    nextWave.set(send.topic, i + 1);
    waves[i] ??= { sends: [], bytes: 0 };
    waves[i]!.sends.push(send);
    waves[i]!.bytes += send.bytes;
  }
  return waves;
}

/**
 * Compress a request only when it is large enough for the bytes saved to matter (a catch-up or a
 * big sweep): gzip costs a few milliseconds of CPU per request, which small commits, the common
 * case, would pay in latency for nothing.
 */
export function shouldCompress(bytes: number, threshold: number = STREAM_TUNING.compressAboveBytes): boolean {
  return bytes >= threshold;
}
