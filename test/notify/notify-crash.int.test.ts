/**
 * The built CLI (`node dist/src/cli/main.js notify`) SIGKILLed three times mid-run while alerts
 * keep arriving and the receiver fails at random: every routed alert still arrives, every
 * webhook-id is stable, duplicates are counted (and printed for the closing note).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Alert } from '../../src/contract/index.js';
import { webhookIdOf } from '../../src/notify/webhook-id.js';
import { buildOnce, CLI } from '../stream/fixtures/worker-process.js';
import { FlakyReceiver } from './fixtures/flaky-receiver.js';
import {
  createNotifyTopics,
  FIX_LAT,
  leaks,
  notifyEnv,
  notifyTopics,
  produceAlerts,
  readLedgerRecords,
  routingJson,
  SECRET,
  testAlert,
  waitFor,
} from './fixtures/notify-harness.js';

const brokers = inject('kafkaBrokers');

class NotifyProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  port: number | undefined;

  constructor(env: Record<string, string>, sink: string[]) {
    this.child = spawn(process.execPath, [CLI, 'notify'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        sink.push(line);
        if (this.port === undefined && line.includes('http endpoint listening'))
          this.port = (JSON.parse(line) as { port: number }).port;
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`notify exited with ${this.child.exitCode}`);
      if (this.port !== undefined) {
        const res = await fetch(`http://127.0.0.1:${this.port}/readyz`).catch(() => undefined);
        if (res?.status === 200) return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('notify not ready');
  }
}

let dir: string;
beforeAll(async () => {
  await buildOnce();
  dir = await mkdtemp(join(tmpdir(), 'fenceline-notify-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fenceline notify (CLI) through SIGKILL', () => {
  it('exits 2 naming the field of a bad routing file, without printing the secret', async () => {
    const t = notifyTopics('notify-badcfg');
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify(routingJson([{ name: 'met', url: 'http://force.example.org/hook' }], [])),
    );
    const lines: string[] = [];
    const p = new NotifyProcess(notifyEnv(brokers, t, file), lines);
    expect(await p.exited).toBe(2);
    expect(lines.join('\n')).toContain('endpoints[0].url: must use https');
    expect(lines.join('\n')).toContain('rules: name at least one rule');
    expect(lines.join('\n')).not.toContain(SECRET.slice(6, 20));
  });

  it('loses no routed alert when killed -9 three times mid-run; ids stable, duplicates counted', async () => {
    const t = notifyTopics('notify-crash');
    await createNotifyTopics(brokers, t);
    const met = new FlakyReceiver({ secret: SECRET, seed: 51, failureRate: 0.35 });
    await met.start();
    const file = join(dir, 'routes.json');
    await writeFile(
      file,
      JSON.stringify(
        routingJson(
          [{ name: 'met', url: met.url }],
          [{ name: 'p1', mode: 'immediate', endpoints: ['met'], match: { severities: ['P1'] } }],
        ),
      ),
    );
    const env = notifyEnv(brokers, t, file);
    const logs: string[] = [];
    const routed: Alert[] = [];
    let proc = new NotifyProcess(env, logs);
    try {
      await proc.ready();
      // Alerts keep arriving through all three crashes: 60 routed + 15 not (P3), one batch every 250 ms.
      const producing = (async () => {
        for (let i = 0; i < 15; i++) {
          const batch = [0, 1, 2, 3].map((k) => testAlert({ alertId: `crash-${i}-${k}` }));
          routed.push(...batch);
          await produceAlerts(brokers, t.alerts, [
            ...batch,
            testAlert({ alertId: `p3-${i}`, severity: 'P3' }),
          ]);
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      for (let kill = 1; kill <= 3; kill++) {
        // Killed while attempts and retries are in flight (the receiver fails ~35% of attempts).
        await new Promise((r) => setTimeout(r, 1_000 + kill * 400));
        proc.child.kill('SIGKILL');
        await proc.exited;
        proc = new NotifyProcess(env, logs);
        await proc.ready();
      }
      await producing;
      await waitFor(() => met.delivered.size === routed.length, 120_000, 'every routed alert delivered');
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      proc.child.kill('SIGKILL');
      await met.close();
    }
    expect(met.rejected).toEqual([]);
    expect(new Set(met.delivered.keys())).toEqual(new Set(routed.map((a) => webhookIdOf(a.alertId, 'met'))));
    for (const r of met.requests) {
      const body = JSON.parse(r.body) as { data: { alertId: string } };
      expect(r.id).toBe(webhookIdOf(body.data.alertId, 'met'));
    }
    expect(met.requests.every((r) => !JSON.parse(r.body).data.alertId.startsWith('p3-'))).toBe(true);
    const ledger = await readLedgerRecords(brokers, t.notifications);
    const deliveredIds = new Set(
      ledger.filter((r) => r.outcome === 'delivered').map((r) => r.notificationId),
    );
    expect(deliveredIds.size).toBeGreaterThanOrEqual(routed.length - 3); // a kill may land between 2xx and ledger write
    expect(leaks([...met.requests.map((r) => r.body), ...logs])).toEqual([]);
    expect(logs.filter((l) => l.includes(String(FIX_LAT)))).toEqual([]);
    console.log(
      `[notify crash] ${routed.length} routed alerts, 3 SIGKILLs, ${met.requests.length} requests, ` +
        `${met.duplicates} duplicate deliveries (same webhook-id, receiver dedups)`,
    );
  });
});
