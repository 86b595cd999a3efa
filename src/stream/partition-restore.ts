/**
 * Bringing owned partitions to `ready`: fence predecessors (the sink's init), restore tag states
 * from the changelog, read the group's committed position. Used at assignment (many partitions,
 * one restore consumer) and by recovery (one partition).
 */
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { TagState } from '../engine/index.js';
import { restoreChangelog } from './changelog-restore.js';
import { STREAM_EVENTS, type StreamEvents } from './events.js';
import type { PartitionTask } from './partition-task.js';
import { withRetry } from './retry.js';
import type { StreamConfig } from './stream-config.js';

export interface RestorerDeps {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly config: StreamConfig;
  readonly log: Logger;
  readonly events: StreamEvents;
}

export class PartitionRestorer {
  constructor(private readonly deps: RestorerDeps) {}

  /**
   * Move every task through initialising → restoring → ready. The tasks' sinks must be fresh
   * (not yet initialised). On failure every task still live moves to `failed`, and the error is thrown.
   */
  async bringUp(tasks: readonly PartitionTask[], keepAlive?: () => Promise<void>): Promise<void> {
    const partitions = tasks.map((t) => t.partition);
    try {
      await Promise.all(tasks.map((t) => t.sink.init()));
      for (const t of tasks) if (!t.closed) t.lifecycle.to('restoring');
      const restored = await this.restore(partitions, keepAlive);
      const committed = await this.committedOffsets(partitions);
      for (const t of tasks) {
        if (t.closed) continue;
        t.reset(restored.get(t.partition), committed.get(t.partition) ?? 0n);
      }
    } catch (err) {
      for (const t of tasks) if (!t.closed) t.lifecycle.to('failed');
      throw err;
    }
  }

  private async restore(
    partitions: number[],
    keepAlive?: () => Promise<void>,
  ): Promise<Map<number, Map<string, TagState>>> {
    const { kafka, config, events, log } = this.deps;
    const r = await restoreChangelog({
      kafka,
      topic: config.topics.stateChangelog,
      partitions,
      groupPrefix: `${config.kafka.groupId}.${config.instanceId}`,
      logger: log,
      ...(keepAlive ? { keepAlive } : {}),
    });
    log.info(
      { partitions, tags: r.tags, records: r.records, ms: Math.round(r.durationS * 1000) },
      'state restored',
    );
    events.emit(STREAM_EVENTS.stateRestored, {
      partitions,
      tags: r.tags,
      records: r.records,
      durationS: r.durationS,
    });
    return r.states;
  }

  /** The group's committed positions, read after fencing; the earliest offset where none is committed. */
  private async committedOffsets(partitions: number[]): Promise<Map<number, bigint>> {
    const { admin, config } = this.deps;
    const topic = config.topics.pings;
    const [committed, bounds] = await withRetry(() =>
      Promise.all([
        admin.fetchOffsets({ groupId: config.kafka.groupId, topics: [topic] }),
        admin.fetchTopicOffsets(topic),
      ]),
    );
    const out = new Map<number, bigint>();
    for (const p of partitions) {
      const c = committed[0]?.partitions.find((x) => x.partition === p)?.offset;
      const low = bounds.find((x) => x.partition === p)?.low ?? '0';
      out.set(p, c !== undefined && BigInt(c) >= 0n ? BigInt(c) : BigInt(low));
    }
    return out;
  }
}
