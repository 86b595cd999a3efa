/**
 * What TLS + SASL cost: the same throughput run (bench/throughput.ts: publish, bare consumer,
 * worker with and without exactly-once) against a plain and a secured local broker, started here
 * on free ports and stopped afterwards, with the secured broker's start time. Seeded, so runs are
 * comparable; on a shared machine compare only numbers from one run.
 *
 *   npx tsx bench/tls-cost.ts [pings=100000]     (writes bench/results/tls-cost.json)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalKafka, stopLocalKafka } from '../src/local-kafka/index.js';
import { findFreePort } from '../src/local-kafka/ports.js';
import { runThroughput, type ThroughputResult } from './throughput.js';

const SECURITY_VARS = [
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD_FILE',
];

async function measure(
  secure: boolean,
  pings: number,
): Promise<{ startS: number; result: ThroughputResult }> {
  const stateDir = await mkdtemp(join(tmpdir(), `fenceline-bench-${secure ? 'secure' : 'plain'}-`));
  const port = await findFreePort();
  try {
    const started = await startLocalKafka({ port, stateDir, secure, readyTimeoutMs: 300_000 });
    for (const v of SECURITY_VARS) delete process.env[v];
    if (started.security) {
      // The bench creates and deletes its topics, so it runs as the admin user.
      Object.assign(process.env, {
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: started.security.caFile,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: started.security.adminUser,
        KAFKA_SASL_PASSWORD_FILE: started.security.passwordFiles[started.security.adminUser],
      });
    }
    const log = (s: string) => process.stderr.write(`[${secure ? 'secure' : 'plain'}] ${s}\n`);
    log(`broker ready in ${(started.elapsedMs / 1000).toFixed(1)} s`);
    const result = await runThroughput([started.brokers], pings, log);
    return { startS: started.elapsedMs / 1000, result };
  } finally {
    await stopLocalKafka({ port, stateDir }).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
  }
}

const pings = Number(process.argv[2] ?? 100_000);
const plain = await measure(false, pings);
const secure = await measure(true, pings);
const row = (name: string, m: typeof plain) =>
  `| ${name} | ${m.startS.toFixed(1)} | ${Math.round(m.result.publishPerS)} | ${Math.round(m.result.bare.perS)} | ${Math.round(m.result.exactlyOnce.perS)} | ${Math.round(m.result.atLeastOnce.perS)} |`;
const table = [
  `${pings} pings (seeded). Plain vs SASL_SSL (SCRAM-SHA-512), same machine, one run.`,
  '',
  '| broker | start s | publish/s | bare consume/s | worker EOS/s | worker ALOS/s |',
  '|---|---|---|---|---|---|',
  row('plain', plain),
  row('SASL_SSL', secure),
].join('\n');
console.log(table);
await writeFile(
  join(process.cwd(), 'bench', 'results', 'tls-cost.json'),
  `${JSON.stringify({ pings, plain, secure, at: new Date().toISOString() }, null, 2)}\n`,
);
