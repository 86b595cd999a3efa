/**
 * A throw-away broker (the benchmarks' own, acquire-brokers.ts) dies with its owner. The broker
 * runs detached, so before this an owner that crashed or was interrupted by Ctrl-C left the JVM
 * running and its state dir behind. A real broker, a real owner process, killed two ways.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { signalGroup } from '../../src/local-kafka/broker-process.js';
import { pidAlive } from '../../src/local-kafka/broker-state.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const OWNER = join(import.meta.dirname, 'fixtures', 'throwaway-owner.ts');

interface Owned {
  pid: number;
  stateDir: string;
}
const started: Owned[] = [];

/** Start an owner; resolve with its broker once printed, and with its exit code later. */
function owner(mode: 'crash' | 'sigint') {
  const env = { ...process.env };
  delete env.KAFKA_BROKERS; // the global setup's broker would be used instead of a throw-away one
  const child = spawn(TSX, [OWNER, mode], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const broker = new Promise<Owned>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n') && line) {
        const b = JSON.parse(line) as Owned;
        started.push(b);
        resolve(b);
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code) =>
      reject(new Error(`owner exited (${code}) before its broker started: ${stderr}`)),
    );
  });
  return { child, broker, exited, stderr: () => stderr };
}

/** Both gone within `ms`: the JVM and its state dir. */
async function gone(b: Owned, ms = 15_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(200)) {
    if (!pidAlive(b.pid) && !existsSync(b.stateDir)) return true;
  }
  return false;
}

afterAll(async () => {
  // Whatever a failed case left: never an orphan JVM on a 2-core machine.
  for (const b of started) {
    signalGroup(b.pid, 'SIGKILL');
    await rm(b.stateDir, { recursive: true, force: true });
  }
});

describe('a throw-away broker dies with its owner', () => {
  it('when the owner crashes with an uncaught error', async () => {
    const o = owner('crash');
    const b = await o.broker;
    expect(pidAlive(b.pid)).toBe(true);
    expect(existsSync(b.stateDir)).toBe(true);
    expect(await o.exited).not.toBe(0);
    expect(o.stderr()).toMatch(/owner crashed before release/);
    expect(await gone(b)).toBe(true);
  }, 120_000);

  it('when the owner is interrupted (SIGINT, as Ctrl-C sends it) and exits through exitOnSignals', async () => {
    const o = owner('sigint');
    const b = await o.broker;
    expect(pidAlive(b.pid)).toBe(true);
    o.child.kill('SIGINT');
    expect(await o.exited).toBe(130);
    expect(await gone(b)).toBe(true);
  }, 120_000);
});
