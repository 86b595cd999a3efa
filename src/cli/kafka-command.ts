/**
 * `fenceline kafka start|stop|status`: a real single-node Apache Kafka broker from Maven
 * artifacts, for machines without Docker. All logic lives in src/local-kafka/; this file only
 * parses flags and prints.
 */
import { parseArgs } from 'node:util';
import {
  KAFKA_VERSION,
  LocalKafkaError,
  type LocalKafkaOptions,
  localKafkaStatus,
  startLocalKafka,
  stopLocalKafka,
} from '../local-kafka/index.js';
import type { Subcommand } from './main.js';

const USAGE = `Usage: fenceline kafka <start|stop|status> [options]

  start    download Kafka ${KAFKA_VERSION} with Maven (first time only), start it in the background
           and wait until it answers; a second start reports the running broker and exits 0
  stop     SIGTERM (controlled shutdown), SIGKILL after the grace period
  status   exit code 0 when running, 3 when stopped

Options:
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

type Action = 'start' | 'stop' | 'status';

function isAction(value: string | undefined): value is Action {
  return value === 'start' || value === 'stop' || value === 'status';
}

async function runAction(action: Action, options: LocalKafkaOptions): Promise<number> {
  switch (action) {
    case 'start': {
      const r = await startLocalKafka({ ...options, log: (line) => console.log(`kafka: ${line}`) });
      if (r.alreadyRunning) {
        console.log(`already running on ${r.brokers} (pid ${r.pid})`);
      } else {
        console.log(`Kafka ${KAFKA_VERSION} ready on ${r.brokers} (pid ${r.pid}) in ${seconds(r.elapsedMs)}`);
        console.log(`  bootstrap: ${r.brokers}   log: ${r.logFile}`);
        console.log(`  stop with: fenceline kafka stop --port ${r.port}`);
      }
      return 0;
    }
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
    };
    try {
      return await runAction(action, options);
    } catch (err) {
      if (err instanceof LocalKafkaError || err instanceof RangeError) {
        console.error(`fenceline kafka ${action}: ${err.message}`);
        return 1;
      }
      throw err;
    }
  },
};
