/**
 * `fenceline notify` against a real broker and real HTTP receivers that fail at random.
 * In-process notifiers; the SIGKILL test (the built CLI as a child process) is notify-crash.int.test.ts.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startDemoNotify } from '../../src/cli/demo-notify.js';
import type { Alert } from '../../src/contract/index.js';
import { webhookIdOf } from '../../src/notify/webhook-id.js';
import { createLogger } from '../../src/ops/index.js';
import { FlakyReceiver } from './fixtures/flaky-receiver.js';
import {
  createNotifyTopics,
  FIX_LAT,
  type InProcessNotify,
  leaks,
  notifyTopics,
  produceAlerts,
  produceEscalation,
  readLedgerRecords,
  routingJson,
  SECRET,
  startInProcess,
  testAlert,
  waitFor,
} from './fixtures/notify-harness.js';

const brokers = inject('kafkaBrokers');

const P1_ENTRIES = {
  name: 'p1-entries',
  mode: 'immediate',
  endpoints: ['met'],
  match: { types: ['EXCLUSION_ENTERED'], severities: ['P1'], certainties: ['confirmed'] },
};

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

async function receiver(seed: number, mode?: FlakyReceiver['mode'], failureRate?: number) {
  const r = new FlakyReceiver({
    secret: SECRET,
    seed,
    ...(mode ? { mode } : {}),
    ...(failureRate ? { failureRate } : {}),
  });
  await r.start();
  cleanup.push(() => r.close());
  return r;
}

async function notifier(
  t: ReturnType<typeof notifyTopics>,
  routing: Record<string, unknown>,
): Promise<InProcessNotify> {
  const n = await startInProcess(brokers, t, routing);
  cleanup.push(() => n.running.stop());
  return n;
}

describe('fenceline notify (in-process, real broker, real receivers)', () => {
  it('delivers every routed alert through random failures, signed, stable ids, nothing private', async () => {
    const t = notifyTopics('notify-flaky');
    await createNotifyTopics(brokers, t);
    const met = await receiver(11, 'flaky', 0.45);
    const n = await notifier(t, routingJson([{ name: 'met', url: met.url }], [P1_ENTRIES]));

    const routed: Alert[] = [];
    const ignored: Alert[] = [];
    for (let i = 0; i < 24; i++) routed.push(testAlert({ alertId: `flaky-${i}` }));
    for (let i = 0; i < 6; i++) ignored.push(testAlert({ alertId: `quiet-${i}`, certainty: 'possible' }));
    await produceAlerts(brokers, t.alerts, [...routed, ...ignored]);

    await waitFor(() => met.delivered.size === routed.length, 90_000, 'all routed alerts delivered');
    expect(met.rejected).toEqual([]);
    const expectedIds = new Set(routed.map((a) => webhookIdOf(a.alertId, 'met')));
    expect(new Set(met.delivered.keys())).toEqual(expectedIds);
    // Every request (retries included) carries the id derived from its own alert, and a fresh timestamp.
    for (const r of met.requests) {
      const body = JSON.parse(r.body) as { id: string; data: { alertId: string; fix: { lat: number } } };
      expect(r.id).toBe(webhookIdOf(body.data.alertId, 'met'));
      expect(body.id).toBe(r.id);
      expect(Math.abs(r.at / 1000 - r.timestampS)).toBeLessThan(5);
      expect(r.headers['webhook-signature']!.split(' ')).toHaveLength(2);
      expect(r.headers['content-type']).toBe('application/cloudevents+json');
    }
    const failures = met.requests.filter((r) => r.answered !== 'ok' && r.answered !== 'duplicate');
    expect(new Set(failures.map((f) => f.answered)).size).toBe(4); // 500, timeout, reset and 429 all met

    const ledger = await readLedgerRecords(brokers, t.notifications);
    const delivered = ledger.filter((r) => r.outcome === 'delivered');
    expect(new Set(delivered.map((r) => r.notificationId))).toEqual(expectedIds);
    expect(ledger.some((r) => r.outcome === 'retrying' && r.nextAttemptAt !== undefined)).toBe(true);
    expect(ledger.every((r) => !r.alertId.startsWith('quiet-'))).toBe(true);

    const texts = [
      ...met.requests.map((r) => r.body),
      ...met.requests.map((r) => JSON.stringify(r.headers)),
      ...n.logs,
    ];
    expect(leaks(texts)).toEqual([]);
    expect(n.logs.filter((l) => l.includes(String(FIX_LAT)))).toEqual([]);
    console.log(
      `[notify flaky] ${routed.length} routed, ${met.requests.length} requests, ${failures.length} failed attempts, ${met.duplicates} duplicates`,
    );
  });

  it('one endpoint down: the other gets its alerts on time; the down one gets them after recovery', async () => {
    const t = notifyTopics('notify-down');
    await createNotifyTopics(brokers, t);
    const met = await receiver(21, 'healthy');
    const kent = await receiver(22, 'hang'); // down: accepts the connection, never answers
    const n = await notifier(
      t,
      routingJson(
        [
          { name: 'met', url: met.url },
          { name: 'kent', url: kent.url },
        ],
        [{ ...P1_ENTRIES, endpoints: ['met', 'kent'] }],
      ),
    );
    // The "down for two minutes", scaled to 20 s for the test run time; alerts keep coming.
    const downMs = 20_000;
    const sentAt = new Map<string, number>();
    const t0 = Date.now();
    let i = 0;
    while (Date.now() - t0 < downMs) {
      const a = testAlert({ alertId: `down-${i++}` });
      sentAt.set(webhookIdOf(a.alertId, 'met'), Date.now());
      await produceAlerts(brokers, t.alerts, [a]);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(kent.delivered.size).toBe(0);
    await waitFor(() => met.delivered.size === i, 10_000, 'met has every alert');
    const lateMet = [...sentAt].filter(([id, at]) => (met.delivered.get(id) ?? Infinity) - at > 2_000);
    expect(lateMet).toEqual([]); // each within 2 s of being produced, while kent hangs
    kent.mode = 'healthy';
    const recoveredAt = Date.now();
    await waitFor(() => kent.delivered.size === i, 30_000, 'kent catches up after recovery');
    expect(Math.min(...kent.delivered.values())).toBeGreaterThanOrEqual(recoveredAt);
    const metrics = await (await fetch(`http://127.0.0.1:${n.running.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/fenceline_notify_attempts_total\{endpoint="kent",result="timeout"\} \d+/);
    expect(metrics).toMatch(/fenceline_notify_delivery_latency_seconds_count\{endpoint="met"\} \d+/);
  });

  it('retries exhausted, or 410 Gone, leave a notification-failed record on the ledger', async () => {
    const t = notifyTopics('notify-fail');
    await createNotifyTopics(brokers, t);
    const met = await receiver(31, 'unavailable');
    const kent = await receiver(32, 'gone');
    await notifier(
      t,
      routingJson(
        [
          { name: 'met', url: met.url },
          { name: 'kent', url: kent.url },
        ],
        [{ ...P1_ENTRIES, endpoints: ['met', 'kent'] }],
        { delaysMs: [100, 200], repeatEveryMs: 1_000, repeatForMs: 0, jitter: 0, timeoutMs: 1_000 },
      ),
    );
    await produceAlerts(brokers, t.alerts, [
      testAlert({ alertId: 'fail-1' }),
      testAlert({ alertId: 'fail-2' }),
    ]);
    const ledger = await readLedgerRecords(brokers, t.notifications, 2 * 3 + 2);
    const exhausted = ledger.filter((r) => r.outcome === 'exhausted');
    expect(exhausted.map((r) => [r.alertId, r.endpoint, r.attempt, r.status]).sort()).toEqual([
      ['fail-1', 'met', 3, 503],
      ['fail-2', 'met', 3, 503],
    ]);
    const disabled = ledger.filter((r) => r.outcome === 'endpoint_disabled');
    expect(disabled.map((r) => r.alertId).sort()).toEqual(['fail-1', 'fail-2']);
    expect(disabled.every((r) => r.endpoint === 'kent' && r.incidentId.startsWith('br-fail-'))).toBe(true);
    // After a 410 nothing more is sent to that endpoint.
    expect(kent.requests.length).toBeLessThanOrEqual(2);
  });

  it('an operator escalation from the console is delivered, and the exit follows', async () => {
    const t = notifyTopics('notify-esc');
    await createNotifyTopics(brokers, t);
    const met = await receiver(41, 'flaky', 0.3);
    const kent = await receiver(42, 'healthy');
    const n = await notifier(
      t,
      routingJson(
        [
          { name: 'met', url: met.url },
          { name: 'kent', url: kent.url },
        ],
        [P1_ENTRIES, { name: 'escalations', mode: 'escalation', endpoints: ['kent'], match: {} }],
      ),
    );
    // A possible (unconfirmed) entry: no immediate rule matches; an operator escalates it.
    const entry = testAlert({ alertId: 'esc-1', certainty: 'possible', breachId: 'br-esc' });
    await produceAlerts(brokers, t.alerts, [entry]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(kent.requests).toHaveLength(0);
    await produceEscalation(brokers, t.alertActions, 'br-esc', 'act-esc-1');
    await waitFor(() => kent.delivered.size === 1, 20_000, 'escalated entry delivered');
    const body = JSON.parse(kent.requests.find((r) => r.answered === 'ok')!.body);
    expect(body.data).toMatchObject({ alertId: 'esc-1', reason: 'escalation', incidentId: 'br-esc' });
    expect(body.data.incidentUrl).toBe('https://console.centre.example/incidents/br-esc');
    const exit = testAlert({
      alertId: 'esc-2',
      type: 'EXCLUSION_EXITED',
      severity: 'P2',
      breachId: 'br-esc',
    });
    await produceAlerts(brokers, t.alerts, [exit]);
    await waitFor(() => kent.delivered.size === 2, 20_000, 'exit follows the escalation');
    expect(met.requests).toHaveLength(0);
    const ledger = await readLedgerRecords(brokers, t.notifications, 2);
    expect(ledger.map((r) => [r.alertId, r.reason, r.actionId, r.outcome]).sort()).toEqual([
      ['esc-1', 'escalation', 'act-esc-1', 'delivered'],
      ['esc-2', 'follow_up', undefined, 'delivered'],
    ]);
    expect(leaks([...kent.requests.map((r) => r.body), ...n.logs])).toEqual([]);
    expect(n.logs.some((l) => l.includes('escalating'))).toBe(false); // operator note text never logged
  });

  it('the demo wiring: notifier + local verify-receiver print what the force accepted', async () => {
    const t = notifyTopics('notify-demo');
    await createNotifyTopics(brokers, t);
    const printed: string[] = [];
    const demo = await startDemoNotify({
      brokers: brokers.split(','),
      alertsTopic: t.alerts,
      stamp: t.alerts.replace(/\.alerts$/, ''),
      logger: createLogger({ level: 'silent' }),
      print: (l) => printed.push(l),
    });
    cleanup.push(() => demo.stop());
    await produceAlerts(brokers, t.alerts, [
      testAlert({ alertId: 'demo-1', breachId: 'br-demo-1' }),
      testAlert({ alertId: 'demo-2', certainty: 'possible' }),
    ]);
    await waitFor(() => printed.length >= 1, 20_000, 'the demo receiver to print');
    expect(printed).toEqual(['police <- P1 EXCLUSION_ENTERED incident br-demo-1']);
    expect(demo.summary()).toContain('verify-receiver: 1 (0 duplicates)');
  });
});
