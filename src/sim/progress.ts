/**
 * Progress on stderr: a redrawn bar on a terminal, a plain line every 10 s otherwise (CI logs,
 * pipes), nothing when disabled. Never on stdout, which may carry data.
 */
export class Progress {
  private lastDraw = 0;
  private readonly tty: boolean;
  private readonly t0 = Date.now();

  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = stream.isTTY === true;
  }

  /** fraction in [0, 1]; `detail` is a short status such as "1.2M pings, 95k/s". */
  update(fraction: number, detail: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < (this.tty ? 200 : 10_000)) return;
    this.lastDraw = now;
    const pct = Math.max(0, Math.min(1, fraction));
    if (this.tty) {
      const width = 30;
      const full = Math.round(pct * width);
      this.stream.write(
        `\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(pct * 100).toFixed(0).padStart(3)}% ${detail}\x1b[K`,
      );
    } else {
      this.stream.write(`${(pct * 100).toFixed(0)}% ${detail} (${((now - this.t0) / 1000).toFixed(0)} s)\n`);
    }
  }

  done(detail: string): void {
    if (!this.enabled) return;
    this.stream.write(this.tty ? `\r${detail}\x1b[K\n` : `${detail}\n`);
  }
}

export function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}
