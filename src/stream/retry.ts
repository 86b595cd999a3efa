/**
 * Retry for start-up and restore calls that meet transient broker states kafkajs' own retrier
 * sometimes lets through, e.g. NOT_LEADER_FOR_PARTITION from ListOffsets on a topic created a
 * moment ago, or "coordinator not available" right after a broker restart. Only errors kafkajs
 * marks retriable are retried; anything else (bad config, missing topic) fails at once.
 */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 10): Promise<T> {
  let delay = 200;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const retriable = (err as { retriable?: unknown }).retriable === true;
      if (!retriable || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 3000);
    }
  }
}
