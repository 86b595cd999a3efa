/**
 * `fenceline kafka start|stop|status|acls`: a real single-node Apache Kafka broker from Maven
 * artifacts, for machines without Docker, plain by default or secured with --secure. All broker
 * logic lives in src/local-kafka/; this file parses flags and prints.
 */
import { parseArgs } from 'node:util';
import { CLIENT_ROLES, type ClientRole } from '../kafka/acl-plan.js';
import {
  KAFKA_VERSION,
  LocalKafkaError,
  type LocalKafkaOptions,
  localKafkaStatus,
  startLocalKafka,
  stopLocalKafka,
} from '../local-kafka/index.js';
import { ConfigError, loadConfig } from '../ops/index.js';
import {
  aclRows,
  aclTopics,
  DEFAULT_CLIENTS,
  isRole,
  renderAclTable,
  renderKafkaAcls,
} from './kafka-acls.js';
import { clientSettings, provisionSecureBroker } from './kafka-secure-setup.js';
import type { Subcommand } from './main.js';

const USAGE = `Usage: fenceline kafka <start|stop|status|acls> [options]

  start    download Kafka ${KAFKA_VERSION} with Maven (first time only), start it in the background
           and wait until it answers; a second start reports the running broker and exits 0
  stop     SIGTERM (controlled shutdown), SIGKILL after the grace period
  status   exit code 0 when running, 3 when stopped
  acls     print the ACLs each Fenceline client needs (least privilege); topic names from the
           worker's TOPIC_* variables

Options:
  --secure           start/stop/status: the secured broker (SASL_SSL with SCRAM-SHA-512, a
                     throw-away CA, one user per client, ACLs enforced); state dir <default>-secure
  --client <role>    acls: ${CLIENT_ROLES.join('|')}|all (default all)
  --group <id>       acls: the worker's FENCELINE_GROUP_ID, or the console/notifier group prefix
  --principal <p>    acls: e.g. User:alice (default User:fenceline-<role>)
  --format <f>       acls: table (default) or kafka-acls (kafka-acls.sh commands)
  --port <n>         client port on 127.0.0.1 (env KAFKA_PORT, default 9092)
  --state-dir <dir>  config, data, logs, pid file (env FENCELINE_KAFKA_STATE_DIR,
                     default ~/.cache/fenceline/run/<port>)
  --timeout <s>      start: readiness timeout (default 90); stop: grace before SIGKILL (default 60)

Environment:
  FENCELINE_KAFKA_HOME  jar cache (default ~/.cache/fenceline/kafka-${KAFKA_VERSION})
  JAVA_HOME             Java 17+ runtime to use (default: java on PATH)
  FENCELINE_MVN         Maven executable (default: mvn on PATH; only needed for the first start)`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${m}m` : m > 0 ? `${m}m${s % 60}s` : `${s}s`;
}

type Action = 'start' | 'stop' | 'status' | 'acls';

function isAction(value: string | undefined): value is Action {
  return value === 'start' || value === 'stop' || value === 'status' || value === 'acls';
}

export interface AclFlags {
  client?: string;
  group?: string;
  principal?: string;
  format?: string;
}

/** `kafka acls`: exit 2 with one line on a bad flag or variable. */
function printAcls(flags: AclFlags): number {
  const client = flags.client ?? 'all';
  if (client !== 'all' && !isRole(client)) {
    console.error(
      `fenceline kafka acls: --client must be one of ${CLIENT_ROLES.join(', ')}, all; got "${client}"`,
    );
    return 2;
  }
  const roles: readonly ClientRole[] = client === 'all' ? CLIENT_ROLES : [client];
  if ((flags.group !== undefined || flags.principal !== undefined) && roles.length > 1) {
    console.error('fenceline kafka acls: --group and --principal need a single --client');
    return 2;
  }
  if (flags.format !== undefined && flags.format !== 'table' && flags.format !== 'kafka-acls') {
    console.error(`fenceline kafka acls: --format must be table or kafka-acls, got "${flags.format}"`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`fenceline kafka acls: invalid configuration: ${err.message}`);
    return 2;
  }
  const rows = aclRows({
    roles,
    topics: aclTopics(config),
    exactlyOnce: config.exactlyOnce,
    ...(flags.group !== undefined ? { group: flags.group } : {}),
    ...(flags.principal !== undefined ? { principal: flags.principal } : {}),
  });
  console.log(flags.format === 'kafka-acls' ? renderKafkaAcls(rows) : renderAclTable(rows));
  return 0;
}

async function runAction(action: Action, options: LocalKafkaOptions, flags: AclFlags): Promise<number> {
  switch (action) {
    case 'start': {
      const r = await startLocalKafka({ ...options, log: (line) => console.log(`kafka: ${line}`) });
      const stopHint = `fenceline kafka stop --port ${r.port}${r.security ? ' --secure' : ''}`;
      if (r.alreadyRunning) {
        console.log(`already running on ${r.brokers} (pid ${r.pid})`);
      } else {
        console.log(`Kafka ${KAFKA_VERSION} ready on ${r.brokers} (pid ${r.pid}) in ${seconds(r.elapsedMs)}`);
        console.log(`  bootstrap: ${r.brokers}   log: ${r.logFile}`);
        console.log(`  stop with: ${stopHint}`);
      }
      if (r.security) {
        const made = await provisionSecureBroker(r.brokers, r.security);
        console.log(
          `  secured: SASL_SSL, SCRAM-SHA-512 (and -256), ACLs enforced; ${made.acls} ACLs for the default topics and groups (fenceline kafka acls)`,
        );
        console.log(
          `  users: ${r.security.adminUser} (super user), ${Object.keys(DEFAULT_CLIENTS)
            .map((c) => `fenceline-${c}`)
            .join(', ')}`,
        );
        console.log('  passwords are not printed: each is in its own 0600 file (KAFKA_SASL_PASSWORD_FILE)');
        console.log('  settings for the worker (use fenceline-simulator for simulate, and so on):');
        for (const line of clientSettings(r.brokers, r.security, 'fenceline-worker'))
          console.log(`    ${line}`);
      }
      return 0;
    }
    case 'acls':
      return printAcls(flags);
    case 'stop': {
      const t0 = Date.now();
      const r = await stopLocalKafka(options);
      if (!r.wasRunning) console.log(`not running (state dir ${r.stateDir})`);
      else
        console.log(
          `stopped pid ${r.pid}${r.killed ? ' (SIGKILL after grace period)' : ''} in ${seconds(Date.now() - t0)}`,
        );
      return 0;
    }
    case 'status': {
      const r = await localKafkaStatus(options);
      if (r.running) {
        console.log(
          `running on ${r.brokers} (pid ${r.pid}, up ${formatUptime(r.uptimeMs)}, controller port ${r.controllerPort})`,
        );
        console.log(`  state dir: ${r.stateDir}   log: ${r.logFile}`);
        return 0;
      }
      const stale = r.stalePid === undefined ? '' : `, stale pid file for ${r.stalePid}`;
      console.log(`stopped (port ${r.port}${stale})`);
      return 3;
    }
    default: {
      const unreachable: never = action;
      throw new Error(`unhandled action ${String(unreachable)}`);
    }
  }
}

function parseFlags(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'state-dir': { type: 'string' },
      timeout: { type: 'string' },
      secure: { type: 'boolean' },
      client: { type: 'string' },
      group: { type: 'string' },
      principal: { type: 'string' },
      format: { type: 'string' },
    },
  });
}

export const kafkaCommand: Subcommand = {
  summary: `run a local Apache Kafka ${KAFKA_VERSION} broker without Docker (start|stop|status)`,
  usage: USAGE,
  async run(argv) {
    let parsed: ReturnType<typeof parseFlags>;
    try {
      parsed = parseFlags(argv);
    } catch (err) {
      // parseArgs throws TypeError for unknown flags or a flag missing its value.
      console.error(`fenceline kafka: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    const { values, positionals } = parsed;
    const [action, ...extra] = positionals;
    if (!isAction(action) || extra.length > 0) {
      console.error(USAGE);
      return 2;
    }
    const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout) * 1000;
    if (timeoutMs !== undefined && !(timeoutMs > 0)) {
      console.error(`fenceline kafka: --timeout must be a positive number of seconds`);
      return 2;
    }
    if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) {
      console.error(`fenceline kafka: --port must be an integer 1..65535, got "${values.port}"`);
      return 2;
    }
    const options: LocalKafkaOptions = {
      port: values.port === undefined ? undefined : Number(values.port),
      stateDir: values['state-dir'],
      readyTimeoutMs: timeoutMs,
      stopTimeoutMs: timeoutMs,
      secure: values.secure === true,
    };
    const flags: AclFlags = {
      ...(values.client !== undefined ? { client: values.client } : {}),
      ...(values.group !== undefined ? { group: values.group } : {}),
      ...(values.principal !== undefined ? { principal: values.principal } : {}),
      ...(values.format !== undefined ? { format: values.format } : {}),
    };
    try {
      return await runAction(action, options, flags);
    } catch (err) {
      if (err instanceof LocalKafkaError || err instanceof RangeError) {
        console.error(`fenceline kafka ${action}: ${err.message}`);
        return 1;
      }
      throw err;
    }
  },
};
