/**
 * Given a notifier caught up against its own local broker, when that broker is stopped for 45 s
 * (longer than kafkajs' retries, so kafkajs gives up on the input consumer) and started again on
 * the same port and data, then the notifier says it is not ready during the outage, resumes
 * reading where it stopped (a new alert is sent exactly once, no earlier one is sent again), and a
 * delivery made while the broker was down still reaches the ledger. This test controls its own
 * broker (src/local-kafka) and never touches the shared one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKafka, stopLocalKafka } from '../../src/local-kafka/index.js';
import { findFreePort } from '../../src/local-kafka/ports.js';
import { webhookIdOf } from '../../src/notify/webhook-id.js';
import { produce } from '../setup/kafka-test-utils.js';
import { FlakyReceiver } from './fixtures/flaky-receiver.js';
import {
  createNotifyTopics,
  FAST_RETRY,
  FIX_LAT,
  type InProcessNotify,
  leaks,
  notifyTopics,
  produceAlerts,
  readLedgerRecords,
  routingJson,
  SECRET,
  startInProcess,
  testAlert,
  waitFor,
} from './fixtures/notify-harness.js';

const P1 = { name: 'p1', mode: 'immediate', endpoints: ['met'], match: { severities: ['P1'] } };

describe('a broker outage longer than kafkajs retries', () => {
  let stateDir: string;
  let port: number;
  let brokers: string;
  let met: FlakyReceiver;
  let n: InProcessNotify | undefined;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'fenceline-notify-outage-kafka-'));
    port = await findFreePort();
    brokers = (await startLocalKafka({ port, stateDir, readyTimeoutMs: 120_000 })).brokers;
    met = new FlakyReceiver({ secret: SECRET, seed: 71, mode: 'healthy' });
    await met.start();
  });

  afterAll(async () => {
    await n?.running.stop().catch(() => undefined);
    // FENCELINE_IT_LOG_DIR keeps the notifier's log on disk, to read after a failed run.
    const logDir = process.env.FENCELINE_IT_LOG_DIR;
    if (logDir && n)
      await writeFile(join(logDir, `notify-outage-${Date.now()}.log`), `${n.logs.join('\n')}\n`);
    await met?.close().catch(() => undefined);
    await stopLocalKafka({ port, stateDir }).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
  });

  it('resumes where it stopped: the new alert once, no earlier one twice, the outage delivery in the ledger', async () => {
    const t = notifyTopics('notify-outage');
    await createNotifyTopics(brokers, t);
    // Retries keep going for 10 minutes, so the delivery owed through the outage is not exhausted;
    // a 5 s attempt timeout, so a slow 2xx on a busy box is not taken for a failure and repeated.
    const retry = { ...FAST_RETRY, repeatForMs: 600_000, timeoutMs: 5_000 };
    n = await startInProcess(brokers, t, routingJson([{ name: 'met', url: met.url }], [P1], retry));
    const running = n.running;
    const before = Array.from({ length: 9 }, (_, i) => testAlert({ alertId: `before-${i}` }));
    await produceAlerts(brokers, t.alerts, before);
    // A malformed record is logged once each time it is folded: a re-read would log it again.
    await produce(brokers, t.alerts, [{ key: 'T-bad', value: 'not json' }]);
    await waitFor(() => met.delivered.size === before.length, 60_000, 'the first alerts delivered');

    // One alert the endpoint refuses (503) until the broker is down: it is delivered during the
    // outage, so its ledger record can only be written once the broker is back.
    met.mode = 'unavailable';
    const owed = testAlert({ alertId: 'during-outage' });
    await produceAlerts(brokers, t.alerts, [owed]);
    const owedId = webhookIdOf(owed.alertId, 'met');
    await waitFor(() => met.requests.some((r) => r.id === owedId), 30_000, 'a refused attempt');
    expect(running.notifier.readiness().ready).toBe(true);

    await stopLocalKafka({ port, stateDir });
    const stoppedAt = Date.now();
    console.log('[notify outage] broker stopped');
    const downDeadline = Date.now() + 90_000;
    let down = running.notifier.readiness();
    while (down.ready && Date.now() < downDeadline) {
      await new Promise((r) => setTimeout(r, 250));
      down = running.notifier.readiness();
    }
    expect(down.ready).toBe(false);
    console.log(
      `[notify outage] not ready ${Math.round((Date.now() - stoppedAt) / 1000)} s into the outage: ${JSON.stringify(down.detail)}`,
    );
    met.mode = 'healthy';
    await waitFor(() => met.delivered.has(owedId), 30_000, 'the owed alert delivered during the outage');
    const remaining = 45_000 - (Date.now() - stoppedAt);
    if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
    expect(running.notifier.readiness().ready).toBe(false);
    await startLocalKafka({ port, stateDir, readyTimeoutMs: 120_000 });
    console.log(`[notify outage] broker back after ${Math.round((Date.now() - stoppedAt) / 1000)} s`);

    const after = testAlert({ alertId: 'after-outage' });
    await produceAlerts(brokers, t.alerts, [after]);
    const afterId = webhookIdOf(after.alertId, 'met');
    await waitFor(() => met.delivered.has(afterId), 120_000, 'the alert produced after the outage delivered');
    await waitFor(() => running.notifier.readiness().ready, 60_000, 'ready again');
    // Anything re-read and re-sent would arrive within a few seconds of the resume: give it time.
    await new Promise((r) => setTimeout(r, 5_000));

    expect(met.rejected).toEqual([]);
    const expected = [...before, owed, after].map((a) => webhookIdOf(a.alertId, 'met'));
    expect(new Set(met.delivered.keys())).toEqual(new Set(expected));
    // Nothing delivered before the outage is sent again after it (a re-read would page twice).
    const beforeIds = new Set(before.map((a) => webhookIdOf(a.alertId, 'met')));
    const resent = met.requests.filter((r) => beforeIds.has(r.id) && r.at >= stoppedAt);
    expect(resent.map((r) => `${r.id} ${r.answered} +${r.at - stoppedAt} ms`)).toEqual([]);
    // The alert owed through the outage and the one produced after it: each answered 2xx once.
    const okCount = (id: string) =>
      met.requests.filter((r) => r.id === id && (r.answered === 'ok' || r.answered === 'duplicate')).length;
    expect(okCount(owedId)).toBe(1);
    expect(okCount(afterId)).toBe(1);

    // The delivery made while the broker was down reached the ledger once it was back.
    let ledger = await readLedgerRecords(brokers, t.notifications);
    const deadline = Date.now() + 60_000;
    while (!ledger.some((r) => r.notificationId === owedId && r.outcome === 'delivered')) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1_000));
      ledger = await readLedgerRecords(brokers, t.notifications);
    }
    const delivered = ledger.filter((r) => r.outcome === 'delivered').map((r) => r.notificationId);
    expect(new Set(delivered)).toEqual(new Set(expected));

    // Nothing was folded twice: the malformed record was rejected exactly once.
    await waitFor(
      () => n!.logs.some((l) => l.includes('"record rejected"')),
      10_000,
      'the bad record rejected',
    );
    expect(n.logs.filter((l) => l.includes('"record rejected"'))).toHaveLength(1);

    expect(leaks([...met.requests.map((r) => r.body), ...n.logs])).toEqual([]);
    expect(n.logs.filter((l) => l.includes(String(FIX_LAT)))).toEqual([]);
    // Which way kafkajs went: it gave up (a new consumer was started) or restarted its own.
    const replaced = n.logs.filter((l) => l.includes('starting a new one')).length;
    const selfRestarts = n.logs.filter((l) => l.includes('kafkajs restarts it')).length;
    console.log(
      `[notify outage] ${met.requests.length} requests, ${met.duplicates} duplicate 2xx (all before the outage), ` +
        `consumers replaced ${replaced}, kafkajs self-restarts ${selfRestarts}, ledger ${ledger.length} records`,
    );
  });

  it('stops promptly while the broker is down and a new consumer is connecting', async () => {
    const running = n!.running;
    await stopLocalKafka({ port, stateDir });
    await waitFor(() => !running.notifier.readiness().ready, 90_000, 'not ready once the broker is down');
    // Let a replacement consumer get into kafkajs' connect retries, then stop.
    await new Promise((r) => setTimeout(r, 3_000));
    const t0 = Date.now();
    await running.stop();
    const ms = Date.now() - t0;
    console.log(`[notify outage] stopped in ${ms} ms with the broker down`);
    // Generous: the bound is what matters (3 s for the consumer, 3 s grace for the ledger flush).
    expect(ms).toBeLessThan(15_000);
  });
});
