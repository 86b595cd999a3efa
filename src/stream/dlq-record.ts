/**
 * A dead-lettered ping: the original key and bytes, untouched, plus headers saying why and where
 * it came from (the contract fixes the header names). The reason comes from decodePing and names
 * fields and limits, never field values, so no coordinate can leak through it.
 */
import type { KafkaMessage, Message } from 'kafkajs';
import { DLQ_HEADERS } from '../contract/index.js';

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
