/**
 * One worker's stream side, in start-up order: topics → global tables (caught up) → pings group.
 * No ping is consumed before both tables have caught up with the end offsets they had at start,
 * so the first fix is judged against the full set of zones and enrolments.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { StreamEvents } from './events.js';
import { createKafka } from './kafka-client.js';
import { PingPipeline } from './ping-pipeline.js';
import { withRetry } from './retry.js';
import type { StreamConfig } from './stream-config.js';
import { ensureTopics } from './topic-setup.js';
import { createWorldTables, type WorldTables } from './world-tables.js';

export interface Readiness {
  ready: boolean;
  detail: Record<string, unknown>;
}

export interface StreamWorkerDeps {
  readonly logger: Logger;
  /** The consumer hit an error it cannot restart from; the process should exit non-zero. */
  readonly onFatal: (err: Error) => void;
  readonly events?: StreamEvents;
}

export class StreamWorker {
  readonly events: StreamEvents;
  readonly kafka: Kafka;
  private readonly log: Logger;
  private tables: WorldTables | undefined;
  private pipeline: PingPipeline | undefined;
  private phase: 'created' | 'topics' | 'tables' | 'pings' | 'running' | 'stopping' | 'stopped' = 'created';

  constructor(
    private readonly config: StreamConfig,
    private readonly deps: StreamWorkerDeps,
  ) {
    this.events = deps.events ?? new StreamEvents();
    this.log = deps.logger;
    this.kafka = createKafka(config.kafka, deps.logger);
  }

  readiness(): Readiness {
    const tablesReason = this.tables?.notReadyReason();
    // A partition whose commits keep failing the same way protects nobody: not ready, and why.
    const commitFailing = this.pipeline?.stuckPartitions() ?? {};
    const stuck = Object.keys(commitFailing).length > 0;
    const consumerProblem = this.pipeline?.consumerProblem();
    const ready =
      this.phase === 'running' &&
      (this.pipeline?.isRunning ?? false) &&
      tablesReason === undefined &&
      consumerProblem === undefined &&
      !stuck;
    return {
      ready,
      detail: {
        phase: this.phase,
        // Why not, in words: a table that cannot load (e.g. a record batch it cannot decode) says so.
        ...(!ready
          ? {
              reason:
                tablesReason ?? consumerProblem ?? (stuck ? 'commits keep failing' : `worker ${this.phase}`),
            }
          : {}),
        ...(stuck ? { commitFailing } : {}),
        zones: this.tables?.zones.detail() ?? 'not started',
        enrolments: this.tables?.enrolments.detail() ?? 'not started',
        partitions: this.pipeline?.ownedPartitions() ?? [],
      },
    };
  }

  ownedPartitions(): number[] {
    return this.pipeline?.ownedPartitions() ?? [];
  }

  async start(): Promise<void> {
    this.phase = 'topics';
    const partitions = await withRetry(() => ensureTopics(this.kafka, this.config, this.log));
    if (this.isStopping()) return;
    this.phase = 'tables';
    this.tables = createWorldTables(this.kafka, this.config, this.log, this.events);
    await this.tables.start();
    if (this.isStopping()) return;
    this.phase = 'pings';
    this.pipeline = new PingPipeline({
      kafka: this.kafka,
      config: this.config,
      world: this.tables.world,
      logger: this.log,
      events: this.events,
      onFatal: this.deps.onFatal,
    });
    await this.pipeline.start();
    if (this.isStopping()) return;
    this.phase = 'running';
    this.log.info(
      { groupId: this.config.kafka.groupId, partitions, exactlyOnce: this.config.exactlyOnce },
      'worker consuming pings',
    );
  }

  private isStopping(): boolean {
    return this.phase === 'stopping' || this.phase === 'stopped';
  }

  /**
   * Stops whatever start() has reached: a start still waiting for the tables (or for a topic
   * check) returns early, so a worker that never became ready still stops promptly.
   */
  async stop(): Promise<void> {
    if (this.isStopping()) return;
    this.phase = 'stopping';
    await this.pipeline?.stop();
    await this.tables?.stop();
    this.phase = 'stopped';
  }
}
