/**
 * The programmatic face of the local broker: start (idempotent), stop, status. The CLI
 * (src/cli/kafka-command.ts), the integration-test global setup and the demo all go through here.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KafkaSasl, KafkaTls } from '../kafka/connection.js';
import { Secret } from '../kafka/secret.js';
import { renderLog4j2Properties, renderServerProperties } from './broker-config.js';
import { spawnBroker, stopBrokerProcess } from './broker-process.js';
import {
  type BrokerState,
  isOurBroker,
  pidAlive,
  readBrokerState,
  removeBrokerState,
  writeBrokerState,
} from './broker-state.js';
import { LocalKafkaError } from './errors.js';
import { ensureKafkaArtifacts } from './maven-artifacts.js';
import { DEFAULT_PORT, KAFKA_VERSION, kafkaHome, stateDirFor, stateLayout } from './paths.js';
import { chooseControllerPort, isPortFree } from './ports.js';
import { requireJava, requireMaven } from './prerequisites.js';
import { waitForBrokerReady } from './readiness.js';
import {
  ADMIN_USER,
  BROKER_CERT_PRINCIPAL,
  BROKER_USER,
  CLIENT_USERS,
  ensureSecureMaterial,
  readPassword,
  type SecureMaterial,
} from './secure-material.js';
import { acquireStartLock } from './start-lock.js';
import { ensureFormatted } from './storage-format.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface LocalKafkaOptions {
  /** Client port on 127.0.0.1. Default: KAFKA_PORT, else 9092. */
  port?: number;
  /** Config, data, logs and pid file. Default: FENCELINE_KAFKA_STATE_DIR, else ~/.cache/fenceline/run/<port>. */
  stateDir?: string;
  /** Jar cache. Default: FENCELINE_KAFKA_HOME, else ~/.cache/fenceline/kafka-4.1.2. */
  kafkaHome?: string;
  /** How long start waits for a metadata answer. Default 90 s. */
  readyTimeoutMs?: number;
  /** How long stop waits after SIGTERM before SIGKILL. Default 60 s. */
  stopTimeoutMs?: number;
  /** Progress lines (downloads, formatting); the CLI prints them, tests may ignore them. */
  log?: (line: string) => void;
  env?: Env;
  /**
   * A secured broker: SASL_SSL (SCRAM) client listener, throw-away CA, one SCRAM user per client
   * and the KRaft StandardAuthorizer. Its default state dir is `<plain default>-secure`.
   */
  secure?: boolean;
}

/** What a client of a secured local broker needs; passwords stay in their 0600 files. */
export interface SecureConnectionInfo {
  /** KAFKA_SSL_CA_FILE */
  caFile: string;
  /** KAFKA_SASL_MECHANISM */
  mechanism: 'scram-sha-512';
  adminUser: string;
  /** user -> KAFKA_SASL_PASSWORD_FILE, for the admin and every client user. */
  passwordFiles: Record<string, string>;
  /** The admin's TLS + SASL settings, ready for createKafka (topics, ACLs). */
  admin: { tls: KafkaTls; sasl: KafkaSasl };
}

export interface StartResult {
  /** Bootstrap address list for clients, e.g. "127.0.0.1:9092". */
  brokers: string;
  port: number;
  controllerPort: number;
  pid: number;
  alreadyRunning: boolean;
  /** True when this start had to fetch the jars with Maven. */
  downloaded: boolean;
  stateDir: string;
  logFile: string;
  elapsedMs: number;
  /** Set for a secured broker. */
  security?: SecureConnectionInfo;
}

export interface StopResult {
  wasRunning: boolean;
  pid?: number;
  /** True when SIGTERM did not stop it in time and SIGKILL was used. */
  killed: boolean;
  stateDir: string;
}

export type StatusResult =
  | {
      running: true;
      pid: number;
      port: number;
      controllerPort: number;
      uptimeMs: number;
      brokers: string;
      stateDir: string;
      logFile: string;
    }
  | { running: false; port: number; stateDir: string; stalePid?: number };

export function resolvePort(option: number | undefined, env: Env = process.env): number {
  const raw = option ?? (env.KAFKA_PORT ? Number(env.KAFKA_PORT) : DEFAULT_PORT);
  if (!Number.isInteger(raw) || raw < 1 || raw > 65535) {
    const source = option === undefined ? `KAFKA_PORT=${env.KAFKA_PORT}` : `--port ${option}`;
    throw new RangeError(`invalid Kafka port (${source}): expected an integer 1..65535`);
  }
  return raw;
}

function resolve(options: LocalKafkaOptions) {
  const env = options.env ?? process.env;
  const port = resolvePort(options.port, env);
  const stateDir = options.stateDir ?? `${stateDirFor(port, env)}${options.secure ? '-secure' : ''}`;
  return { env, port, stateDir, layout: stateLayout(stateDir), home: options.kafkaHome ?? kafkaHome(env) };
}

const brokersOf = (port: number) => `127.0.0.1:${port}`;

async function connectionInfo(material: SecureMaterial): Promise<SecureConnectionInfo> {
  const { [BROKER_USER]: _broker, ...passwordFiles } = material.passwordFiles;
  return {
    caFile: material.caFile,
    mechanism: 'scram-sha-512',
    adminUser: ADMIN_USER,
    passwordFiles,
    admin: {
      tls: { ca: await readFile(material.caFile, 'utf8') },
      sasl: {
        mechanism: 'scram-sha-512',
        username: ADMIN_USER,
        password: new Secret(await readPassword(material.passwordFiles[ADMIN_USER]!)),
      },
    },
  };
}

export async function startLocalKafka(options: LocalKafkaOptions = {}): Promise<StartResult> {
  const t0 = Date.now();
  const { env, port, stateDir, layout, home } = resolve(options);
  const log = options.log ?? (() => {});
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  await mkdir(layout.logsDir, { recursive: true });
  await mkdir(layout.dataDir, { recursive: true });

  // Long enough to cover another start that is downloading jars and then waiting for readiness.
  const lock = await acquireStartLock(layout.lockFile, readyTimeoutMs + 300_000);
  try {
    const previous = await readBrokerState(layout.stateFile);
    if (previous && isOurBroker(previous)) {
      const security =
        previous.secure === true ? await connectionInfo(await ensureSecureMaterial(stateDir)) : undefined;
      // Running already; still make sure it answers (an interrupted start may have left it booting).
      await waitForBrokerReady({
        brokers: [brokersOf(previous.port)],
        timeoutMs: readyTimeoutMs,
        isAlive: () => pidAlive(previous.pid),
        ...(security ? { security: security.admin } : {}),
      });
      return {
        brokers: brokersOf(previous.port),
        port: previous.port,
        controllerPort: previous.controllerPort,
        pid: previous.pid,
        alreadyRunning: true,
        downloaded: false,
        stateDir,
        logFile: previous.serverLog,
        elapsedMs: Date.now() - t0,
        ...(security ? { security } : {}),
      };
    }
    if (previous) {
      log(`removing stale pid file (pid ${previous.pid} is no longer a running broker)`);
      await removeBrokerState(layout.stateFile);
    }

    const java = requireJava(env);
    const { libsDir, downloaded } = await ensureKafkaArtifacts(home, () => requireMaven(env), log);
    const classpath = join(libsDir, '*');

    if (!(await isPortFree(port))) {
      throw new LocalKafkaError(
        'FL_KAFKA_PORT_IN_USE',
        `port ${port} on 127.0.0.1 is in use by another process (not a broker started from ${stateDir}); choose another with --port or KAFKA_PORT`,
      );
    }
    const controllerPort = await chooseControllerPort(
      port,
      await previousControllerPort(layout.serverProperties),
    );
    const material = options.secure ? await ensureSecureMaterial(stateDir) : undefined;
    const brokerPassword = material ? await readPassword(material.passwordFiles[BROKER_USER]!) : '';
    await writeFile(
      layout.serverProperties,
      renderServerProperties({
        port,
        controllerPort,
        dataDir: layout.dataDir,
        ...(material
          ? {
              security: {
                keystoreFile: material.keystoreFile,
                caFile: material.caFile,
                brokerUser: BROKER_USER,
                brokerPassword,
                superUsers: [`User:${BROKER_USER}`, BROKER_CERT_PRINCIPAL, `User:${ADMIN_USER}`],
              },
            }
          : {}),
      }),
      // Secured: the file holds the broker's own SCRAM password.
      { mode: 0o600 },
    );
    await writeFile(layout.log4jProperties, renderLog4j2Properties(layout.logsDir));
    const scramUsers = material
      ? await Promise.all(
          [BROKER_USER, ADMIN_USER, ...CLIENT_USERS].map(async (name) => ({
            name,
            password: await readPassword(material.passwordFiles[name]!),
          })),
        )
      : undefined;
    await ensureFormatted({ java, classpath, layout, ...(scramUsers ? { scramUsers } : {}) });
    const security = material ? await connectionInfo(material) : undefined;

    const pid = await spawnBroker({ java, classpath, layout });
    const state: BrokerState = {
      pid,
      port,
      controllerPort,
      startedAt: new Date().toISOString(),
      kafkaVersion: KAFKA_VERSION,
      serverProperties: layout.serverProperties,
      serverLog: layout.serverLog,
      ...(security ? { secure: true } : {}),
    };
    await writeBrokerState(layout.stateFile, state);
    try {
      await waitForBrokerReady({
        brokers: [brokersOf(port)],
        timeoutMs: readyTimeoutMs,
        isAlive: () => pidAlive(pid),
        ...(security ? { security: security.admin } : {}),
      });
    } catch (err) {
      // Leave nothing half-started behind; the log tail usually says why (port clash, bad config).
      await stopBrokerProcess(pid, 10_000);
      await removeBrokerState(layout.stateFile);
      const message = err instanceof Error ? err.message : String(err);
      const code = err instanceof LocalKafkaError ? err.code : 'FL_KAFKA_NOT_READY';
      throw new LocalKafkaError(
        code,
        `${message}\n--- last lines of ${layout.serverLog} ---\n${await logTail(layout)}`,
      );
    }
    return {
      brokers: brokersOf(port),
      port,
      controllerPort,
      pid,
      alreadyRunning: false,
      downloaded,
      stateDir,
      logFile: layout.serverLog,
      elapsedMs: Date.now() - t0,
      ...(security ? { security } : {}),
    };
  } finally {
    await lock.release();
  }
}

export async function stopLocalKafka(options: LocalKafkaOptions = {}): Promise<StopResult> {
  const { stateDir, layout } = resolve(options);
  const state = await readBrokerState(layout.stateFile);
  if (!state || !isOurBroker(state)) {
    await removeBrokerState(layout.stateFile);
    return { wasRunning: false, killed: false, stateDir };
  }
  const outcome = await stopBrokerProcess(state.pid, options.stopTimeoutMs ?? 60_000);
  if (!outcome.exited) {
    throw new LocalKafkaError('FL_KAFKA_STOP_FAILED', `pid ${state.pid} survived SIGTERM and SIGKILL`);
  }
  await removeBrokerState(layout.stateFile);
  return { wasRunning: true, pid: state.pid, killed: outcome.killed, stateDir };
}

export async function localKafkaStatus(options: LocalKafkaOptions = {}): Promise<StatusResult> {
  const { port, stateDir, layout } = resolve(options);
  const state = await readBrokerState(layout.stateFile);
  if (!state) return { running: false, port, stateDir };
  if (!isOurBroker(state)) return { running: false, port: state.port, stateDir, stalePid: state.pid };
  return {
    running: true,
    pid: state.pid,
    port: state.port,
    controllerPort: state.controllerPort,
    uptimeMs: Date.now() - Date.parse(state.startedAt),
    brokers: brokersOf(state.port),
    stateDir,
    logFile: state.serverLog,
  };
}

/** Reuse last run's controller port so the KRaft voter address stays what the data dir knows. */
async function previousControllerPort(serverProperties: string): Promise<number | undefined> {
  try {
    const m = /^controller\.quorum\.voters=1@127\.0\.0\.1:(\d+)$/m.exec(
      await readFile(serverProperties, 'utf8'),
    );
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function logTail(layout: ReturnType<typeof stateLayout>, lines = 25): Promise<string> {
  const parts: string[] = [];
  for (const file of [layout.serverLog, layout.consoleLog]) {
    try {
      const text = (await readFile(file, 'utf8')).trimEnd().split('\n');
      parts.push(text.slice(-lines).join('\n'));
    } catch {
      // Not written yet.
    }
  }
  return parts.join('\n') || '(no log output)';
}
