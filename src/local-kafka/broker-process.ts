/**
 * Launching and stopping the broker JVM. It runs detached in its own process group with output
 * to a file, so it outlives the `fenceline kafka start` that launched it and never holds the
 * caller's terminal. Stopping signals the whole group: SIGTERM first (controlled shutdown, which
 * flushes and closes the logs cleanly), SIGKILL only if it does not exit in time.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { JVM_OPTIONS } from './broker-config.js';
import { pidAlive } from './broker-state.js';
import type { StateLayout } from './paths.js';

export interface SpawnOptions {
  java: string;
  classpath: string;
  layout: StateLayout;
}

export function brokerArgs({ classpath, layout }: Omit<SpawnOptions, 'java'>): string[] {
  return [
    ...JVM_OPTIONS,
    `-Dkafka.logs.dir=${layout.logsDir}`,
    `-Dlog4j2.configurationFile=${layout.log4jProperties}`,
    '-cp',
    classpath,
    'kafka.Kafka',
    layout.serverProperties,
  ];
}

/** Starts the broker and returns its pid (which is also its process group id). */
export function spawnBroker(options: SpawnOptions): Promise<number> {
  const out = openSync(options.layout.consoleLog, 'a');
  try {
    const child = spawn(options.java, brokerArgs(options), {
      detached: true,
      stdio: ['ignore', out, out],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve(child.pid!);
      });
    });
  } finally {
    closeSync(out); // The child has its own copy of the descriptor.
  }
}

/** Signal the broker's process group (it is detached: its own group), else the pid alone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Not a group leader (started by an older version, or the group is already gone).
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
  return true;
}

export interface StopOutcome {
  /** True when SIGTERM was not enough and SIGKILL was sent. */
  killed: boolean;
  exited: boolean;
}

export async function stopBrokerProcess(pid: number, graceMs = 60_000): Promise<StopOutcome> {
  signalGroup(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return { killed: false, exited: true };
  signalGroup(pid, 'SIGKILL');
  return { killed: true, exited: await waitForExit(pid, 10_000) };
}
