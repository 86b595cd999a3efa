/**
 * Writes the console's records: operator actions (key incidentId, so one incident's actions stay
 * in order on one partition) and view-audit records (key subjectId). Idempotent producer with
 * acks=all: a retried send is written once, and an answer means the record is durable.
 */
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { AlertAction, ConsoleAudit } from '../contract/index.js';
import type { ConsoleConfig } from './config.js';

export class ActionProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topics: ConsoleConfig['topics'],
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async sendAction(action: AlertAction): Promise<void> {
    await this.producer.send({
      topic: this.topics.alertActions,
      acks: -1,
      messages: [{ key: action.incidentId, value: JSON.stringify(action) }],
    });
  }

  async sendAudit(record: ConsoleAudit): Promise<void> {
    await this.producer.send({
      topic: this.topics.consoleAudit,
      acks: -1,
      messages: [{ key: record.subjectId, value: JSON.stringify(record) }],
    });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
