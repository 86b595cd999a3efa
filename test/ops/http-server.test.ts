import { request } from 'node:http';
import { Counter, Gauge, type OpenMetricsContentType, Registry, type RegistryContentType } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type Readiness, type RunningHttpServer, startHttpServer } from '../../src/ops/http-server.js';

const running: RunningHttpServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(
  registry: Registry<RegistryContentType> = new Registry(),
  readiness: () => Readiness = () => ({ ready: true, detail: {} }),
) {
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, registry, readiness });
  running.push(server);
  const base = `http://127.0.0.1:${server.port}`;
  return { server, base, registry };
}

describe('startHttpServer', () => {
  it('binds an ephemeral port when asked for port 0', async () => {
    const a = await start();
    const b = await start();
    expect(a.server.port).toBeGreaterThan(0);
    expect(b.server.port).not.toBe(a.server.port);
  });

  it('serves the registry on /metrics with its content type', async () => {
    const registry = new Registry();
    const pings = new Counter({
      name: 'fenceline_test_pings_total',
      help: 'h',
      labelNames: ['outcome'],
      registers: [registry],
    });
    pings.inc({ outcome: 'applied' }, 3);
    const { base } = await start(registry);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(registry.contentType);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await res.text()).toContain('fenceline_test_pings_total{outcome="applied"} 3');
  });

  it('follows an OpenMetrics registry content type', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    new Gauge({ name: 'fenceline_test_zones', help: 'h', registers: [registry] }).set(5);
    const { base } = await start(registry);
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('application/openmetrics-text');
    expect(await res.text()).toContain('fenceline_test_zones 5');
  });

  it('answers /healthz with 200 {"status":"ok"}, query string or not', async () => {
    const { base } = await start(undefined, () => ({ ready: false, detail: {} }));
    for (const path of ['/healthz', '/healthz?probe=1']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
  });

  it('answers /readyz 503 with detail until ready, then 200', async () => {
    let state: Readiness = { ready: false, detail: { zonesLoaded: false, partitions: 0 } };
    const { base } = await start(undefined, () => state);
    const before = await fetch(`${base}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({
      status: 'not ready',
      detail: { zonesLoaded: false, partitions: 0 },
    });
    state = { ready: true, detail: { zonesLoaded: true, partitions: 12 } };
    const after = await fetch(`${base}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ status: 'ready', detail: { zonesLoaded: true, partitions: 12 } });
  });

  it('answers 503 when the readiness probe throws', async () => {
    const { base } = await start(undefined, () => {
      throw new Error('boom');
    });
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', detail: { error: 'readiness check failed' } });
  });

  it('answers 404 for anything else', async () => {
    const { base } = await start();
    for (const path of ['/', '/metrics/extra', '/healthz/', '/READYZ']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: 'not found' });
    }
  });

  it('allows only GET and HEAD', async () => {
    const { base } = await start();
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${base}/metrics`, { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      await res.arrayBuffer();
    }
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const { base } = await start();
    const get = await fetch(`${base}/healthz`);
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(await head.text()).toBe('');
    expect(await get.text()).not.toBe('');
  });

  it('answers 500 without detail when collecting metrics fails', async () => {
    const registry = new Registry();
    new Gauge({
      name: 'fenceline_test_broken',
      help: 'h',
      registers: [registry],
      collect() {
        throw new Error('secret detail 51.5012345');
      },
    });
    const { base } = await start(registry);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('secret');
  });

  it('rejects when the port is taken', async () => {
    const { server } = await start();
    await expect(
      startHttpServer({
        host: '127.0.0.1',
        port: server.port,
        registry: new Registry(),
        readiness: () => ({ ready: true, detail: {} }),
      }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('closes gracefully: an in-flight scrape completes, then new connections are refused', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inCollect = new Promise<void>((r) => {
      entered = r;
    });
    const registry = new Registry();
    new Gauge({
      name: 'fenceline_test_slow',
      help: 'h',
      registers: [registry],
      async collect() {
        entered();
        await gate;
        this.set(1);
      },
    });
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      readiness: () => ({ ready: true, detail: {} }),
    });
    const base = `http://127.0.0.1:${server.port}`;
    // A keep-alive connection that has finished a request is idle: close() must not wait on it.
    await (await fetch(`${base}/healthz`)).text();

    const scrape = fetch(`${base}/metrics`).then(async (r) => ({ status: r.status, body: await r.text() }));
    await inCollect;
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    expect(server.close()).toBe(server.close()); // idempotent: one shutdown
    expect(closed).toBe(false);
    release();
    const result = await scrape;
    expect(result.status).toBe(200);
    expect(result.body).toContain('fenceline_test_slow 1');
    await closing;
    expect(closed).toBe(true);
    await expect(
      new Promise((resolve, reject) => {
        request(`${base}/healthz`, resolve).on('error', reject).end();
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
