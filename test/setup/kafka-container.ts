/**
 * The Docker route for integration tests: the official apache/kafka image, configured from the
 * SAME settings table as the local broker (src/local-kafka/broker-config.ts), so a test that
 * passes on one passes on the other.
 *
 * Not @testcontainers/kafka's KafkaContainer: that class drives Confluent's cp-kafka start
 * scripts (/etc/confluent/docker/run) and does not start the apache/kafka image.
 */
import { brokerSettings } from '../../src/local-kafka/broker-config.js';
import { KAFKA_VERSION } from '../../src/local-kafka/paths.js';
import { findFreePort } from '../../src/local-kafka/ports.js';

export const KAFKA_IMAGE = `apache/kafka:${KAFKA_VERSION}`;
const CONTROLLER_PORT = 9093;

/** True when a container runtime answers within `timeoutMs` (testcontainers' own discovery). */
export async function dockerAvailable(timeoutMs = 10_000): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([getContainerRuntimeClient().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The apache/kafka image turns KAFKA_FOO_BAR into foo.bar (`__` → `_`, `___` → `-`) and uses
 * ONLY env-provided settings when any are given, so the full table is passed.
 */
export function kafkaImageEnv(hostPort: number, advertisedHost: string): Record<string, string> {
  const env: Record<string, string> = {};
  const settings = brokerSettings({
    port: hostPort,
    controllerPort: CONTROLLER_PORT,
    dataDir: '/var/lib/kafka/data',
  });
  for (const [key, value] of settings) {
    env[`KAFKA_${key.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase()}`] =
      String(value);
  }
  // Inside the container listen on all interfaces; advertise what the host-side client can reach.
  env.KAFKA_LISTENERS = `PLAINTEXT://0.0.0.0:${hostPort},CONTROLLER://0.0.0.0:${CONTROLLER_PORT}`;
  env.KAFKA_ADVERTISED_LISTENERS = `PLAINTEXT://${advertisedHost}:${hostPort}`;
  env.KAFKA_CONTROLLER_QUORUM_VOTERS = `1@localhost:${CONTROLLER_PORT}`;
  return env;
}

export interface RunningKafkaContainer {
  brokers: string;
  stop(): Promise<void>;
}

export async function startKafkaContainer(): Promise<RunningKafkaContainer> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  // Same port inside and out: the advertised listener must be the address the client dials.
  const port = await findFreePort();
  const container = await new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: port, host: port })
    .withEnvironment(kafkaImageEnv(port, host))
    .withWaitStrategy(Wait.forLogMessage('Kafka Server started'))
    .withStartupTimeout(180_000)
    .start();
  return {
    brokers: `${host}:${port}`,
    stop: async () => {
      await container.stop();
    },
  };
}
