import type { SimRequest, SimResponse, SimulatorControl, SimulatorOptions } from "../contract.js";

/**
 * Plumbing every simulator needs and none should copy: the `_control` switch (SPEC §14),
 * a timer that wakes `tick()` when a record falls due, and callback delivery with a retry
 * schedule. Provider-specific wire formats stay in each provider's folder.
 */

/** `POST /_control` `{down, latency_ms, drop_callbacks}`: updates `control`, answers its state. */
export function applyControl(control: SimulatorControl, req: SimRequest): SimResponse {
  const b = (req.body ?? {}) as Record<string, unknown>;
  if (typeof b.down === "boolean") control.down = b.down;
  if (typeof b.latency_ms === "number" && Number.isFinite(b.latency_ms)) control.latencyMs = Math.max(0, Math.min(b.latency_ms, 120_000));
  if (typeof b.drop_callbacks === "boolean") control.dropCallbacks = b.drop_callbacks;
  return { status: 200, body: { down: control.down, latency_ms: control.latencyMs, drop_callbacks: control.dropCallbacks } };
}

export function isControlRequest(req: SimRequest): boolean {
  return req.method === "POST" && req.path.replace(/\/+$/, "") === "/_control";
}

export interface SimScheduler {
  /** Saves a record and, when `dueInMs` is set, wakes `tick()` once it falls due. */
  save(id: string, data: object, dueInMs: number | null): Promise<void>;
  readonly stopped: boolean;
  stop(): void;
}

/** A store writer plus timers that call `tick` when a record falls due (the host also sweeps). */
export function createScheduler(opts: SimulatorOptions, tick: () => Promise<void>): SimScheduler {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const wake = (ms: number) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      // A failed sweep (database blip) must not become an unhandled rejection, which would
      // kill the process; the host's periodic sweep picks the record up again.
      tick().catch((err: unknown) => opts.log?.("sandbox tick failed", { err: String(err) }));
    }, ms + 5);
    timer.unref();
    timers.add(timer);
  };
  return {
    async save(id, data, dueInMs) {
      await opts.store.put(id, data as Record<string, unknown>, dueInMs === null ? null : new Date(Date.now() + dueInMs));
      if (dueInMs !== null) wake(dueInMs);
    },
    get stopped() {
      return stopped;
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/** Callback attempts before a simulator gives up (a real provider's retries, compressed). */
export const CALLBACK_MAX_ATTEMPTS = 5;

/** Delay before retry `attempt` (1-based): 2 s, 4 s, 8 s, … */
export function callbackRetryMs(attempt: number): number {
  return 1000 * 2 ** attempt;
}

/** POSTs one callback; true when the receiver answered 2xx. */
export async function deliverCallback(url: string, body: string, headers: Record<string, string>): Promise<boolean> {
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}
