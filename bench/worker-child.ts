/**
 * A worker in its own process for the latency bench, as it runs in production: alone on its
 * event loop, not sharing a thread with the bench's simulator, publisher and side consumers.
 *
 * The parent forks this file with the worker's environment (the same variables `fenceline
 * worker` reads). Over IPC it reports { started } once, then per committed batch { processed,
 * samples } (the worker's own append → commit latency of each alert, ms, with when it was taken),
 * and { stopped } after a 'stop' message or SIGTERM has stopped the worker.
 */
import pino from 'pino';
import { createLogger, loadConfig } from '../src/ops/index.js';
import { startWorker } from '../src/ops/worker-runtime.js';
import { type BatchCommittedEvent, STREAM_EVENTS } from '../src/stream/events.js';

export type ChildReport =
  | { kind: 'started' }
  | { kind: 'batch'; processed: number; samples: Array<{ at: number; ms: number }> }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped' };

function send(r: ChildReport): void {
  process.send?.(r);
}

if (process.send === undefined) throw new Error('bench/worker-child.ts runs only forked by the bench (IPC)');

const worker = await startWorker(loadConfig(process.env), {
  logger: createLogger({ level: 'fatal', name: 'bench-worker', destination: pino.destination(2) }),
  onFatal: (err) => send({ kind: 'failed', message: err.message }),
});
worker.events.on(STREAM_EVENTS.batchCommitted, (e: BatchCommittedEvent) => {
  let processed = 0;
  for (const v of Object.values(e.outcomes)) processed += v;
  const at = Date.now();
  const samples: Array<{ at: number; ms: number }> = [];
  for (const s of e.alerts)
    if (Number.isFinite(s.fromAppendS)) samples.push({ at, ms: s.fromAppendS * 1000 });
  send({ kind: 'batch', processed, samples });
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  send({ kind: 'stopped' });
  process.disconnect?.();
  process.exit(0);
};
process.on('message', (m) => {
  if (m === 'stop') void stop();
});
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop()); // the bench went away: do not linger
try {
  await worker.started;
  send({ kind: 'started' });
} catch (err) {
  send({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  await stop();
}
