import type { SimRequest, SimResponse, SimulatorControl, SimulatorOptions } from "../contract.js";
import { escapeHtml, sleep } from "./http.js";

/** Callback deliveries a simulator makes before giving up (the first one included). */
export const CALLBACK_MAX_ATTEMPTS = 5;

/** Delay before the next delivery after `attempts` failed ones: 2 s, 4 s, 8 s… */
export const callbackRetryDelayMs = (attempts: number) => 1000 * 2 ** attempts;

/**
 * The plumbing every simulator shares: the `_control` switches (SPEC §14), injected latency,
 * and timers that wake `tick()` when a stored record falls due. State stays in the store;
 * timers are only a wake-up call (the host also sweeps on its own timer and at start).
 */
export function createSimRuntime(opts: SimulatorOptions, tick: () => Promise<void>) {
  const control: SimulatorControl = { down: false, latencyMs: 0, dropCallbacks: false };
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      // A failed sweep (database blip) must not become an unhandled rejection, which would
      // kill the whole process; the host's periodic sweep picks the record up again.
      tick().catch((err: unknown) => opts.log?.("sandbox tick failed", { err: String(err) }));
    }, ms + 5);
    timer.unref();
    timers.add(timer);
  };

  return {
    control,
    get stopped() {
      return stopped;
    },
    /** Stores a record, due again in `dueInMs` (null: nothing pending). */
    async put(id: string, data: object, dueInMs: number | null) {
      await opts.store.put(id, data as Record<string, unknown>, dueInMs === null ? null : new Date(Date.now() + dueInMs));
      if (dueInMs !== null) schedule(dueInMs);
    },
    /** `POST /_control {down, latency_ms, drop_callbacks}`: answers it, or null for any other path. */
    handleControl(req: SimRequest): SimResponse | null {
      if (req.method !== "POST" || req.path.replace(/\/+$/, "") !== "/_control") return null;
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.down === "boolean") control.down = b.down;
      if (typeof b.latency_ms === "number") control.latencyMs = Math.max(0, Math.min(b.latency_ms, 120_000));
      if (typeof b.drop_callbacks === "boolean") control.dropCallbacks = b.drop_callbacks;
      return { status: 200, body: { down: control.down, latency_ms: control.latencyMs, drop_callbacks: control.dropCallbacks } };
    },
    async delay() {
      if (control.latencyMs > 0) await sleep(control.latencyMs);
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/** POSTs a callback; true only for a 2xx. Redirects are not followed. */
export async function postCallback(url: string, body: string, headers: Record<string, string>): Promise<boolean> {
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(10_000) });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/**
 * A sandbox redirect page (SPEC §14): a plain HTML form, no cookies, no JavaScript, state in
 * hidden inputs, three buttons with `data-action`; a card page pre-fills the success card.
 */
export function redirectPage(p: { title: string; summary: string; action: string; hidden: Record<string, string>; card?: boolean }): SimResponse {
  const hidden = Object.entries(p.hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
  const card = p.card ? '<p><label>Card number <input name="card_number" value="4242 4242 4242 4242" autocomplete="off"></label></p>' : "";
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(p.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui;max-width:28rem;margin:3rem auto">
<h1>${escapeHtml(p.title)}</h1><p>${escapeHtml(p.summary)}</p>
<form method="post" action="${escapeHtml(p.action)}">${card}${hidden}
<button type="submit" name="action" value="approve" data-action="approve">Approve</button>
<button type="submit" name="action" value="decline" data-action="decline">Decline</button>
<button type="submit" name="action" value="cancel" data-action="cancel">Cancel</button>
</form></body></html>`;
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: html };
}
