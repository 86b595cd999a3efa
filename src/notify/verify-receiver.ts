/**
 * `fenceline notify verify-receiver`: a small webhook endpoint a force's IT can run to test its
 * side against ours. It verifies the Standard Webhooks signature and timestamp with the
 * `standardwebhooks` reference package (5-minute tolerance), deduplicates by `webhook-id`, and
 * prints one JSON line per accepted event (and per duplicate, marked so).
 *
 * Answers: 204 accepted, 200 duplicate (still a 2xx: the sender must stop retrying), 400 missing
 * headers or a body that is not a CloudEvent, 401 bad signature or stale timestamp, 413 too large,
 * 405/404 otherwise. Listens on 127.0.0.1 unless told otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export interface ReceiverOptions {
  readonly host: string;
  readonly port: number;
  /** `whsec_...`; several while the sender rotates keys (any one verifying is enough). */
  readonly secrets: readonly string[];
  readonly path?: string;
  readonly maxBodyBytes?: number;
  /** One line per accepted or duplicate event; stdout in the CLI. */
  readonly print: (line: string) => void;
}

export interface RunningReceiver {
  readonly port: number;
  readonly accepted: number;
  readonly duplicates: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve('too large');
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, error?: string): void {
  const body = error === undefined ? '' : JSON.stringify({ error });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function startVerifyReceiver(opts: ReceiverOptions): Promise<RunningReceiver> {
  const verifiers = opts.secrets.map((s) => new Webhook(s));
  const seen = new Map<string, number>();
  const limit = opts.maxBodyBytes ?? 256 * 1024;
  const path = opts.path ?? '/';
  let accepted = 0;
  let duplicates = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url !== path) return reply(res, 404, 'not found');
    if (req.method !== 'POST') return reply(res, 405, 'POST only');
    const body = await readBody(req, limit);
    if (body === 'too large') return reply(res, 413, `body over ${limit} bytes`);
    const headers = {
      'webhook-id': header(req, 'webhook-id') ?? '',
      'webhook-timestamp': header(req, 'webhook-timestamp') ?? '',
      'webhook-signature': header(req, 'webhook-signature') ?? '',
    };
    for (const [name, value] of Object.entries(headers))
      if (value === '') return reply(res, 400, `missing ${name}`);
    let event: unknown;
    let lastError = 'no secret configured';
    for (const v of verifiers) {
      try {
        event = v.verify(body.toString('utf8'), headers);
        lastError = '';
        break;
      } catch (err) {
        lastError = err instanceof WebhookVerificationError ? err.message : 'body is not JSON';
      }
    }
    if (lastError !== '') return reply(res, lastError === 'body is not JSON' ? 400 : 401, lastError);
    const e = event as {
      specversion?: unknown;
      id?: unknown;
      type?: unknown;
      data?: Record<string, unknown>;
    };
    if (e?.specversion !== '1.0' || typeof e.id !== 'string' || typeof e.type !== 'string')
      return reply(res, 400, 'not a CloudEvents 1.0 envelope');
    const id = headers['webhook-id'];
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    const d = e.data ?? {};
    const line = {
      at: new Date().toISOString(),
      duplicate: count > 1,
      webhookId: id,
      type: e.type,
      incidentId: d.incidentId,
      alertType: d.alertType,
      severity: d.severity,
      subjectId: d.subjectId,
      zoneId: d.zoneId,
      reason: d.reason,
      incidentUrl: d.incidentUrl,
    };
    opts.print(JSON.stringify(line));
    if (count > 1) {
      duplicates++;
      return reply(res, 200);
    }
    accepted++;
    return reply(res, 204);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, 'internal error');
      else res.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        get accepted() {
          return accepted;
        },
        get duplicates() {
          return duplicates;
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
