/**
 * Login rate limit: failed attempts counted per client address and per user name in a fixed
 * window; at the limit every further attempt (right or wrong) is refused with 429 until the
 * window ends, so guessing is capped at maxFailures per window whichever key it rotates.
 * Pure bookkeeping with the time passed in.
 */
export class LoginLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until a blocked key may try again, or 0 when it may try now. */
  retryAfterMs(keys: readonly string[], now: number): number {
    let wait = 0;
    for (const key of keys) {
      const w = this.windows.get(key);
      if (w === undefined) continue;
      if (now - w.start >= this.windowMs) {
        this.windows.delete(key);
        continue;
      }
      if (w.failures >= this.maxFailures) wait = Math.max(wait, w.start + this.windowMs - now);
    }
    return wait;
  }

  fail(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const w = this.windows.get(key);
      if (w === undefined || now - w.start >= this.windowMs)
        this.windows.set(key, { start: now, failures: 1 });
      else w.failures += 1;
    }
  }

  sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
