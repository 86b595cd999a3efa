/**
 * The pid file: one JSON document per state dir recording what `start` launched. A record whose
 * process is gone, or whose pid now belongs to some other program, is stale and is ignored.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

export interface BrokerState {
  pid: number;
  port: number;
  controllerPort: number;
  /** ISO timestamp of the spawn, for `status` uptime. */
  startedAt: string;
  kafkaVersion: string;
  serverProperties: string;
  serverLog: string;
  /** A secured (SASL_SSL + ACLs) broker: readiness must log in as the admin user. */
  secure?: boolean;
}

export async function readBrokerState(stateFile: string): Promise<BrokerState | undefined> {
  let text: string;
  try {
    text = await readFile(stateFile, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<BrokerState>;
    if (typeof parsed.pid !== 'number' || typeof parsed.port !== 'number') return undefined;
    return parsed as BrokerState;
  } catch {
    return undefined; // A torn write from a crash: treat as no record.
  }
}

/** Written to a temp name and renamed, so readers never see half a record. */
export async function writeBrokerState(stateFile: string, state: BrokerState): Promise<void> {
  const tmp = `${stateFile}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, stateFile);
}

export async function removeBrokerState(stateFile: string): Promise<void> {
  await rm(stateFile, { force: true });
}

/** True while `pid` runs. A zombie (exited, not yet reaped by its parent) counts as gone. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone. EPERM: exists but belongs to another user, so it is not a broker we started.
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may contain spaces.
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return !existsSync('/proc/self/stat'); // No /proc (macOS): kill(0) is all we can know.
  }
}

/**
 * True when `pid` is alive AND is the broker this record describes. After a reboot the pid may
 * be reused by an unrelated program; on Linux /proc lets us check the command line names our
 * server.properties. Elsewhere liveness alone has to do.
 */
export function isOurBroker(state: BrokerState): boolean {
  if (!pidAlive(state.pid)) return false;
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${state.pid}/cmdline`, 'utf8');
  } catch {
    // No /proc at all (macOS): liveness is all we can know. With /proc, it just exited.
    return !existsSync('/proc/self/cmdline');
  }
  return cmdline.includes('kafka.Kafka') && cmdline.includes(state.serverProperties);
}
