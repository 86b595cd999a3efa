/**
 * Brokers started for a test run live in throwaway state dirs under os.tmpdir(). If the run is
 * killed before its teardown, the detached JVM would keep running (and eating one of our two
 * cores) forever. Each such dir records the pid of the test process that owns it; the next run
 * stops brokers whose owner is gone and deletes their dirs.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from '../../src/local-kafka/broker-state.js';
import { stopLocalKafka } from '../../src/local-kafka/index.js';

/** Prefixes of state dirs that tests create (global setup, CLI lifecycle test). */
export const TEST_STATE_PREFIXES = ['fenceline-it-kafka-', 'fenceline-cli-kafka-'] as const;
const OWNER_FILE = 'owner.pid';

export async function markOwner(stateDir: string): Promise<void> {
  await writeFile(join(stateDir, OWNER_FILE), String(process.pid));
}

/** Returns the state dirs it cleaned up. */
export async function reapOrphanBrokers(root = tmpdir()): Promise<string[]> {
  const reaped: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!TEST_STATE_PREFIXES.some((p) => name.startsWith(p))) continue;
    const stateDir = join(root, name);
    const owner = Number.parseInt(await readFile(join(stateDir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    // No owner file: a dir another run is still setting up, or not ours to judge. Leave it.
    if (!Number.isFinite(owner) || pidAlive(owner)) continue;
    await stopLocalKafka({ stateDir, stopTimeoutMs: 20_000 }).catch(() => {});
    await rm(stateDir, { recursive: true, force: true });
    reaped.push(stateDir);
  }
  return reaped;
}
