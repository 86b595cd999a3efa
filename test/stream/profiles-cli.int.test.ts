/**
 * The `fenceline profiles` process contract: a missing or short PROFILE_SECRET stops start-up
 * with exit 2 and one line naming the variable (never its value); a running publisher serves
 * /readyz (200 once ready) on loopback and stops on SIGTERM with exit 0; one that cannot reach
 * Kafka is alive (/healthz), not ready, and still stops promptly on SIGTERM.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueTopic } from '../setup/kafka-test-utils.js';
import { buildOnce, CLI } from './fixtures/worker-process.js';

const brokers = inject('kafkaBrokers');

describe('fenceline profiles (CLI)', () => {
  beforeAll(async () => {
    await buildOnce();
  });

  it.each([
    ['PROFILE_SECRET', 'too-short-secret'],
    ['PROFILE_OFFSET_RADIUS_M', 'far'],
  ])('exits 2 naming %s when it is %j', async (variable, value) => {
    const env = { ...process.env, PROFILE_SECRET: 'x'.repeat(40), [variable]: value };
    const err = (await promisify(execFile)(process.execPath, [CLI, 'profiles'], { env }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(err?.code).toBe(2);
    expect(err.stderr).toContain(variable);
    expect(err.stderr.trim().split('\n')).toHaveLength(1);
    expect(err.stderr).not.toContain('too-short-secret');
  });

  it('stops on SIGTERM with exit 0 after becoming ready', async () => {
    const lines: string[] = [];
    const child = spawn(process.execPath, [CLI, 'profiles'], {
      env: {
        ...process.env,
        KAFKA_BROKERS: brokers,
        PROFILE_SECRET: 'cli-test-secret-0123456789abcdefghijkl',
        TOPIC_ZONES: uniqueTopic('pcli-zones'),
        TOPIC_ENROLMENTS: uniqueTopic('pcli-enrol'),
        TOPIC_DEVICE_CONFIG: uniqueTopic('pcli-device-config'),
        PROFILES_TRANSACTIONAL_ID: uniqueTopic('pcli-tx'),
        PROFILES_HTTP_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const onData = (c: Buffer) => lines.push(...c.toString('utf8').split('\n').filter(Boolean));
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const deadline = Date.now() + 120_000;
    while (!lines.some((l) => l.includes('device profiles ready')) && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`exited early:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(lines.some((l) => l.includes('device profiles ready'))).toBe(true);
    const ready = await fetch(`http://127.0.0.1:${httpPort(lines)}/readyz`);
    expect(ready.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.join('\n')).not.toContain('cli-test-secret');
  });

  it('without a reachable broker: alive, not ready, and SIGTERM exits 0 within seconds', async () => {
    const lines: string[] = [];
    const child = spawn(process.execPath, [CLI, 'profiles'], {
      env: {
        ...process.env,
        KAFKA_BROKERS: '127.0.0.1:1',
        PROFILE_SECRET: 'cli-test-secret-0123456789abcdefghijkl',
        PROFILES_HTTP_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdout.on('data', (c: Buffer) => lines.push(...c.toString('utf8').split('\n').filter(Boolean)));
    const deadline = Date.now() + 60_000;
    while (httpPort(lines) === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const port = httpPort(lines);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    const t0 = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Generous for a shared machine; kafkajs alone would keep retrying for ~30 s.
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});

/** The port from the process's own "http endpoint listening" log line. */
function httpPort(lines: readonly string[]): number | undefined {
  for (const l of lines) {
    if (!l.includes('http endpoint listening')) continue;
    const port = (JSON.parse(l) as { port?: number }).port;
    if (port !== undefined) return port;
  }
  return undefined;
}
