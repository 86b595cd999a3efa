/**
 * `fenceline worker`: the composition root for one worker process. Wires config (env), logger,
 * metrics, the HTTP endpoint and the stream worker together, and owns the process lifecycle:
 * SIGTERM/SIGINT finish the current batch, commit, leave the group, close producers and HTTP,
 * then exit 0. A bad configuration value exits 2 with one line naming the variable.
 *
 * `startWorker(config, deps)` is the same wiring without the process concerns, so integration
 * tests can run a worker in-process and stop it.
 */
import type pino from 'pino';
import { Registry } from 'prom-client';
import {
  ConfigError,
  createLogger,
  ENV_VARS,
  loadConfig,
  startHttpServer,
  type WorkerConfig,
} from '../ops/index.js';
import { createMetrics } from '../ops/metrics.js';
import { StreamEvents } from '../stream/events.js';
import { StreamWorker } from '../stream/stream-worker.js';
import type { Subcommand } from './main.js';

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
        await started.catch(() => undefined);
        await stream.stop();
        metrics.detach();
        await http.close();
        logger.info('worker stopped');
      })();
      return stopping;
    },
  };
}

const USAGE = [
  'Usage: fenceline worker',
  '',
  'Consumes pings, judges fixes against zones, publishes alerts exactly once.',
  'Configured by environment variables:',
  '',
  ...Object.entries(ENV_VARS).map(
    ([name, doc]) =>
      `  ${name.padEnd(28)} ${doc.meaning} (default ${typeof doc.default === 'string' ? doc.default : doc.default()})`,
  ),
].join('\n');

export const workerCommand: Subcommand = {
  summary: 'run a stream worker (pings in, alerts out)',
  usage: USAGE,
  async run(): Promise<number> {
    let config: WorkerConfig;
    try {
      config = loadConfig(process.env);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`fenceline worker: invalid configuration: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    const logger = createLogger({ level: config.logLevel, name: 'fenceline-worker' });
    let fatal: ((err: Error) => void) | undefined;
    const fatalError = new Promise<Error>((resolve) => {
      fatal = resolve;
    });
    const worker = await startWorker(config, { logger, onFatal: (err) => fatal?.(err) });
    const signalled = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    const startFailure = worker.started.then(
      () => new Promise<never>(() => {}),
      (err: Error) => err,
    );
    const outcome = await Promise.race([
      signalled.then((signal) => ({ kind: 'signal' as const, signal })),
      fatalError.then((err) => ({ kind: 'fatal' as const, err })),
      startFailure.then((err) => ({ kind: 'fatal' as const, err })),
    ]);
    if (outcome.kind === 'signal') {
      logger.info({ signal: outcome.signal }, 'stopping');
      await worker.stop();
      return 0;
    }
    logger.fatal({ err: outcome.err }, 'worker failed');
    await Promise.race([worker.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    return 1;
  },
};
