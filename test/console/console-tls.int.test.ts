/**
 * The console over TLS (CONSOLE_TLS_CERT / CONSOLE_TLS_KEY), against a real broker: a
 * self-signed certificate made with openssl for this run (`.ci/run` installs openssl when
 * missing), HTTPS answers with HSTS, the session cookie is Secure (and HttpOnly, SameSite=Strict)
 * and works, and plain HTTP is not served on that port.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningConsole } from '../../src/console/server.js';
import { launchConsole, makeHarness, PASSWORD } from './console-harness.js';

const brokers = inject('kafkaBrokers');

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  mod: typeof http | typeof https,
  url: string,
  options: https.RequestOptions,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { ...options, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

describe('the console over TLS (broker)', () => {
  let running: RunningConsole;
  let ca: Buffer;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fenceline-console-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    ca = readFileSync(cert);
    const h = await makeHarness(brokers, 'tls', { CONSOLE_TLS_CERT: cert, CONSOLE_TLS_KEY: key });
    running = await launchConsole(h);
  }, 120_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('serves HTTPS with HSTS, and the certificate is the configured one', async () => {
    expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await request(https, `${running.url}/login`, { ca });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    // Our CA only: a client that does not trust this certificate is refused.
    await expect(request(https, `${running.url}/login`, {})).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it('the session cookie is Secure, HttpOnly and SameSite=Strict, and it opens the API over HTTPS', async () => {
    const login = await request(
      https,
      `${running.url}/api/login`,
      { ca, method: 'POST', headers: { 'content-type': 'application/json' } },
      JSON.stringify({ username: 'olga', password: PASSWORD }),
    );
    expect(login.status).toBe(200);
    const cookie = login.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    const me = await request(https, `${running.url}/api/me`, {
      ca,
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ user: 'olga', role: 'operator' });
  });

  it('plain HTTP is not served on the TLS port', async () => {
    const plain = running.url.replace(/^https:/, 'http:');
    const outcome = await request(http, `${plain}/login`, {}).then(
      (r) => `answered ${r.status}`,
      (err: Error) => `refused: ${err.message}`,
    );
    expect(outcome).toMatch(/^refused: /);
  });
});
