/**
 * Ctrl-C (SIGINT) or a kill (SIGTERM) ends a bench through process.exit, so its 'exit' handlers
 * run: a throw-away broker (src/local-kafka/acquire-brokers.ts) is killed and its state removed
 * instead of outliving the bench. Node's default for both signals ends the process without them.
 */
export function exitOnSignals(): void {
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
}
