/**
 * Console benchmark (not a test): with a history of 100,000 records (80,000 alerts, 20,000
 * operator actions) already in Kafka, how long does `fenceline console` take to be ready, and
 * with 20 event-stream clients connected, how long from an alert's commit to each client seeing
 * it, at 50 alerts/s. Seeded; the console runs as its own process (dist/), so the load
 * generator and the clients do not share its event loop.
 *
 *   npm run build && npx tsx bench/console.bench.ts [--alerts 80000] [--actions 20000]
 *       [--clients 20] [--rate 50] [--seconds 30] [--seed 1]
 *
 * Uses KAFKA_BROKERS, else starts its own local broker on a free port (and stops it).
 * Writes bench/results/console.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Kafka, Partitioners } from 'kafkajs';
import { hashPassword, writeUsers } from '../src/console/users-file.js';
import type { Alert, AlertAction } from '../src/contract/index.js';
import { createKafka, plainConnection } from '../src/kafka/connection.js';
import { startLocalKafka, stopLocalKafka } from '../src/local-kafka/index.js';
import { findFreePort } from '../src/local-kafka/ports.js';
import { round, summarise } from '../src/ops/stats.js';
import { Rng } from '../src/sim/prng.js';

const { values: v } = parseArgs({
  options: {
    alerts: { type: 'string', default: '80000' },
    actions: { type: 'string', default: '20000' },
    clients: { type: 'string', default: '20' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
  },
});
const ALERTS = Number(v.alerts);
const ACTIONS = Number(v.actions);
const CLIENTS = Number(v.clients);
const RATE = Number(v.rate);
const SECONDS = Number(v.seconds);
const log = (s: string) => process.stderr.write(`${s}\n`);
const TYPES = [
  'EXCLUSION_ENTERED',
  'INCLUSION_LEFT',
  'NO_SIGNAL',
  'STRAP_TAMPER',
  'LOW_BATTERY',
  'EXCLUSION_APPROACH',
] as const;
const SEV = ['P1', 'P2', 'P3'] as const;

function historicAlert(rng: Rng, i: number, t0: number): Alert {
  const type = TYPES[Math.floor(rng.next() * TYPES.length)]!;
  return {
    alertId: `h-${i}`,
    type,
    severity: SEV[Math.floor(rng.next() * 3)]!,
    subjectId: `S-${Math.floor(rng.next() * 5000)}`,
    tagId: `T-${i % 5000}`,
    breachId: `hb-${i}`,
    ts: t0 + i * 100,
    emittedAt: t0 + i * 100 + 300,
    lat: 51.4 + rng.next() * 0.2,
    lon: -0.2 + rng.next() * 0.2,
    accuracyM: 10,
    certainty: 'confirmed',
    evidence: [{ ts: t0 + i * 100, lat: 51.5, lon: -0.1, accuracyM: 10 }],
  };
}

async function produceAll(kafka: Kafka, topic: string, messages: { key: string; value: string }[]) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < messages.length; i += 5000) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 5000) });
  }
  await producer.disconnect();
}

async function login(base: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/** One event-stream client: records receive time minus the alert's emittedAt for live alerts. */
function sseClient(base: string, cookie: string, latencies: number[]): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = get(`${base}/api/events`, { headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`events: ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = Date.now();
        buf += chunk;
        let end = buf.indexOf('\n\n');
        while (end !== -1) {
          const frame = buf.slice(0, end);
          buf = buf.slice(end + 2);
          end = buf.indexOf('\n\n');
          if (!frame.includes('event: incident')) continue;
          const data = frame.slice(frame.indexOf('data: ') + 6);
          const incident = JSON.parse(data) as {
            incidentId: string;
            openedAt: number;
            seq: number;
            alerts: unknown[];
          };
          if (incident.incidentId.startsWith('live-') && incident.alerts.length === 1)
            latencies.push(at - incident.openedAt);
        }
      });
      resolve(() => req.destroy());
    });
    req.on('error', reject);
  });
}

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`console exited ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  let brokers = process.env.KAFKA_BROKERS;
  let stopBroker = async () => {};
  if (!brokers) {
    const stateDir = await mkdtemp(join(tmpdir(), 'fenceline-console-bench-kafka-'));
    const port = await findFreePort();
    const started = await startLocalKafka({ port, stateDir, readyTimeoutMs: 180_000, log });
    brokers = started.brokers;
    stopBroker = async () => {
      await stopLocalKafka({ port, stateDir });
      await rm(stateDir, { recursive: true, force: true });
    };
  }
  const kafka = createKafka(plainConnection(brokers), 'console-bench', { logLevel: 'error' });
  const stamp = `cbench-${Date.now().toString(36)}`;
  const topics = {
    TOPIC_ALERTS: `${stamp}.alerts`,
    TOPIC_ALERT_ACTIONS: `${stamp}.alert-actions`,
    TOPIC_NOTIFICATIONS: `${stamp}.notifications`,
    TOPIC_CONSOLE_AUDIT: `${stamp}.console-audit`,
    TOPIC_ZONES: `${stamp}.zones`,
    TOPIC_ENROLMENTS: `${stamp}.enrolments`,
    // Empty: device status is not part of readiness, but its reader runs as in production.
    TOPIC_PINGS: `${stamp}.pings`,
  };
  let child: ChildProcess | undefined;
  const dir = await mkdtemp(join(tmpdir(), 'fenceline-console-bench-'));
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(topics).map((topic) => ({
        topic,
        numPartitions: topic.endsWith('.alerts') ? 12 : 3,
        ...(topic.endsWith('zones') || topic.endsWith('enrolments')
          ? { configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }
          : {}),
      })),
    });
    await admin.disconnect();

    const rng = new Rng(Number(v.seed));
    const t0 = Date.now() - 7 * 86_400_000;
    const alerts = Array.from({ length: ALERTS }, (_, i) => historicAlert(rng, i, t0));
    const actions: AlertAction[] = [];
    for (let i = 0; actions.length < ACTIONS; i++) {
      const a = alerts[i]!;
      const base = { incidentId: a.breachId!, user: 'olga', role: 'operator' as const };
      actions.push({ ...base, actionId: `ack-${i}`, kind: 'acknowledge', at: a.emittedAt + 30_000 });
      if (actions.length < ACTIONS && a.type !== 'STRAP_TAMPER') {
        actions.push({
          ...base,
          actionId: `close-${i}`,
          kind: 'close',
          outcome: 'false_alarm_gps',
          at: a.emittedAt + 90_000,
        });
      }
    }
    let t = Date.now();
    await produceAll(
      kafka,
      topics.TOPIC_ALERTS,
      alerts.map((a) => ({ key: a.tagId, value: JSON.stringify(a) })),
    );
    await produceAll(
      kafka,
      topics.TOPIC_ALERT_ACTIONS,
      actions.map((a) => ({ key: a.incidentId, value: JSON.stringify(a) })),
    );
    log(
      `history: ${ALERTS} alerts + ${actions.length} actions produced in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );

    const password = 'bench-password-1';
    const usersFile = join(dir, 'users.json');
    await writeUsers(usersFile, [await hashPassword('bench', 'supervisor', password)]);
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    t = Date.now();
    child = spawn(process.execPath, ['dist/src/cli/main.js', 'console'], {
      env: {
        ...process.env,
        ...topics,
        KAFKA_BROKERS: brokers,
        CONSOLE_PORT: String(port),
        CONSOLE_USERS_FILE: usersFile,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitReady(base, child);
    const startupS = (Date.now() - t) / 1000;
    log(`console ready after ${startupS.toFixed(2)} s (process start to /readyz 200)`);

    const cookie = await login(base, password);
    const latencies: number[] = [];
    const closers = await Promise.all(
      Array.from({ length: CLIENTS }, () => sseClient(base, cookie, latencies)),
    );
    await new Promise((r) => setTimeout(r, 1000));

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const total = RATE * SECONDS;
    const started = Date.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const now = Date.now();
      const alert: Alert = {
        ...historicAlert(rng, i, now),
        alertId: `live-${i}`,
        breachId: `live-${i}`,
        ts: now - 500,
        emittedAt: now,
      };
      sends.push(
        producer.send({
          topic: topics.TOPIC_ALERTS,
          acks: -1,
          messages: [{ key: alert.tagId, value: JSON.stringify(alert) }],
        }),
      );
    }
    await Promise.all(sends);
    await new Promise((r) => setTimeout(r, 3000));
    await producer.disconnect();
    for (const close of closers) close();

    const s = summarise(latencies);
    const result = {
      history: { alerts: ALERTS, actions: actions.length },
      startupToReadyS: round(startupS, 2),
      clients: CLIENTS,
      rate: RATE,
      seconds: SECONDS,
      expectedDeliveries: total * CLIENTS,
      deliveries: s.n,
      latencyMs: { p50: round(s.p50, 1), p95: round(s.p95, 1), p99: round(s.p99, 1), max: round(s.max, 1) },
      node: process.version,
      at: new Date().toISOString(),
    };
    await writeFile('bench/results/console.json', `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    const admin = kafka.admin();
    await admin.connect().catch(() => undefined);
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await stopBroker();
  }
}

main().catch((err) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
