/**
 * One queue per endpoint, each with its own limit of attempts in flight, so an endpoint that
 * answers slowly (or not at all, until the timeout) only ever holds its own slots: another
 * endpoint's attempts, and this endpoint's other alerts' timers, never wait behind it.
 */
export class EndpointQueue {
  private inFlight = 0;
  private readonly waiting: Array<(go: boolean) => void> = [];

  constructor(private readonly maxInFlight: number) {}

  /** Attempts waiting for a slot. */
  get depth(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.inFlight;
  }

  /** Runs `task` when a slot is free; resolves undefined without running it if the queue was cleared. */
  async run<T>(task: () => Promise<T>): Promise<T | undefined> {
    if (this.inFlight >= this.maxInFlight) {
      const go = await new Promise<boolean>((resolve) => this.waiting.push(resolve));
      if (!go) return undefined;
    } else {
      this.inFlight++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter (inFlight unchanged), else release it.
      if (next) next(true);
      else this.inFlight--;
    }
  }

  /** Release every waiter without running it (shutdown). */
  clear(): void {
    // A waiter holds no slot yet, so releasing it changes no count.
    for (const w of this.waiting.splice(0)) w(false);
  }
}
