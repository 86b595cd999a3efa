/**
 * Starting a worker: the stream/ops composition (config, logger, metrics, the HTTP endpoint and
 * the stream worker) without the process concerns, so the CLI, the demo, the benchmarks and the
 * integration tests all start a worker the same way and can stop it.
 */
import type pino from 'pino';
import { Registry } from 'prom-client';
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

export async function startWorker(config: WorkerConfig, deps: WorkerDeps = {}): Promise<RunningWorker> {
  const logger = deps.logger ?? createLogger({ level: config.logLevel, name: 'fenceline-worker' });
  const events = new StreamEvents();
  const metrics = createMetrics(events, new Registry());
  const stream = new StreamWorker(config, {
    logger: logger.child({ instance: config.instanceId }),
    events,
    onFatal: (err) => {
      logger.fatal({ err }, 'worker cannot continue');
      deps.onFatal?.(err);
    },
  });
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    registry: metrics.registry,
    readiness: () => stream.readiness(),
  });
  logger.info({ port: http.port }, 'http endpoint listening');
  const started = stream.start();
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
