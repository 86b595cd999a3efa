/**
 * A dead-lettered ping: the original key and bytes, untouched, plus headers saying why and where
 * it came from (the contract fixes the header names). The reason comes from decodePing and names
 * fields and limits, never field values, so no coordinate can leak through it.
 */
import type { KafkaMessage, Message } from 'kafkajs';
import { DLQ_HEADERS } from '../contract/index.js';
import { STREAM_TUNING } from './stream-config.js';

export function dlqMessage(record: KafkaMessage, topic: string, partition: number, reason: string): Message {
  return {
    key: record.key,
    value: record.value,
    headers: {
      [DLQ_HEADERS.error]: reason,
      [DLQ_HEADERS.sourceTopic]: topic,
      [DLQ_HEADERS.sourcePartition]: String(partition),
      [DLQ_HEADERS.sourceOffset]: record.offset,
    },
  };
}

/**
 * Split DLQ messages into sends whose payloads stay under the chunk size, so a handful of large
 * garbage values never add up to one produce batch the broker refuses (which would wedge the
 * partition: the same batch would fail on every retry).
 */
export function chunkBySize(messages: readonly Message[]): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = (m.value?.length ?? 0) + (m.key?.length ?? 0) + 256;
    if (current.length > 0 && bytes + size > STREAM_TUNING.dlqChunkBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
