/**
 * `fenceline worker`: the composition root for one worker process. Wires config (env), logger,
 * metrics, the HTTP endpoint and the stream worker together, and owns the process lifecycle:
 * SIGTERM/SIGINT finish the current batch, commit, leave the group, close producers and HTTP,
 * then exit 0. A bad configuration value exits 2 with one line naming the variable.
 *
 * The wiring itself is startWorker in ops/worker-runtime.ts, shared with the demo, the benchmarks
 * and the tests.
 */

import type { Logger } from 'pino';
import { DEFAULT_ENGINE_CONFIG } from '../engine/index.js';
import {
  ConfigError,
  createLogger,
  ENGINE_VARS,
  ENV_VARS,
  type EnvVarDoc,
  KAFKA_SECURITY_VARS,
  loadConfig,
  startWorker,
  type WorkerConfig,
} from '../ops/index.js';
import type { Subcommand } from './main.js';

/** The composition root knows both sides: an engine tunable's default is the engine's own. */
function defaultText(name: string, doc: EnvVarDoc): string {
  if (doc.default === null) {
    const key = ENGINE_VARS[name as keyof typeof ENGINE_VARS];
    return String(DEFAULT_ENGINE_CONFIG[key]);
  }
  if (doc.defaultText !== undefined) return doc.defaultText;
  return typeof doc.default === 'string' ? doc.default : doc.default({});
}

const USAGE = [
  'Usage: fenceline worker',
  '',
  'Consumes pings, judges fixes against zones, publishes alerts exactly once.',
  'Configured by environment variables:',
  '',
  ...Object.entries(ENV_VARS).map(
    ([name, doc]) => `  ${name.padEnd(28)} ${doc.meaning} (default ${defaultText(name, doc)})`,
  ),
  '',
  'Kafka security (unset: plaintext, no identity; the same variables for every Fenceline client):',
  ...Object.entries(KAFKA_SECURITY_VARS).map(([name, meaning]) => `  ${name.padEnd(28)} ${meaning}`),
].join('\n');

/** How long a graceful stop may take before the process exits anyway. */
export const STOP_GRACE_MS = 20_000;

function exitNow(logger: Logger, code: number, why: string): never {
  logger.error({ code, why }, 'exiting without a complete stop');
  logger.flush?.();
  process.exit(code);
}

/**
 * Wait for a graceful stop, bounded by STOP_GRACE_MS; then make sure the process ends even if a
 * client library still holds a socket or timer (the exit code is kept either way).
 */
async function exitAfter(logger: Logger, stopping: Promise<void>, code: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    stopping.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (!stopped) exitNow(logger, code === 0 ? 1 : code, `stop took longer than ${STOP_GRACE_MS} ms`);
  setTimeout(() => process.exit(code), 2_000).unref();
  return code;
}

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
      // A second signal, or the grace period running out, ends the process whatever it was doing.
      process.once(outcome.signal, () => exitNow(logger, 1, 'second signal'));
      return exitAfter(logger, worker.stop(), 0);
    }
    logger.fatal({ err: outcome.err }, 'worker failed');
    return exitAfter(logger, worker.stop(), 1);
  },
};
