/**
 * Kafka security end to end, against a SECURED local broker this file starts itself (SASL_SSL,
 * SCRAM-SHA-512, StandardAuthorizer; `fenceline kafka start --secure`), on a free port, next to
 * the plain broker of the global setup:
 *
 * - given exactly the documented worker ACLs (src/kafka/acl-plan.ts) and nothing more, the DLQ
 *   scenario and an end-to-end alert run pass over SASL_SSL;
 * - a client without WRITE on the zones topic cannot change a zone;
 * - a wrong password, an unknown CA and a missing ACL each stop the worker with one line naming
 *   the cause, and no captured output holds a password.
 */

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aclTopics } from '../../src/cli/kafka-acls.js';
import { type AclRow, clientAcls } from '../../src/kafka/acl-plan.js';
import { createAcls } from '../../src/kafka/acls.js';
import { createKafka } from '../../src/kafka/connection.js';
import {
  type SecureConnectionInfo,
  type StartResult,
  startLocalKafka,
  stopLocalKafka,
} from '../../src/local-kafka/index.js';
import { findFreePort } from '../../src/local-kafka/ports.js';
import { createLogger, KafkaAccessError, loadConfig } from '../../src/ops/index.js';
import { startWorker } from '../../src/ops/worker-runtime.js';
import { withRetry } from '../../src/stream/retry.js';
import { ensureTopics } from '../../src/stream/topic-setup.js';
import { consumeAll, produce, testKafka } from '../setup/kafka-test-utils.js';
import { markOwner } from '../setup/orphan-brokers.js';
import { dlqScenario } from '../stream/fixtures/dlq-scenario.js';
import { makeFleet } from '../stream/fixtures/fleet.js';
import {
  expectAlertsEqualReference,
  startTestWorker,
  streamPings,
  type TestTopics,
  uniqueNames,
  waitForCommittedEnd,
  workerConfig,
  workerEnv,
} from '../stream/fixtures/worker-harness.js';
import { buildOnce, WorkerProcess } from '../stream/fixtures/worker-process.js';

let stateDir = '';
let port = 0;
let started: StartResult;
let security: SecureConnectionInfo;

/** The environment a Fenceline process logged in as `user` gets (password from its 0600 file). */
function envFor(user: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAFKA_BROKERS: started.brokers,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: security.caFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD_FILE: security.passwordFiles[user]!,
    ...extra,
  };
}
const admin = () => envFor('fenceline-admin');
/** Secured workers may not create topics: the admin did (prepareWorker). */
const WORKER_EXTRA = { CREATE_TOPICS: 'false' };

function passwords(): string[] {
  return Object.values(security.passwordFiles).map((f) => readFileSync(f, 'utf8').trim());
}

const quiet = createLogger({ level: 'silent', name: 'secure-test' });

/** Every topic the worker's configuration names (accepted copies and config DLQ included). */
function topicsOf(names: TestTopics) {
  return aclTopics(workerConfig(admin(), names));
}

function workerRows(names: TestTopics): AclRow[] {
  return clientAcls('worker', {
    principal: 'User:fenceline-worker',
    group: names.groupId,
    topics: topicsOf(names),
    exactlyOnce: true,
  });
}

async function withAdmin(fn: (a: ReturnType<ReturnType<typeof testKafka>['admin']>) => Promise<void>) {
  const a = testKafka(admin(), 'secure-test-admin').admin();
  await a.connect();
  try {
    await fn(a);
  } finally {
    await a.disconnect();
  }
}

/** As the admin: every worker topic (the worker's own creation code) and the worker's ACLs. */
async function prepareWorker(names: TestTopics, keep: (row: AclRow) => boolean = () => true) {
  const cfg = workerConfig(admin(), names, { CREATE_TOPICS: 'true' });
  const kafka = createKafka(cfg.kafka, 'secure-test-admin');
  // A just-created topic can briefly be "not hosted here" or missing from the topic list on a
  // loaded machine; creating again is harmless (existing topics are left alone).
  for (let attempt = 1; ; attempt++) {
    try {
      await withRetry(() => ensureTopics(kafka, cfg, quiet));
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
  await withAdmin((a) => createAcls(a, workerRows(names).filter(keep)));
}

function lineCollector(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, stream };
}

/** Start a worker in-process and return the one error that stopped it (start-up or fatal). */
async function failedStart(env: Record<string, string>): Promise<{ error: Error; lines: string[] }> {
  const { lines, stream } = lineCollector();
  let fatal: (e: Error) => void = () => undefined;
  const fatalError = new Promise<Error>((r) => {
    fatal = r;
  });
  const worker = await startWorker(loadConfig(env), {
    logger: createLogger({ level: 'info', name: 'secure-test-worker', destination: stream }),
    onFatal: (e) => fatal(e),
  });
  try {
    // Start-up rejected, or it started and then failed (e.g. a group join refused).
    const error = await worker.started.then(
      () => fatalError,
      (e: Error) => e,
    );
    // Not ready, and /readyz says why in the same one line.
    const readyz = await fetch(`http://127.0.0.1:${worker.httpPort}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.text()).toContain(JSON.stringify(error.message).slice(1, -1));
    return { error, lines };
  } finally {
    await worker.stop();
  }
}

function expectNoPassword(texts: string[], extra: string[] = []): void {
  const all = texts.join('\n');
  for (const secret of [...passwords(), ...extra]) expect(all).not.toContain(secret);
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'fenceline-it-kafka-secure-'));
  await markOwner(stateDir);
  port = await findFreePort();
  started = await startLocalKafka({ port, stateDir, secure: true, readyTimeoutMs: 240_000 });
  security = started.security!;
  console.log(
    `[secure-kafka] secured broker on ${started.brokers} ready in ${(started.elapsedMs / 1000).toFixed(1)} s`,
  );
});

afterAll(async () => {
  if (port !== 0) await stopLocalKafka({ port, stateDir });
  await rm(stateDir, { recursive: true, force: true });
});

dlqScenario(
  'over SASL_SSL with SCRAM, the worker holding exactly the documented ACLs: DLQ and counters',
  () => ({
    admin: admin(),
    worker: envFor('fenceline-worker'),
    workerEnv: WORKER_EXTRA,
    prepare: (names) => prepareWorker(names),
  }),
);

describe('over SASL_SSL: alerts end to end, and who may change a zone', () => {
  const names = uniqueNames('secure-e2e');
  const fleet = makeFleet({ seed: 1203, tags: 40, pings: 6000 });
  const sim = () => envFor('fenceline-simulator');

  beforeAll(async () => {
    await prepareWorker(names);
    // The simulator user publishes, with exactly its documented rights.
    const rows = clientAcls('simulator', {
      principal: 'User:fenceline-simulator',
      group: '',
      topics: topicsOf(names),
    });
    await withAdmin((a) => createAcls(a, rows));
    await produce(
      sim(),
      names.zones,
      fleet.zones.map((z) => ({ key: z.zoneId, value: JSON.stringify(z) })),
    );
    await produce(
      sim(),
      names.enrolments,
      fleet.enrolments.map((e) => ({ key: e.tagId, value: JSON.stringify(e) })),
    );
  });

  it('the worker turns pings into exactly the reference alerts', async () => {
    const worker = await startTestWorker(workerConfig(envFor('fenceline-worker'), names, WORKER_EXTRA));
    try {
      await streamPings(sim(), names.pings, fleet.pings, { chunk: 2000, pauseMs: 0 });
      await waitForCommittedEnd(admin(), names.pings, names.groupId);
      expect(await expectAlertsEqualReference(admin(), names, fleet)).toBeGreaterThan(0);
    } finally {
      await worker.stop();
    }
  });

  it('a client without WRITE on the zones topic cannot change a zone; one with it can', async () => {
    const zone = fleet.zones[0]!;
    const changed = JSON.stringify(zone);
    for (const user of ['fenceline-worker', 'fenceline-console', 'fenceline-notifier']) {
      await expect(
        produce(envFor(user), names.zones, [{ key: zone.zoneId, value: changed }]),
      ).rejects.toThrow(/not authorized|authorization failed/i);
    }
    const before = await consumeAll(admin(), names.zones, {
      expected: fleet.zones.length,
      timeoutMs: 60_000,
    });
    expect(before).toHaveLength(fleet.zones.length);
    // The simulator's role does hold WRITE on zones: the same record goes through.
    await produce(sim(), names.zones, [{ key: zone.zoneId, value: JSON.stringify(zone) }]);
    const after = await consumeAll(admin(), names.zones, {
      expected: fleet.zones.length + 1,
      timeoutMs: 60_000,
    });
    expect(after).toHaveLength(fleet.zones.length + 1);
  });
});

describe('refused connections stop the worker with one line naming the cause, and no password', () => {
  it('a wrong password', async () => {
    const names = uniqueNames('secure-badpw');
    await prepareWorker(names);
    const wrong = 'not-the-password-0xC0FFEE';
    const { KAFKA_SASL_PASSWORD_FILE: _f, ...env } = envFor('fenceline-worker');
    const { error, lines } = await failedStart(
      workerEnv({ ...env, KAFKA_SASL_PASSWORD: wrong }, names, WORKER_EXTRA),
    );
    expect(error).toBeInstanceOf(KafkaAccessError);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(
      /^Kafka rejected the credentials of User:fenceline-worker \(SCRAM-SHA-512\): wrong username or password/,
    );
    expectNoPassword([error.message, String(error.stack), ...lines], [wrong]);
  });

  it('an unknown CA (the broker certificate is not signed by anything trusted)', async () => {
    const names = uniqueNames('secure-ca');
    await prepareWorker(names);
    const { KAFKA_SSL_CA_FILE: _ca, ...env } = envFor('fenceline-worker');
    const { error, lines } = await failedStart(workerEnv(env, names, WORKER_EXTRA));
    expect(error).toBeInstanceOf(KafkaAccessError);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(
      /^Kafka TLS: the broker's certificate is not signed by a CA this system trusts; set KAFKA_SSL_CA_FILE \(\w+\)/,
    );
    expectNoPassword([error.message, ...lines]);
  });

  it('a missing ACL (no READ on the worker consumer group)', async () => {
    const names = uniqueNames('secure-acl');
    await prepareWorker(names, (r) => !(r.resourceType === 'GROUP' && r.pattern === 'LITERAL'));
    const { error, lines } = await failedStart(workerEnv(envFor('fenceline-worker'), names, WORKER_EXTRA));
    expect(error).toBeInstanceOf(KafkaAccessError);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(
      /^Kafka gave User:fenceline-worker no coordinator for a consumer group or transactional id: most likely a missing ACL |^Kafka denied User:fenceline-worker access to a consumer group/,
    );
    expectNoPassword([error.message, ...lines]);
  });

  it('the real CLI: a wrong password exits 1, its output names the cause and holds no password', async () => {
    await buildOnce();
    const names = uniqueNames('secure-cli');
    await prepareWorker(names);
    const wrong = 'cli-wrong-password-0xBEEF';
    const { KAFKA_SASL_PASSWORD_FILE: _f, ...env } = envFor('fenceline-worker');
    const output: string[] = [];
    const proc = new WorkerProcess(
      workerEnv({ ...env, KAFKA_SASL_PASSWORD: wrong }, names, WORKER_EXTRA),
      'cli',
      output,
    );
    expect(await proc.exited).toBe(1);
    const fatal = output.filter((l) => l.includes('"level":60'));
    expect(fatal.length).toBeGreaterThan(0);
    expect(fatal.join('\n')).toContain('Kafka rejected the credentials of User:fenceline-worker');
    expectNoPassword(output, [wrong]);
  });
});
