/**
 * One HTTP POST to one configured endpoint. The URL only ever comes from the routing file
 * (nothing in a message can name one); redirects are not followed (node:http never does: a 3xx
 * is just a failed attempt); the whole attempt, connect to last response byte, is bounded by a
 * timeout; at most MAX_RESPONSE_BYTES of the answer are read, then the socket is dropped.
 *
 * The result's `error` is a short fixed phrase (timeout, connection reset, ...): never the URL,
 * a body or a header, because it goes to the ledger and the logs.
 */
import http from 'node:http';
import https from 'node:https';
import type { AttemptResult } from './retry-policy.js';
import { parseRetryAfter } from './retry-policy.js';

const MAX_RESPONSE_BYTES = 64 * 1024;

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export interface AttemptRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

const ERROR_PHRASES: Record<string, string> = {
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  ETIMEDOUT: 'connect timeout',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'tls certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls certificate not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls certificate not trusted',
  ERR_TLS_CERT_ALTNAME_INVALID: 'tls certificate name mismatch',
};

export function describeNetworkError(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') return ERROR_PHRASES[code] ?? `network error ${code.slice(0, 40)}`;
  if ((err as Error)?.message === 'socket hang up') return 'connection reset';
  return 'network error';
}

export function postOnce(req: AttemptRequest): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const url = new URL(req.url);
    const isHttps = url.protocol === 'https:';
    let settled = false;
    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const body = Buffer.from(req.body, 'utf8');
    const request = (isHttps ? https : http).request(url, {
      method: 'POST',
      agent: isHttps ? agents.https : agents.http,
      headers: { ...req.headers, 'content-length': String(body.length) },
    });
    const timer = setTimeout(() => {
      finish({ kind: 'error', error: 'timeout' });
      request.destroy();
    }, req.timeoutMs);
    request.on('error', (err) => finish({ kind: 'error', error: describeNetworkError(err) }));
    request.on('response', (res) => {
      let read = 0;
      const status = res.statusCode ?? 0;
      const retryAfterHeader = res.headers['retry-after'];
      const done = () =>
        finish({
          kind: 'response',
          status,
          retryAfterMs: parseRetryAfter(
            Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader,
            Date.now(),
          ),
        });
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        // The answer's content is never used; past the cap the connection is not worth keeping.
        if (read > MAX_RESPONSE_BYTES) {
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (err) => finish({ kind: 'error', error: describeNetworkError(err) }));
      res.on('close', () => {
        if (!res.complete) finish({ kind: 'error', error: 'connection reset' });
        done();
      });
    });
    request.end(body);
  });
}

export function closeAgents(): void {
  agents.http.destroy();
  agents.https.destroy();
}
