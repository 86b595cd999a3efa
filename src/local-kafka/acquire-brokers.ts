/**
 * "Use the cluster the user named, else run one here": KAFKA_BROKERS (or an explicit list) when
 * set, else the local broker on 127.0.0.1 (port 9092 or KAFKA_PORT), stopped again on release
 * unless it was already running or the caller keeps it. Shared by the demo and the benchmarks.
 */
import { startLocalKafka, stopLocalKafka } from './local-kafka.js';

export interface BrokerHandle {
  brokers: string[];
  /** Stops the local broker if this call started it (and `keep` was not asked for). */
  release(): Promise<void>;
}

export async function acquireBrokers(
  explicit: string | undefined,
  keep: boolean,
  log: (s: string) => void,
): Promise<BrokerHandle> {
  const list = explicit ?? process.env.KAFKA_BROKERS;
  if (list) return { brokers: list.split(',').map((b) => b.trim()), release: async () => {} };
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
