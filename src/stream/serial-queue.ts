/**
 * Runs async tasks one at a time, in submission order. Each owned partition has one, so a
 * NO_SIGNAL sweep never interleaves with a batch on the same transactional producer (kafkajs
 * idempotent producers lose or reorder data under concurrent sends).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.tail.then(task, task);
    // The queue keeps going whatever a task does; the caller sees the task's own outcome.
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every task submitted so far has settled. */
  drain(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
