import type { Config } from "../../config.js";
import type { Clock } from "../../lib/clock.js";

export type HealthState = "healthy" | "cooling_down";

export interface HealthSnapshot {
  provider: string;
  livemode: boolean;
  state: HealthState;
  calls: number;
  errors: number;
  /** Errors / calls over the window, 0..1 (null before any call). */
  error_rate: number | null;
  cooldown_until: string | null;
}

/**
 * Health-aware routing (SPEC §5): per provider and mode, the outcome of every call over a
 * sliding window. Once at least `minCalls` calls were made and `errorPct` % of them failed
 * (timeouts, 5xx, "provider down"), the provider cools down: routing tries it only after
 * every healthy candidate, until the cool-down ends and the window starts afresh.
 *
 * Kept in memory, per process: each API replica judges from what it sees, as circuit breakers
 * do; nothing about one payment depends on it, only the order candidates are tried in.
 */
export class ProviderHealth {
  /** Per provider and mode: one bucket per second of the window, oldest first (bounded by `windowS`). */
  private readonly buckets = new Map<string, Array<{ second: number; calls: number; errors: number }>>();
  private readonly cooldowns = new Map<string, number>();

  constructor(
    private readonly config: Config["providerHealth"],
    private readonly clock: Clock,
  ) {}

  private key = (provider: string, livemode: boolean) => `${livemode ? "live" : "test"}:${provider}`;

  /** The window's buckets, dropping those that slid out of it. */
  private window(key: string, nowMs: number) {
    const from = Math.floor(nowMs / 1000) - this.config.windowS;
    const list = this.buckets.get(key) ?? [];
    while (list.length && (list[0]?.second ?? 0) <= from) list.shift();
    this.buckets.set(key, list);
    return list;
  }

  private totals(key: string, nowMs: number) {
    let calls = 0;
    let errors = 0;
    for (const b of this.window(key, nowMs)) {
      calls += b.calls;
      errors += b.errors;
    }
    return { calls, errors };
  }

  record(provider: string, livemode: boolean, error: boolean): void {
    const key = this.key(provider, livemode);
    const now = this.clock.now().getTime();
    const list = this.window(key, now);
    const second = Math.floor(now / 1000);
    let last = list.at(-1);
    if (last?.second !== second) {
      last = { second, calls: 0, errors: 0 };
      list.push(last);
    }
    last.calls += 1;
    if (error) last.errors += 1;
    if (this.isCoolingDown(provider, livemode)) return;
    const { calls, errors } = this.totals(key, now);
    if (calls >= this.config.minCalls && errors * 100 >= this.config.errorPct * calls) {
      this.cooldowns.set(key, now + this.config.cooldownS * 1000);
    }
  }

  isCoolingDown(provider: string, livemode: boolean): boolean {
    const key = this.key(provider, livemode);
    const until = this.cooldowns.get(key);
    if (until === undefined) return false;
    if (this.clock.now().getTime() < until) return true;
    // Cool-down over: judge afresh from new calls only.
    this.cooldowns.delete(key);
    this.buckets.set(key, []);
    return false;
  }

  snapshot(provider: string, livemode: boolean): HealthSnapshot {
    const key = this.key(provider, livemode);
    const cooling = this.isCoolingDown(provider, livemode);
    const { calls, errors } = this.totals(key, this.clock.now().getTime());
    const until = this.cooldowns.get(key);
    return {
      provider,
      livemode,
      state: cooling ? "cooling_down" : "healthy",
      calls,
      errors,
      error_rate: calls ? errors / calls : null,
      cooldown_until: cooling && until !== undefined ? new Date(until).toISOString() : null,
    };
  }
}
