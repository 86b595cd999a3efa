/**
 * The console's composition: fastify with the cookie plugin, one hook that decides who is asking
 * (and refuses when nobody is), one that checks the CSRF token on every state change, security
 * headers on every answer, then the route families. `startConsole` also starts the Kafka fold and
 * owns the shutdown order (HTTP and event streams first, then Kafka).
 *
 * Why fastify: the project's anchor for HTTP; hooks give one place each for authentication, CSRF
 * and headers instead of a check in every route, and its JSON body parsing refuses other content
 * types with 415, which is what keeps cross-site forms out.
 */
import { readFileSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createKafka } from '../stream/kafka-client.js';
import { ActionProducer } from './action-producer.js';
import { CentreStore } from './centre-store.js';
import type { ConsoleConfig } from './config.js';
import type { ConsoleContext } from './context.js';
import { DeviceFeed } from './device-feed.js';
import { EventStreamHub } from './event-stream.js';
import { FoldRunner } from './fold-runner.js';
import { LoginLimiter } from './login-limiter.js';
import { createConsoleMetrics } from './metrics.js';
import { type Principal, principalOf } from './principal.js';
import { registerAuthRoutes } from './routes-auth.js';
import { registerIncidentRoutes } from './routes-incidents.js';
import { registerPageRoutes } from './routes-pages.js';
import { registerViewRoutes } from './routes-views.js';
import { csrfMatches, SessionStore } from './sessions.js';
import { loadStaticFiles } from './static-files.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** Reachable without a login: the login page and its assets, and the probes (no incident data). */
const PUBLIC = new Set(['/login', '/api/login', '/healthz', '/readyz', '/metrics']);
const isPublic = (path: string) => PUBLIC.has(path) || path.startsWith('/static/');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function securityHeaders(config: ConsoleConfig): Record<string, string> {
  const tileOrigin =
    config.tileUrl !== undefined ? ` ${new URL(config.tileUrl.replace(/[{}]/g, '')).origin}` : '';
  const headers: Record<string, string> = {
    'content-security-policy': `default-src 'self'; img-src 'self' data:${tileOrigin}; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'geolocation=(), camera=(), microphone=()',
  };
  if (config.http.tls !== undefined) headers['strict-transport-security'] = 'max-age=31536000';
  return headers;
}

export function buildApp(ctx: ConsoleContext): FastifyInstance {
  const { config } = ctx;
  const https =
    config.http.tls !== undefined
      ? {
          https: { cert: readFileSync(config.http.tls.certFile), key: readFileSync(config.http.tls.keyFile) },
        }
      : {};
  // Fastify's own request logging is off: URLs and bodies are ours to log, field by field.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, ...https }) as unknown as FastifyInstance;
  void app.register(fastifyCookie);
  const headers = securityHeaders(config);

  app.addHook('onRequest', async (req, reply) => {
    reply.headers(headers);
    reply.header('cache-control', 'no-store');
    const path = req.url.split('?')[0]!;
    if (isPublic(path)) return;
    const principal = principalOf(req, ctx.sessions, config.proxy, ctx.now());
    if (principal === undefined) {
      if (path.startsWith('/api/')) {
        return reply.code(401).send({ error: 'unauthenticated', reason: 'log in first' });
      }
      return reply.redirect(`/login?next=${encodeURIComponent(path)}`, 302);
    }
    req.principal = principal;
    if (!SAFE_METHODS.has(req.method) && !csrfMatches(principal.csrf, req.headers['x-csrf-token'])) {
      return reply
        .code(403)
        .send({ error: 'csrf', reason: 'missing or wrong CSRF token', field: 'x-csrf-token' });
    }
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string }, _req, reply) => {
    const status =
      err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) ctx.logger.error({ err }, 'request failed');
    void reply.code(status).send({
      error: status === 500 ? 'internal' : (err.code ?? 'bad_request'),
      reason: status === 500 ? 'internal error' : 'bad request',
    });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const r = ctx.runner.readiness();
    return reply.code(r.ready ? 200 : 503).send({
      status: r.ready ? 'ready' : 'not ready',
      detail: { ...r.detail, devices: ctx.devices.status() },
    });
  });
  app.get('/metrics', async (_req, reply) => {
    const body = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(body);
  });

  registerAuthRoutes(app, ctx);
  registerIncidentRoutes(app, ctx);
  registerViewRoutes(app, ctx);
  registerPageRoutes(app, ctx);
  return app;
}

export interface RunningConsole {
  readonly port: number;
  readonly url: string;
  readonly store: CentreStore;
  /** Resolves once the fold has caught up with every topic. */
  readonly ready: Promise<void>;
  /** Resolves once the ping window is loaded (device status caught up), or the feed failed. */
  readonly devicesLoaded: Promise<void>;
  readonly devices: DeviceFeed;
  stop(): Promise<void>;
}

export async function startConsole(config: ConsoleConfig, logger: Logger): Promise<RunningConsole> {
  const ackTargetsMs = {
    P1: config.ackTargetsS.P1 * 1000,
    P2: config.ackTargetsS.P2 * 1000,
    P3: config.ackTargetsS.P3 * 1000,
  };
  const store = new CentreStore(ackTargetsMs);
  let devices: DeviceFeed | undefined;
  const metrics = createConsoleMetrics(
    () => store.state,
    () => devices?.book.tags.size ?? 0,
  );
  store.onChange((_i, r) => {
    if (r.transition === undefined) return;
    const h = r.transition.kind === 'acknowledged' ? metrics.timeToAck : metrics.timeToClose;
    h.observe({ severity: r.transition.incident.severity }, r.transition.afterMs / 1000);
  });
  const kafka = createKafka(config.kafka, logger);
  const runner = new FoldRunner(kafka, config, store, metrics, logger);
  // Device status is not part of readiness: the queue must not wait for an hour of pings.
  devices = new DeviceFeed(kafka, config, metrics, logger);
  const producer = new ActionProducer(kafka, config.topics);
  const hub = new EventStreamHub(store, (n) => metrics.clients.set(n));
  const sessions = new SessionStore(config.sessionIdleS * 1000);
  const limiter = new LoginLimiter(config.login.maxFailures, config.login.windowS * 1000);
  const ctx: ConsoleContext = {
    config,
    store,
    runner,
    devices,
    sessions,
    limiter,
    hub,
    producer,
    metrics,
    logger,
    files: loadStaticFiles(),
    now: Date.now,
  };
  const app = buildApp(ctx);
  const sweeper = setInterval(() => {
    sessions.sweep(Date.now());
    limiter.sweep(Date.now());
  }, 60_000);
  sweeper.unref();
  await app.listen({ host: config.http.host, port: config.http.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.http.port;
  const scheme = config.http.tls !== undefined ? 'https' : 'http';
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  logger.info({ port }, 'console listening');
  const devicesLoaded = devices.start();
  const ready = (async () => {
    await producer.connect();
    await runner.start();
  })();
  ready.catch((err) => logger.error({ err }, 'console could not start its Kafka fold'));
  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `${scheme}://${host}:${port}`,
    store,
    ready,
    devicesLoaded,
    devices,
    stop() {
      stopping ??= (async () => {
        clearInterval(sweeper);
        hub.close();
        await app.close();
        await Promise.race([ready.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
        await Promise.all([runner.stop(), devices.stop()]);
        await producer.disconnect().catch(() => undefined);
        logger.info('console stopped');
      })();
      return stopping;
    },
  };
}
