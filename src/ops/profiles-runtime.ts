/**
 * Starting the device-profile publisher as a service: the publisher (src/stream/profile-
 * publisher.ts), its metrics and the HTTP endpoint (/metrics, /healthz, /readyz on
 * 127.0.0.1:9466 by default), without the process concerns, so the CLI (`fenceline profiles`),
 * the demo and the integration tests start it the same way and can stop it.
 *
 * The endpoint is up before the publisher starts, so an orchestrator sees /healthz at once and
 * /readyz 503 (with the phase: reading back, loading tables) until the zones and enrolments are
 * caught up and the profiles they imply are committed.
 */
import type { Kafka } from 'kafkajs';
import type pino from 'pino';
import { describeConnection } from '../kafka/connection.js';
import { createKafka } from '../stream/kafka-client.js';
import { ProfilePublisher, type ProfilePublisherOptions } from '../stream/profile-publisher.js';
import { startHttpServer } from './http-server.js';
import type { ProfilesConfig } from './profiles-config.js';
import { createProfilesMetrics } from './profiles-metrics.js';

export interface ProfilesDeps {
  readonly logger: pino.Logger;
  /** The derivation settings and keyed hash (built by the CLI, which holds the secret). */
  readonly profile: ProfilePublisherOptions['profile'];
  readonly hash: ProfilePublisherOptions['hash'];
  readonly clock?: () => number;
  /** Defaults to a client built from config.kafka (createKafka: TLS and SASL apply). */
  readonly kafka?: Kafka;
  /** A commit failed: the publisher stopped; the caller should exit (a restart is safe). */
  readonly onFatal?: (err: Error) => void;
}

export interface RunningProfiles {
  readonly httpPort: number;
  readonly publisher: ProfilePublisher;
  /** Resolves when ready (first reconciliation committed); rejects if start-up failed. */
  readonly started: Promise<void>;
  /** Stops the publisher (the transaction in flight finishes) and the HTTP endpoint. Idempotent. */
  stop(): Promise<void>;
}

export async function startProfiles(config: ProfilesConfig, deps: ProfilesDeps): Promise<RunningProfiles> {
  const { logger } = deps;
  let fatal: Error | undefined;
  let publisher: ProfilePublisher | undefined;
  const metrics = createProfilesMetrics(() => publisher);
  const p = new ProfilePublisher({
    kafka: deps.kafka ?? createKafka(config.kafka, logger),
    logger,
    topics: config.topics,
    createTopics: config.createTopics,
    deviceConfigPartitions: config.deviceConfigPartitions,
    transactionalId: config.transactionalId,
    groupPrefix: `${config.transactionalId}.tables`,
    profile: deps.profile,
    hash: deps.hash,
    clock: deps.clock ?? Date.now,
    flushIntervalMs: config.flushIntervalMs,
    observer: metrics,
    onFatal: (err) => {
      fatal ??= err;
      deps.onFatal?.(err);
    },
  });
  publisher = p;
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    registry: metrics.registry,
    readiness: () => {
      const r = p.readiness();
      return fatal ? { ready: false, detail: { ...r.detail, failed: fatal.message } } : r;
    },
  });
  logger.info({ port: http.port }, 'http endpoint listening');
  logger.info({ kafka: describeConnection(config.kafka) }, 'kafka connection');
  const started = p.start().catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    fatal ??= e;
    throw e;
  });
  started.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    httpPort: http.port,
    publisher: p,
    started,
    stop() {
      stopping ??= (async () => {
        await p.stop();
        await http.close();
      })();
      return stopping;
    },
  };
}
