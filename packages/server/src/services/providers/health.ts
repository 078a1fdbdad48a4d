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
  private readonly samples = new Map<string, Array<{ at: number; error: boolean }>>();
  private readonly cooldowns = new Map<string, number>();

  constructor(
    private readonly config: Config["providerHealth"],
    private readonly clock: Clock,
  ) {}

  private key = (provider: string, livemode: boolean) => `${livemode ? "live" : "test"}:${provider}`;

  private window(key: string, now: number) {
    const from = now - this.config.windowS * 1000;
    const list = (this.samples.get(key) ?? []).filter((s) => s.at > from);
    this.samples.set(key, list);
    return list;
  }

  record(provider: string, livemode: boolean, error: boolean): void {
    const key = this.key(provider, livemode);
    const now = this.clock.now().getTime();
    const list = this.window(key, now);
    list.push({ at: now, error });
    if (this.isCoolingDown(provider, livemode)) return;
    const errors = list.filter((s) => s.error).length;
    if (list.length >= this.config.minCalls && errors * 100 >= this.config.errorPct * list.length) {
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
    this.samples.set(key, []);
    return false;
  }

  snapshot(provider: string, livemode: boolean): HealthSnapshot {
    const key = this.key(provider, livemode);
    const cooling = this.isCoolingDown(provider, livemode);
    const list = this.window(key, this.clock.now().getTime());
    const errors = list.filter((s) => s.error).length;
    const until = this.cooldowns.get(key);
    return {
      provider,
      livemode,
      state: cooling ? "cooling_down" : "healthy",
      calls: list.length,
      errors,
      error_rate: list.length ? errors / list.length : null,
      cooldown_until: cooling && until !== undefined ? new Date(until).toISOString() : null,
    };
  }
}
