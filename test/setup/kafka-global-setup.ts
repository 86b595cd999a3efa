/**
 * vitest globalSetup for the `integration` project: provides `inject('kafkaBrokers')`, a
 * comma-separated bootstrap list for a real Kafka broker. Tried in order:
 *
 *   1. KAFKA_BROKERS, if set (CI or a developer's own broker; checked to answer, never stopped);
 *   2. a testcontainers apache/kafka container, when a Docker engine answers;
 *   3. the local Maven-artifact broker (src/local-kafka) on a free port with a throwaway state dir.
 *
 * FENCELINE_TEST_KAFKA=docker|local forces route 2 or 3. Integration tests are never skipped:
 * if no route works the run fails with what was tried and why.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalKafka, stopLocalKafka } from '../../src/local-kafka/index.js';
import { findFreePort } from '../../src/local-kafka/ports.js';
import { waitForBrokerReady } from '../../src/local-kafka/readiness.js';
import { dockerAvailable, KAFKA_IMAGE, startKafkaContainer } from './kafka-container.js';
import { markOwner, reapOrphanBrokers } from './orphan-brokers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated bootstrap servers, e.g. "127.0.0.1:41234". */
    kafkaBrokers: string;
  }
}

type Teardown = () => Promise<void>;
interface Provisioned {
  brokers: string;
  how: string;
  teardown: Teardown;
}

async function fromEnv(list: string): Promise<Provisioned> {
  const brokers = list
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  await waitForBrokerReady({ brokers, timeoutMs: 30_000 });
  return { brokers: brokers.join(','), how: 'KAFKA_BROKERS', teardown: async () => {} };
}

async function fromDocker(): Promise<Provisioned> {
  const running = await startKafkaContainer();
  return { brokers: running.brokers, how: `testcontainers ${KAFKA_IMAGE}`, teardown: running.stop };
}

async function fromLocal(): Promise<Provisioned> {
  for (const dir of await reapOrphanBrokers())
    console.log(`[kafka-global-setup] stopped an orphaned test broker in ${dir}`);
  const stateDir = await mkdtemp(join(tmpdir(), 'fenceline-it-kafka-'));
  await markOwner(stateDir);
  const port = await findFreePort();
  const started = await startLocalKafka({
    port,
    stateDir,
    readyTimeoutMs: 120_000,
    log: (line) => console.log(`[kafka-global-setup] ${line}`),
  });
  return {
    brokers: started.brokers,
    how: `local broker (pid ${started.pid}, ${Math.round(started.elapsedMs / 100) / 10} s, state ${stateDir})`,
    // This setup made the state dir, so it owns the broker: stop it and delete everything.
    teardown: async () => {
      await stopLocalKafka({ port, stateDir });
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

async function provision(): Promise<Provisioned> {
  const envList = process.env.KAFKA_BROKERS?.trim();
  if (envList) return fromEnv(envList);

  const forced = process.env.FENCELINE_TEST_KAFKA;
  const tried: string[] = [];
  if (forced !== 'local') {
    if (forced === 'docker' || (await dockerAvailable())) {
      try {
        return await fromDocker();
      } catch (err) {
        tried.push(`testcontainers ${KAFKA_IMAGE}: ${(err as Error).message}`);
        if (forced === 'docker') throw new Error(`Kafka for integration tests: ${tried.join('; ')}`);
      }
    } else {
      tried.push('Docker: no container runtime answered');
    }
  }
  try {
    return await fromLocal();
  } catch (err) {
    tried.push(`local broker (needs Java 17+, and Maven on first use): ${(err as Error).message}`);
  }
  throw new Error(
    `No Kafka broker for the integration tests. Tried: KAFKA_BROKERS (unset); ${tried.join('; ')}. ` +
      'Set KAFKA_BROKERS, start Docker, or install Java 17 + Maven.',
  );
}

export default async function setup(project: TestProject): Promise<Teardown> {
  const provisioned = await provision();
  console.log(`[kafka-global-setup] Kafka at ${provisioned.brokers} via ${provisioned.how}`);
  project.provide('kafkaBrokers', provisioned.brokers);
  return provisioned.teardown;
}
