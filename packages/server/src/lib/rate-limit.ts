import { type Clock, systemClock } from "./clock.js";

/**
 * Fixed-window counters in memory, per process. Enough for per-key and per-IP limits on one
 * instance; several API replicas each enforce their own share.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private sweeps = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** The server's clock (tests move it instead of waiting). */
    private readonly clock: Clock = systemClock,
  ) {}

  /** Counts one hit; returns the seconds to wait when over the limit, else 0. */
  hit(key: string): number {
    if (this.limit <= 0) return 0;
    const now = this.clock.now().getTime();
    if (++this.sweeps % 10_000 === 0) this.sweep(now);
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return 0;
    }
    w.count += 1;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }

  /** Takes back one hit of the current window (an attempt that turned out not to count). */
  undo(key: string): void {
    const w = this.windows.get(key);
    if (w && w.count > 0 && this.clock.now().getTime() - w.start < this.windowMs) w.count -= 1;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}

/** Requests in flight per key: one noisy key cannot hold every worker. */
export class InFlight {
  private readonly counts = new Map<string, number>();
  constructor(private readonly limit: number) {}
  enter(key: string): boolean {
    if (this.limit <= 0) return true;
    const n = this.counts.get(key) ?? 0;
    if (n >= this.limit) return false;
    this.counts.set(key, n + 1);
    return true;
  }
  leave(key: string): void {
    const n = (this.counts.get(key) ?? 1) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}
