/**
 * A per-state-dir lock held for the whole of `start` (format, spawn, readiness). Without it, the
 * test global setup and a developer's `fenceline kafka start` on the same port could both format
 * and spawn, and the loser would die with "address in use" after having overwritten the pid file.
 * The lock file holds the owner's pid; a lock whose owner is dead is taken over.
 */
import { readFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidAlive } from './broker-state.js';
import { LocalKafkaError } from './errors.js';

export interface StartLock {
  release(): Promise<void>;
}

export async function acquireStartLock(lockFile: string, timeoutMs: number): Promise<StartLock> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(lockFile, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(lockFile);
    if (owner !== undefined && !pidAlive(owner)) {
      await rm(lockFile, { force: true }); // The owner crashed mid-start.
      continue;
    }
    if (owner === undefined && Date.now() > deadline) {
      await rm(lockFile, { force: true }); // Owner died between creating and writing the file.
      continue;
    }
    if (owner !== undefined && Date.now() > deadline) {
      throw new LocalKafkaError(
        'FL_KAFKA_LOCKED',
        `another start (pid ${owner}) holds ${lockFile} and did not finish in time`,
      );
    }
    await sleep(250);
  }
}

function readOwner(lockFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
