/**
 * The `fenceline console` process: users add/list/remove through the CLI (password on stdin,
 * never in the file), a bad configuration exits 2 naming the variable, and a running console
 * becomes ready, answers a login, and exits 0 promptly on SIGTERM.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/local-kafka/ports.js';
import { buildOnce, CLI } from '../stream/fixtures/worker-process.js';
import { makeHarness } from './console-harness.js';

const brokers = inject('kafkaBrokers');

function run(args: string[], env: Record<string, string>, stdin = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });
}

describe('fenceline console (CLI)', () => {
  beforeAll(async () => {
    await buildOnce();
  });

  it('users add / list / remove manage the users file without storing the password', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'console-cli-')), 'users.json');
    const env = { CONSOLE_USERS_FILE: file };
    expect(
      (await run(['console', 'users', 'add', 'olga', '--role', 'operator'], env, 'a long password\n')).code,
    ).toBe(0);
    expect(
      (await run(['console', 'users', 'add', 'ada', '--role', 'auditor'], env, 'another password\n')).code,
    ).toBe(0);
    const bad = await run(['console', 'users', 'add', 'eve', '--role', 'boss'], env, 'whatever password\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--role');
    expect((await run(['console', 'users', 'list'], env)).stdout).toBe('olga\toperator\nada\tauditor\n');
    expect(await readFile(file, 'utf8')).not.toContain('a long password');
    expect((await run(['console', 'users', 'remove', 'olga'], env)).code).toBe(0);
    expect((await run(['console', 'users', 'list'], env)).stdout).toBe('ada\tauditor\n');
  });

  it('a bad configuration exits 2 with one line naming the variable', async () => {
    const r = await promisify(execFile)(process.execPath, [CLI, 'console'], {
      env: { ...process.env, CONSOLE_PORT: 'eighty' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((r as { code: number }).code).toBe(2);
    expect((r as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
    expect((r as { stderr: string }).stderr).toContain('CONSOLE_PORT');
  });

  it('runs, becomes ready, and exits 0 promptly on SIGTERM', async () => {
    const h = await makeHarness(brokers, 'console-cli');
    const port = await findFreePort();
    const child = spawn(process.execPath, [CLI, 'console'], {
      env: { ...process.env, ...h.env, CONSOLE_PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ready).toBe(true);
    const login = await fetch(`http://127.0.0.1:${port}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'olga', password: 'correct horse battery' }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(login.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
    const t = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t).toBeLessThan(10_000);
  });
});
