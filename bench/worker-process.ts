/**
 * The bench's side of bench/worker-child.ts: fork a worker into its own process, follow its
 * reports, stop it. A worker that fails, or exits before it is asked to, fails the bench run.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReport } from './worker-child.js';

const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

export interface ForkedWorker {
  /** Resolves when the worker's tables have caught up and it consumes pings. */
  readonly started: Promise<void>;
  /** Rejects when the worker fails or exits unasked (never resolves). */
  readonly failed: Promise<never>;
  /** Graceful stop (current batch committed, group left); kills it after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function forkWorker(
  env: Record<string, string | undefined>,
  onBatch: (processed: number, samples: ReadonlyArray<{ at: number; ms: number }>) => void,
): ForkedWorker {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
  const child: ChildProcess = fork(CHILD, [], {
    env: childEnv,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let stopping = false;
  let exited = false;
  let markStarted!: () => void;
  let fail!: (err: Error) => void;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined); // observed by whoever races it
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      if (!stopping) fail(new Error(`bench worker exited unasked (code ${code}, signal ${signal})`));
      resolve();
    }),
  );
  child.on('message', (m: ChildReport) => {
    switch (m.kind) {
      case 'started':
        markStarted();
        break;
      case 'batch':
        onBatch(m.processed, m.samples);
        break;
      case 'failed':
        fail(new Error(`bench worker failed: ${m.message}`));
        break;
      case 'stopped':
        break;
    }
  });
  return {
    started: Promise.race([started, failed]),
    failed,
    async stop(graceMs = 15_000) {
      stopping = true;
      if (exited) return;
      if (child.connected) child.send('stop');
      else child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
