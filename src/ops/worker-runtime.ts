/**
 * Starting a worker: the stream/ops composition (config, logger, metrics, the HTTP endpoint and
 * the stream worker) without the process concerns, so the CLI, the demo, the benchmarks and the
 * integration tests all start a worker the same way and can stop it.
 */
import type pino from 'pino';
import { Registry } from 'prom-client';
import { describeConnection } from '../kafka/connection.js';
import { explainKafkaFailure } from '../kafka/explain-failure.js';
import { probeTls } from '../kafka/tls-probe.js';
import { StreamEvents } from '../stream/events.js';
import { StreamWorker } from '../stream/stream-worker.js';
import type { WorkerConfig } from './config.js';
import { startHttpServer } from './http-server.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';

export interface WorkerDeps {
  /** Defaults to a pino logger at config.logLevel on stdout. */
  readonly logger?: pino.Logger;
  /** Called when the worker hits an error it cannot recover from (the CLI exits 1). */
  readonly onFatal?: (err: Error) => void;
}

export interface RunningWorker {
  /** Bound HTTP port (/metrics, /healthz, /readyz). */
  readonly httpPort: number;
  readonly events: StreamEvents;
  readonly registry: Registry;
  readonly stream: StreamWorker;
  /** Resolves when tables have caught up and the pings consumer is running. */
  readonly started: Promise<void>;
  /** Graceful stop: current batch committed, group left, producers and HTTP closed. Idempotent. */
  stop(): Promise<void>;
}

/** Refused by Kafka (credentials, certificate, ACL): one line naming the cause; the original is the cause. */
export class KafkaAccessError extends Error {
  override readonly name = 'KafkaAccessError';
}

function explained(err: unknown, config: WorkerConfig, phase: string): Error {
  const failure = explainKafkaFailure(err, config.kafka);
  if (!failure) return err instanceof Error ? err : new Error(String(err));
  return new KafkaAccessError(`${failure.line} (while starting: ${phase})`, { cause: err });
}

export async function startWorker(config: WorkerConfig, deps: WorkerDeps = {}): Promise<RunningWorker> {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, name: 'fenceline-worker' });
  const events = new StreamEvents();
  const metrics = createMetrics(events, new Registry());
  // Set once the worker cannot continue: readiness then stays false and says why (one line).
  let fatal: Error | undefined;
  const stream = new StreamWorker(config, {
    logger: logger.child({ instance: config.instanceId }),
    events,
    onFatal: (cause) => {
      const failure = explainKafkaFailure(cause, config.kafka);
      const err = failure ? new KafkaAccessError(failure.line, { cause }) : cause;
      fatal ??= err;
      logger.fatal({ err }, 'worker cannot continue');
      deps.onFatal?.(err);
    },
  });
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    registry: metrics.registry,
    readiness: () => {
      const r = stream.readiness();
      return fatal ? { ready: false, detail: { ...r.detail, failed: fatal.message } } : r;
    },
  });
  logger.info({ port: http.port }, 'http endpoint listening');
  // Protocol and identity only (e.g. "SASL_SSL to kafka:9092 as fenceline-worker (scram-sha-512)").
  logger.info({ kafka: describeConnection(config.kafka) }, 'kafka connection');
  // A refusal by Kafka (wrong password, untrusted certificate, missing ACL) becomes one line
  // naming the cause and the phase (topics, tables, pings) that met it.
  // An untrusted broker certificate is final: probe it first rather than let kafkajs retry it.
  const started = probeTls(config.kafka)
    .then(() => stream.start())
    .catch((err: unknown) => {
      const phase = String(stream.readiness().detail.phase);
      const failure = explained(err, config, phase === 'created' ? 'connecting' : phase);
      fatal ??= failure;
      throw failure;
    });
  // Start-up failures surface through `started`; keep them from becoming unhandled rejections.
  started.catch(() => undefined);

  let stopping: Promise<void> | undefined;
  return {
    httpPort: http.port,
    events,
    registry: metrics.registry,
    stream,
    started,
    stop() {
      stopping ??= (async () => {
        // Never wait for start-up to finish: a worker stuck before readiness (a table that
        // cannot load) must still stop; stream.stop() makes a pending start return.
        await stream.stop();
        await started.catch(() => undefined);
        metrics.detach();
        await http.close();
        logger.info('worker stopped');
      })();
      return stopping;
    },
  };
}
