/**
 * `fenceline notify`: the police notifier (alerts and escalations in, signed webhooks out, the
 * ledger as its state), and `fenceline notify verify-receiver`, a receiver a force's IT can run.
 *
 * A bad environment variable or routing file exits 2 with one line naming the variable or field
 * (never a secret). SIGTERM/SIGINT stop promptly: timers cleared, consumer left, in-flight
 * attempts given up to 3 s, ledger flushed. Owed attempts are in the ledger; the next start makes them.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type pino from 'pino';
import type { Registry } from 'prom-client';
import { loadRoutingFile, type ResolvedRouting, RoutingError } from '../notify/load-routing.js';
import { Notifier } from '../notify/notifier.js';
import { loadNotifyConfig, NOTIFY_ENV_VARS, type NotifyConfig } from '../notify/notify-config.js';
import { createNotifyMetrics } from '../notify/notify-metrics.js';
import { decodeSecret, SecretFormatError } from '../notify/signature.js';
import { startVerifyReceiver } from '../notify/verify-receiver.js';
import { ConfigError, createLogger, startHttpServer } from '../ops/index.js';
import type { Subcommand } from './main.js';

export interface RunningNotify {
  readonly httpPort: number;
  readonly notifier: Notifier;
  readonly registry: Registry;
  /** Resolves once the ledger is loaded and the inputs are caught up. */
  readonly started: Promise<void>;
  /** Resolves (never rejects) if Kafka refuses the notifier after start-up; the CLI then exits 1. */
  readonly failed: Promise<Error>;
  stop(): Promise<void>;
}

/** The notifier without the process concerns, so the demo and tests can run it in-process. */
export async function startNotify(
  config: NotifyConfig,
  routing: ResolvedRouting,
  deps: { logger: pino.Logger; random?: () => number },
): Promise<RunningNotify> {
  const logger = deps.logger;
  let notifier: Notifier | undefined;
  let onFailed: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => {
    onFailed = resolve;
  });
  const metrics = createNotifyMetrics(
    routing.endpoints.map((e) => e.name),
    {
      queueDepth: (e) => notifier?.queueDepth(e) ?? 0,
      oldestUndeliveredMs: () => notifier?.oldestUndeliveredMs(),
    },
  );
  notifier = new Notifier(config, routing, {
    logger,
    observer: metrics,
    onFatal: (err) => onFailed(err),
    ...(deps.random ? { random: deps.random } : {}),
  });
  const n = notifier;
  const http = await startHttpServer({
    host: config.http.host,
    port: config.http.port,
    registry: metrics.registry,
    readiness: () => n.readiness(),
  });
  logger.info(
    { port: http.port, endpoints: routing.endpoints.map((e) => e.name) },
    'http endpoint listening',
  );
  const started = n.start();
  started.catch(() => undefined);
  let stopping: Promise<void> | undefined;
  return {
    httpPort: http.port,
    notifier: n,
    registry: metrics.registry,
    started,
    failed,
    stop() {
      stopping ??= (async () => {
        await n.stop();
        await http.close();
        logger.info('notifier stopped');
      })();
      return stopping;
    },
  };
}

const USAGE = [
  'Usage: fenceline notify',
  '       fenceline notify verify-receiver --port N --secret whsec_... [--secret whsec_...] [--host H] [--path P]',
  '',
  'notify: delivers routed alerts and escalations as signed CloudEvents webhooks; configured by',
  'environment variables (the routing file names endpoints, secrets sources and rules):',
  '',
  ...Object.entries(NOTIFY_ENV_VARS).map(
    ([name, doc]) => `  ${name.padEnd(22)} ${doc.meaning}${doc.default ? ` (default ${doc.default})` : ''}`,
  ),
  '',
  'verify-receiver: checks signatures and timestamps with the standardwebhooks package, deduplicates',
  'by webhook-id and prints one line per event. Secrets may also come from --secret-file or',
  'NOTIFY_RECEIVER_SECRET (keeps them out of `ps`).',
].join('\n');

async function runNotify(): Promise<number> {
  let config: NotifyConfig;
  let routing: ResolvedRouting;
  try {
    config = loadNotifyConfig(process.env);
    routing = loadRoutingFile(config.routesFile, process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof RoutingError) {
      const where = err instanceof RoutingError ? 'NOTIFY_ROUTES_FILE: ' : '';
      process.stderr.write(`fenceline notify: invalid configuration: ${where}${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, name: 'fenceline-notify' });
  const running = await startNotify(config, routing, { logger });
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  // Fatal: start-up failed, or Kafka refused the notifier later (a broker outage is not fatal:
  // the notifier starts a new input consumer and rides it out).
  const failed = Promise.race([
    running.started.then(
      () => new Promise<never>(() => {}),
      (err: Error) => err,
    ),
    running.failed,
  ]);
  const outcome = await Promise.race([
    signalled.then((signal) => ({ kind: 'signal' as const, signal })),
    failed.then((err) => ({ kind: 'fatal' as const, err })),
  ]);
  // Exit promptly whatever state start-up was in (e.g. a SIGTERM while the ledger is still being
  // read leaves that reader's sockets open): once stop() is done, a short unref'd timer ends it.
  const exitSoon = (code: number) => setTimeout(() => process.exit(code), 2_000).unref();
  if (outcome.kind === 'signal') {
    logger.info({ signal: outcome.signal }, 'stopping');
    await running.stop();
    exitSoon(0);
    return 0;
  }
  logger.fatal({ err: outcome.err }, 'notifier failed');
  await Promise.race([running.stop().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
  exitSoon(1);
  return 1;
}

async function runVerifyReceiver(argv: string[]): Promise<number> {
  let v: {
    port?: string | undefined;
    host?: string | undefined;
    path?: string | undefined;
    secret?: string[] | undefined;
    'secret-file'?: string[] | undefined;
  };
  try {
    v = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        path: { type: 'string' },
        secret: { type: 'string', multiple: true },
        'secret-file': { type: 'string', multiple: true },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`fenceline notify verify-receiver: ${(err as Error).message}\n`);
    return 2;
  }
  const port = Number(v.port);
  if (v.port === undefined || !Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write('fenceline notify verify-receiver: --port: expected an integer 0..65535\n');
    return 2;
  }
  const secrets = [...(v.secret ?? [])];
  try {
    for (const f of v['secret-file'] ?? []) secrets.push(readFileSync(f, 'utf8').trim());
  } catch {
    process.stderr.write('fenceline notify verify-receiver: --secret-file: cannot read\n');
    return 2;
  }
  const fromEnv = process.env.NOTIFY_RECEIVER_SECRET?.trim();
  if (fromEnv) secrets.push(fromEnv);
  if (secrets.length === 0) {
    process.stderr.write(
      'fenceline notify verify-receiver: --secret: at least one whsec_ secret is required\n',
    );
    return 2;
  }
  for (const [i, s] of secrets.entries()) {
    try {
      decodeSecret(s);
    } catch (err) {
      if (!(err instanceof SecretFormatError)) throw err;
      process.stderr.write(`fenceline notify verify-receiver: secret ${i + 1}: ${err.message}\n`);
      return 2;
    }
  }
  const receiver = await startVerifyReceiver({
    host: v.host ?? '127.0.0.1',
    port,
    path: v.path ?? '/',
    secrets,
    print: (line) => process.stdout.write(`${line}\n`),
  });
  process.stderr.write(
    `verify-receiver listening on http://${v.host ?? '127.0.0.1'}:${receiver.port}${v.path ?? '/'}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await receiver.close();
  process.stderr.write(`verify-receiver: ${receiver.accepted} accepted, ${receiver.duplicates} duplicates\n`);
  return 0;
}

export const notifyCommand: Subcommand = {
  summary: 'deliver breach alerts to police endpoints as signed webhooks (and verify-receiver)',
  usage: USAGE,
  run(argv: string[]): Promise<number> {
    if (argv[0] === 'verify-receiver') return runVerifyReceiver(argv.slice(1));
    if (argv.length > 0) {
      process.stderr.write(`fenceline notify: unknown argument ${JSON.stringify(argv[0])}\n\n${USAGE}\n`);
      return Promise.resolve(2);
    }
    return runNotify();
  },
};
