/**
 * "Use the cluster the user named, else run one here": KAFKA_BROKERS (or an explicit list) when
 * set, else the local broker on 127.0.0.1 (port 9092 or KAFKA_PORT), stopped again on release
 * unless it was already running or the caller keeps it. Shared by the demo and the benchmarks.
 *
 * `throwaway` (the benchmarks): a broker of its own on a free port with a new state dir, removed
 * on release, so a measurement does not depend on what earlier runs left in the shared broker
 * (thousands of transactional ids and consumer groups, compacted logs being cleaned). It also dies
 * with its owner: the broker runs detached (its own process group, so a Ctrl-C in the terminal
 * never reaches it), and an owner that crashed or was interrupted before release() left a JVM
 * and its state dir behind. On the owner's 'exit' (a normal end, process.exit, an uncaught error)
 * the broker is killed and its state removed, unless release() did it first. A CLI that owns one
 * turns SIGINT and SIGTERM into an exit (bench/exit-on-signals.ts).
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signalGroup } from './broker-process.js';
import { startLocalKafka, stopLocalKafka } from './local-kafka.js';
import { findFreePort } from './ports.js';

export interface BrokerHandle {
  brokers: string[];
  /** A throw-away broker's JVM and state dir (for tests of its clean-up). */
  throwaway?: { pid: number; stateDir: string };
  /** Stops the local broker if this call started it (and `keep` was not asked for). */
  release(): Promise<void>;
}

export async function acquireBrokers(
  explicit: string | undefined,
  keep: boolean,
  log: (s: string) => void,
  options: { throwaway?: boolean } = {},
): Promise<BrokerHandle> {
  const list = explicit ?? process.env.KAFKA_BROKERS;
  if (list) return { brokers: list.split(',').map((b) => b.trim()), release: async () => {} };
  if (options.throwaway && !keep) return throwawayBroker(log);
  log('KAFKA_BROKERS is not set: starting the local broker...');
  const started = await startLocalKafka({ log });
  log(`local broker ${started.alreadyRunning ? 'already running' : 'started'} at ${started.brokers}`);
  return {
    brokers: [started.brokers],
    release: async () => {
      if (started.alreadyRunning || keep) return;
      await stopLocalKafka({ port: started.port });
      log('local broker stopped');
    },
  };
}

async function throwawayBroker(log: (s: string) => void): Promise<BrokerHandle> {
  const stateDir = await mkdtemp(join(tmpdir(), 'fenceline-bench-kafka-'));
  const port = await findFreePort();
  log(`KAFKA_BROKERS is not set: starting a throw-away local broker (state ${stateDir})...`);
  try {
    const started = await startLocalKafka({ log, port, stateDir });
    log(`local broker started at ${started.brokers}`);
    const discard = () => {
      signalGroup(started.pid, 'SIGKILL');
      // The JVM may write a last file while it dies: ENOTEMPTY is retried.
      rmSync(stateDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    };
    process.once('exit', discard);
    return {
      brokers: [started.brokers],
      throwaway: { pid: started.pid, stateDir },
      release: async () => {
        process.off('exit', discard);
        await stopLocalKafka({ port, stateDir });
        await rm(stateDir, { recursive: true, force: true });
        log('local broker stopped and its state removed');
      },
    };
  } catch (err) {
    await stopLocalKafka({ port, stateDir }).catch(() => undefined);
    await rm(stateDir, { recursive: true, force: true });
    throw err;
  }
}
