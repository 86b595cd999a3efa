/**
 * Where the local broker keeps things. Jars are cached per Kafka version OUTSIDE the repository
 * (they are ~100 MB and shared by every checkout); runtime state is per port so two brokers on
 * different ports never share a data directory.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The pinned broker. Changing it means a new cache folder, so old jars are never mixed in. */
export const KAFKA_VERSION = '4.1.2';
export const KAFKA_ARTIFACT = `org.apache.kafka:kafka_2.13:${KAFKA_VERSION}`;
export const DEFAULT_PORT = 9092;

type Env = Readonly<Record<string, string | undefined>>;

function cacheRoot(env: Env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'fenceline');
}

/** Folder holding `libs/` (the classpath) and the generated pom. FENCELINE_KAFKA_HOME overrides. */
export function kafkaHome(env: Env = process.env): string {
  const override = env.FENCELINE_KAFKA_HOME;
  return override && override.length > 0 ? override : join(cacheRoot(env), `kafka-${KAFKA_VERSION}`);
}

/** Folder holding one broker's config, data, logs and pid file. FENCELINE_KAFKA_STATE_DIR overrides. */
export function stateDirFor(port: number, env: Env = process.env): string {
  const override = env.FENCELINE_KAFKA_STATE_DIR;
  return override && override.length > 0 ? override : join(cacheRoot(env), 'run', String(port));
}

/** The files inside a state dir, named once so every module agrees. */
export function stateLayout(stateDir: string) {
  return {
    stateFile: join(stateDir, 'broker.json'),
    lockFile: join(stateDir, 'start.lock'),
    serverProperties: join(stateDir, 'server.properties'),
    log4jProperties: join(stateDir, 'log4j2.properties'),
    clusterIdFile: join(stateDir, 'cluster-id'),
    dataDir: join(stateDir, 'data'),
    logsDir: join(stateDir, 'logs'),
    /** JVM stdout/stderr: crashes before Log4j is up land here. */
    consoleLog: join(stateDir, 'logs', 'console.log'),
    serverLog: join(stateDir, 'logs', 'server.log'),
  };
}

export type StateLayout = ReturnType<typeof stateLayout>;
