/**
 * The `fenceline worker` process contract: a bad configuration value stops start-up with one line
 * naming the variable and exit code 2 (no stack trace); SIGTERM on a running worker leaves the
 * group, closes everything and exits 0.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueNames, workerEnv } from './fixtures/worker-harness.js';
import { buildOnce, CLI, WorkerProcess } from './fixtures/worker-process.js';

const brokers = inject('kafkaBrokers');

describe('fenceline worker (CLI)', () => {
  beforeAll(async () => {
    await buildOnce();
  });

  it.each([
    ['HTTP_PORT', 'not-a-port'],
    ['EXACTLY_ONCE', 'perhaps'],
    ['KAFKA_BROKERS', 'no port here'],
  ])('exits 2 naming %s when it is %j', async (variable, value) => {
    const run = promisify(execFile)(process.execPath, [CLI, 'worker'], {
      env: { ...process.env, [variable]: value },
    });
    const err = (await run.then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; stderr: string; stdout: string };
    expect(err?.code).toBe(2);
    expect(err.stderr).toContain(variable);
    expect(err.stderr.trim().split('\n')).toHaveLength(1);
    expect(err.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops on SIGTERM with exit 0 after becoming ready', async () => {
    const lines: string[] = [];
    const w = new WorkerProcess(workerEnv(brokers, uniqueNames('cli')), 'cli-worker', lines);
    await w.ready();
    w.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(lines.some((l) => l.includes('worker stopped'))).toBe(true);
  });
});
