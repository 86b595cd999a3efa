/**
 * What the stream layer tells the outside world. Observability is emitted, not imported:
 * src/ops/metrics.ts subscribes to these events, the stream layer never touches prom-client.
 * Events are aggregated per batch (or per restore, per table update run) so the hot per-ping
 * path only bumps local counters.
 */
import { EventEmitter } from 'node:events';
import { PING_OUTCOMES } from '../engine/index.js';

/** What a batch counts per record: every engine outcome, plus `invalid` for a record sent to the DLQ. */
export const BATCH_OUTCOMES = [...PING_OUTCOMES, 'invalid'] as const;
export type BatchOutcome = (typeof BATCH_OUTCOMES)[number];

export const STREAM_EVENTS = {
  /** A batch of one input partition was processed and its outputs committed. */
  batchCommitted: 'batch.committed',
  /** A NO_SIGNAL sweep over one partition committed alerts or state changes. */
  sweepCommitted: 'sweep.committed',
  /** A transaction (or a plain send/commit) failed; the partition is being recovered. */
  commitFailed: 'commit.failed',
  /** One or more partitions' state was restored from the changelog. */
  stateRestored: 'state.restored',
  /** Number of tag states held in memory (all owned partitions). */
  stateSize: 'state.size',
  /** A global table's size changed. */
  tableSize: 'table.size',
  /** A zone record was rejected (bad JSON, contract violation, or geometry that does not compile). */
  zoneRejected: 'zone.rejected',
  /** An enrolment record was rejected. */
  enrolmentRejected: 'enrolment.rejected',
  /** Both global tables reached the end offsets they had at start-up. */
  tablesCaughtUp: 'tables.caught-up',
  /** A table's consumer failed; the table is rebuilt aside (the worker is not ready meanwhile). */
  tableFailed: 'table.failed',
  /** A table rebuilt after a failure was swapped in. */
  tableRebuilt: 'table.rebuilt',
  /** Consumer lag of one input partition after a batch. */
  consumerLag: 'consumer.lag',
  /** Partitions assigned to this worker changed. */
  assignmentChanged: 'assignment.changed',
} as const;

export type StreamEventName = (typeof STREAM_EVENTS)[keyof typeof STREAM_EVENTS];

/** Per-alert latency sample, in seconds, measured when the alert became visible (commit done). */
export interface AlertSample {
  readonly type: string;
  /** Fix ts → committed. */
  readonly fromFixS: number;
  /** Broker append time of the triggering ping → committed; NaN for sweep alerts. */
  readonly fromAppendS: number;
}

export interface BatchCommittedEvent {
  readonly partition: number;
  readonly durationS: number;
  /** Count per engine outcome, plus 'invalid' for pings that went to the DLQ. */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly dlq: number;
  readonly alerts: readonly AlertSample[];
  readonly changedTags: number;
}

export interface SweepCommittedEvent {
  readonly partition: number;
  readonly alerts: readonly AlertSample[];
  readonly changedTags: number;
}

export interface CommitFailedEvent {
  readonly partition: number;
  readonly error: string;
  /** Consecutive failures of this partition with the same error (2+: stuck, see commit-streak.ts). */
  readonly consecutive: number;
}

export interface StateRestoredEvent {
  readonly partitions: readonly number[];
  readonly tags: number;
  readonly records: number;
  readonly durationS: number;
}

export interface StateSizeEvent {
  readonly tags: number;
}

export interface TableSizeEvent {
  readonly table: 'zones' | 'enrolments';
  readonly size: number;
}

export interface ZoneRejectedEvent {
  readonly zoneId: string;
  readonly field: string;
}

export interface EnrolmentRejectedEvent {
  readonly tagId: string;
  readonly field: string;
}

export interface TableFailedEvent {
  readonly table: 'zones' | 'enrolments';
  readonly error: string;
}

export interface TableRebuiltEvent {
  readonly table: 'zones' | 'enrolments';
}

export interface ConsumerLagEvent {
  readonly partition: number;
  readonly lag: number;
}

export interface AssignmentChangedEvent {
  readonly partitions: readonly number[];
}

export interface StreamEventMap {
  [STREAM_EVENTS.batchCommitted]: BatchCommittedEvent;
  [STREAM_EVENTS.sweepCommitted]: SweepCommittedEvent;
  [STREAM_EVENTS.commitFailed]: CommitFailedEvent;
  [STREAM_EVENTS.stateRestored]: StateRestoredEvent;
  [STREAM_EVENTS.stateSize]: StateSizeEvent;
  [STREAM_EVENTS.tableSize]: TableSizeEvent;
  [STREAM_EVENTS.zoneRejected]: ZoneRejectedEvent;
  [STREAM_EVENTS.enrolmentRejected]: EnrolmentRejectedEvent;
  [STREAM_EVENTS.tablesCaughtUp]: Record<string, never>;
  [STREAM_EVENTS.tableFailed]: TableFailedEvent;
  [STREAM_EVENTS.tableRebuilt]: TableRebuiltEvent;
  [STREAM_EVENTS.consumerLag]: ConsumerLagEvent;
  [STREAM_EVENTS.assignmentChanged]: AssignmentChangedEvent;
}

/** A typed EventEmitter, one per worker (so two in-process workers never mix their metrics). */
export class StreamEvents {
  private readonly emitter = new EventEmitter();

  on<K extends StreamEventName>(name: K, listener: (event: StreamEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  emit<K extends StreamEventName>(name: K, event: StreamEventMap[K]): void {
    this.emitter.emit(name, event);
  }
}
