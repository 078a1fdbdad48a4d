import type { SimResponse, SimulatorControl, SimulatorStore } from "../contract.js";
import { escapeHtml } from "./http.js";

/**
 * Plumbing every simulator needs, generic on purpose: the `_control` switch (SPEC §14), the
 * timer that runs `tick()`, a queue of callbacks delivered with retries, the webhook URL a
 * sandbox account is configured with, and the plain-HTML approve/decline/cancel page.
 */

export function newControl(): SimulatorControl {
  return { down: false, latencyMs: 0, dropCallbacks: false };
}

/** `POST …/_control {down, latency_ms, drop_callbacks}`: updates `control` and answers it. */
export function applyControl(control: SimulatorControl, body: unknown): SimResponse {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.down === "boolean") control.down = b.down;
  if (typeof b.latency_ms === "number") control.latencyMs = Math.max(0, Math.min(b.latency_ms, 120_000));
  if (typeof b.drop_callbacks === "boolean") control.dropCallbacks = b.drop_callbacks;
  return { status: 200, body: { down: control.down, latency_ms: control.latencyMs, drop_callbacks: control.dropCallbacks } };
}

/** Runs `tick` after a delay; a failed sweep is logged, never an unhandled rejection. */
export function createTickTimer(tick: () => Promise<void>, log?: (msg: string, fields?: Record<string, unknown>) => void) {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  return {
    get stopped() {
      return stopped;
    },
    schedule(ms: number) {
      if (stopped) return;
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          tick().catch((err: unknown) => log?.("sandbox tick failed", { err: String(err) }));
        },
        Math.min(ms, 2 ** 31 - 1000) + 5,
      );
      timer.unref();
      timers.add(timer);
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}

/**
 * Where a sandbox account's webhooks go. Real providers (Stripe, PayPal, PawaPay) take the
 * webhook URL from account settings, not from each request: the sandbox account is set up
 * with ZeroFee's inbound route, `/v1/webhooks/providers/<name>` beside `/sandbox/<name>`.
 */
export function accountWebhookUrl(publicBaseUrl: string): string {
  const url = new URL(publicBaseUrl);
  const m = /^(.*)\/sandbox\/([^/]+)\/?$/.exec(url.pathname);
  if (!m) throw new Error(`not a sandbox base URL: ${publicBaseUrl}`);
  url.pathname = `${m[1]}/v1/webhooks/providers/${m[2]}`;
  return url.toString();
}

/** Callbacks owed by one record, oldest first; signed when sent (signatures carry a time). */
export interface Outbox {
  outbox?: string[];
  callback_attempts?: number;
}

export const MAX_CALLBACK_ATTEMPTS = 5;

/**
 * Sends what `rec` owes, in order. Returns in how many ms the record is due again (a failed
 * delivery backs off 2 s, 4 s, 8 s…; a body is given up after `MAX_CALLBACK_ATTEMPTS`), or
 * null when nothing is left. `drop` (the `drop_callbacks` switch) discards the queue.
 */
export async function flushOutbox(rec: Outbox, url: string, headers: (body: string) => Record<string, string>, drop: boolean): Promise<number | null> {
  if (drop) rec.outbox = [];
  while (rec.outbox && rec.outbox.length > 0) {
    const body = rec.outbox[0] as string;
    let delivered = false;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers(body) },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(10_000),
      });
      delivered = res.status >= 200 && res.status < 300;
    } catch {
      delivered = false;
    }
    if (!delivered) {
      rec.callback_attempts = (rec.callback_attempts ?? 0) + 1;
      if (rec.callback_attempts < MAX_CALLBACK_ATTEMPTS) return 1000 * 2 ** rec.callback_attempts;
    }
    rec.outbox.shift();
    rec.callback_attempts = 0;
  }
  return null;
}

/**
 * Delivers a claimed record's callbacks, then applies that progress to the record as it is
 * stored *now*: while a callback was in flight the customer (or a capture, a refund) may have
 * changed it, and saving the claimed snapshot back would undo that. Returns the record to
 * save and when it is due next.
 */
export async function deliverClaimed<R extends Outbox>(
  claimed: R,
  reload: () => Promise<R | null>,
  send: (rec: Outbox) => Promise<number | null>,
): Promise<{ rec: R; dueInMs: number | null }> {
  const before = claimed.outbox?.length ?? 0;
  const progress: Outbox = { outbox: [...(claimed.outbox ?? [])], callback_attempts: claimed.callback_attempts ?? 0 };
  const retryIn = await send(progress);
  const sent = before - (progress.outbox?.length ?? 0);
  const rec = (await reload()) ?? claimed;
  rec.outbox = (rec.outbox ?? []).slice(sent);
  rec.callback_attempts = progress.callback_attempts ?? 0;
  // Bodies queued meanwhile are owed at once; a failure keeps its back-off.
  const dueInMs = rec.outbox.length === 0 ? null : (retryIn ?? 0);
  return { rec, dueInMs };
}

/**
 * One `tick()` of a simulator whose records carry an `Outbox`: claims the due records, lets
 * `onDue` change each as it is stored now (a deadline passed: it may queue a callback), sends
 * their callbacks to `url` (signed by `headers`), and saves each with its next due time.
 */
export async function deliverDue<R extends Outbox>(io: {
  store: SimulatorStore;
  load: (id: string) => Promise<R | null>;
  save: (rec: R, dueInMs: number | null) => Promise<void>;
  url: string;
  headers: (body: string) => Record<string, string>;
  drop: boolean;
  /** Returns true when it changed the record. */
  onDue?: (rec: R) => boolean;
}): Promise<void> {
  for (const { id, data } of await io.store.claimDue(new Date())) {
    let claimed = data as unknown as R;
    if (io.onDue) {
      const fresh = (await io.load(id)) ?? claimed;
      // Saved before sending, due again after a lease, so a crash mid-delivery loses nothing.
      if (io.onDue(fresh)) await io.save(fresh, 10_000);
      claimed = fresh;
    }
    const { rec, dueInMs } = await deliverClaimed(
      claimed,
      () => io.load(id),
      (progress) => flushOutbox(progress, io.url, io.headers, io.drop),
    );
    await io.save(rec, dueInMs);
  }
}

export interface ActionPage {
  title: string;
  /** Lines of text shown above the form (escaped here). */
  lines: readonly string[];
  /** Absolute URL the form posts to. */
  action: string;
  /** State of the flow, carried in hidden inputs (no cookies). */
  hidden: Record<string, string>;
  /** Visible inputs, name → pre-filled value (e.g. `card_number`). */
  inputs?: Record<string, { label: string; value: string }>;
}

/**
 * A sandbox page usable without JavaScript: one `<form method="post">`, three submit buttons
 * `data-action="approve|decline|cancel"` inside it, no `formaction` (SPEC §14).
 */
export function actionPage(page: ActionPage): SimResponse {
  const hidden = Object.entries(page.hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("\n");
  const inputs = Object.entries(page.inputs ?? {})
    .map(([k, f]) => `<label>${escapeHtml(f.label)} <input name="${escapeHtml(k)}" value="${escapeHtml(f.value)}" autocomplete="off"></label>`)
    .join("\n");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui;max-width:28rem;margin:3rem auto">
<h1>${escapeHtml(page.title)}</h1>
${page.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("\n")}
<form method="post" action="${escapeHtml(page.action)}">
${inputs}
${hidden}
<button type="submit" name="action" value="approve" data-action="approve">Approve</button>
<button type="submit" name="action" value="decline" data-action="decline">Decline</button>
<button type="submit" name="action" value="cancel" data-action="cancel">Cancel</button>
</form></body></html>`;
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: html };
}

/** HTTP 303 to `location` (what a provider page does once the customer acted). */
export const seeOther = (location: string): SimResponse => ({ status: 303, headers: { location } });
