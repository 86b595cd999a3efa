/**
 * The real `fenceline kafka` CLI against its own port and state dir (never the global setup's
 * broker, never the lead's 19092): start is idempotent, status tells the truth, stop leaves
 * nothing behind, stale pid files are recognised, and missing prerequisites are named.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidAlive } from '../../src/local-kafka/broker-state.js';
import { stopLocalKafka } from '../../src/local-kafka/index.js';
import { findFreePort, isPortOpen } from '../../src/local-kafka/ports.js';
import { describeClusterOnce } from '../../src/local-kafka/readiness.js';
import { markOwner } from '../setup/orphan-brokers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  // The flags under test decide port and state dir, not whatever the developer exported.
  delete childEnv.KAFKA_PORT;
  delete childEnv.FENCELINE_KAFKA_STATE_DIR;
  for (const [k, v] of Object.entries(env)) childEnv[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [MAIN, 'kafka', ...args], { cwd: ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Running = exists and is not a zombie (an exited broker awaiting reaping by init is gone). */
const alive = pidAlive;

describe('fenceline kafka start|status|stop (real broker)', () => {
  let port: number;
  let stateDir: string;
  let flags: string[];

  beforeAll(async () => {
    port = await findFreePort();
    stateDir = await mkdtemp(join(tmpdir(), 'fenceline-cli-kafka-'));
    await markOwner(stateDir); // So a killed run's broker is reaped by the next one.
    flags = ['--port', String(port), '--state-dir', stateDir];
  });

  afterAll(async () => {
    // Only if an assertion failed midway: never leave a JVM behind.
    await stopLocalKafka({ port, stateDir });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('starts, refuses to start twice, reports status, stops without leftovers', async () => {
    const first = await cli(['start', ...flags]);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    const m = new RegExp(`ready on 127\\.0\\.0\\.1:${port} \\(pid (\\d+)\\)`).exec(first.stdout);
    expect(m, first.stdout).not.toBeNull();
    const pid = Number(m![1]);
    expect(await describeClusterOnce([`127.0.0.1:${port}`])).toBe(1);

    const second = await cli(['start', ...flags]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`already running on 127.0.0.1:${port} (pid ${pid})`);

    const running = await cli(['status', ...flags]);
    expect(running.code).toBe(0);
    expect(running.stdout).toContain(`running on 127.0.0.1:${port} (pid ${pid}`);

    const stop = await cli(['stop', ...flags]);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain(`stopped pid ${pid}`);
    expect(alive(pid)).toBe(false);
    expect(await isPortOpen(port)).toBe(false);

    const stopped = await cli(['status', ...flags]);
    expect(stopped.code).toBe(3);
    expect(stopped.stdout).toContain('stopped');

    const again = await cli(['stop', ...flags]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('not running');
  });

  it('treats a pid file whose process is gone as stale, and starts a fresh broker over it', async () => {
    // A pid that surely belongs to no broker: a child that already exited.
    const gone = spawn(process.execPath, ['-e', '']);
    const deadPid = gone.pid!;
    await new Promise((resolve) => gone.on('close', resolve));
    await writeFile(
      join(stateDir, 'broker.json'),
      JSON.stringify({
        pid: deadPid,
        port,
        controllerPort: port + 1,
        startedAt: new Date().toISOString(),
        serverProperties: join(stateDir, 'server.properties'),
      }),
    );
    const status = await cli(['status', ...flags]);
    expect(status.code).toBe(3);
    expect(status.stdout).toContain(`stale pid file for ${deadPid}`);

    const start = await cli(['start', ...flags]);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('removing stale pid file');
    const pid = Number(/\(pid (\d+)\)/.exec(start.stdout)?.[1]);
    expect(pid).not.toBe(deadPid);
    expect(alive(pid)).toBe(true);

    expect((await cli(['stop', ...flags])).code).toBe(0);
    expect(alive(pid)).toBe(false);
  });

  it('names a missing java and points to docker compose', async () => {
    const r = await cli(['start', ...flags], { JAVA_HOME: join(stateDir, 'no-such-jdk') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('java is missing');
    expect(r.stderr).toContain('docker compose up');
  });

  it('names a missing mvn when the jars are not cached yet', async () => {
    const emptyHome = await mkdtemp(join(tmpdir(), 'fenceline-kafka-home-'));
    try {
      const r = await cli(['start', ...flags], {
        FENCELINE_KAFKA_HOME: emptyHome,
        FENCELINE_MVN: join(emptyHome, 'no-mvn'),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('mvn is missing');
      expect(r.stderr).toContain('docker compose up');
    } finally {
      await rm(emptyHome, { recursive: true, force: true });
    }
  });
});
