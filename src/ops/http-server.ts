/**
 * The worker's operations endpoint: Prometheus scrapes /metrics, the orchestrator probes
 * /healthz (liveness: the process is up and its event loop answers) and /readyz (readiness:
 * tables loaded, consumer joined; 503 with the reason otherwise). Plain node:http: three
 * read-only routes do not earn a framework.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry, RegistryContentType } from 'prom-client';

export interface Readiness {
  ready: boolean;
  /** Shown to whoever probes /readyz: counts and states, never zone content. */
  detail: Record<string, unknown>;
}

export interface HttpServerOptions {
  host: string;
  /** 0 binds an ephemeral port; the bound one is returned. */
  port: number;
  /** Any prom-client registry, Prometheus or OpenMetrics format; its content type is served. */
  registry: Pick<Registry<RegistryContentType>, 'metrics' | 'contentType'>;
  readiness: () => Readiness;
  /** How long close() lets in-flight requests finish before cutting connections. Default 5000. */
  closeGraceMs?: number;
}

export interface RunningHttpServer {
  readonly port: number;
  /** Stop accepting, let in-flight requests finish (bounded by closeGraceMs), then resolve. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

interface Context {
  readonly opts: HttpServerOptions;
  /** Set by close(): answers from then on tell the client to drop the connection. */
  stopping: boolean;
}

function send(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
): void {
  const headers: Record<string, string | number> = {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  };
  // A response finishing during shutdown closes its keep-alive connection, so close() does not
  // wait out the client's idle timer.
  if (ctx.stopping) headers.connection = 'close';
  res.writeHead(status, headers);
  // HEAD gets the GET headers (content-length included) and no body.
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendJson(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
): void {
  send(ctx, req, res, status, JSON_TYPE, `${JSON.stringify(value)}\n`);
}

async function route(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { opts } = ctx;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendJson(ctx, req, res, 405, { error: 'method not allowed' });
    return;
  }
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  switch (path) {
    case '/metrics': {
      const body = await opts.registry.metrics();
      send(ctx, req, res, 200, opts.registry.contentType, body);
      return;
    }
    case '/healthz':
      sendJson(ctx, req, res, 200, { status: 'ok' });
      return;
    case '/readyz': {
      let state: Readiness;
      try {
        state = opts.readiness();
      } catch {
        // A throwing probe means we cannot vouch for the worker: not ready, and say so.
        state = { ready: false, detail: { error: 'readiness check failed' } };
      }
      sendJson(ctx, req, res, state.ready ? 200 : 503, {
        status: state.ready ? 'ready' : 'not ready',
        detail: state.detail,
      });
      return;
    }
    default:
      sendJson(ctx, req, res, 404, { error: 'not found' });
  }
}

export function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  const graceMs = opts.closeGraceMs ?? 5000;
  const ctx: Context = { opts, stopping: false };
  const server = createServer((req, res) => {
    route(ctx, req, res).catch(() => {
      // The error's text could name anything a collector touched; the status is enough here.
      if (!res.headersSent) sendJson(ctx, req, res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  // Prometheus keeps scrape connections alive; don't let one idle socket hold up shutdown.
  server.keepAliveTimeout = 5000;

  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      const { port } = server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        port,
        close() {
          closing ??= new Promise<void>((done, fail) => {
            ctx.stopping = true;
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            force.unref();
            server.close((err) => {
              clearTimeout(force);
              if (err) fail(err);
              else done();
            });
            server.closeIdleConnections();
          });
          return closing;
        },
      });
    });
  });
}
