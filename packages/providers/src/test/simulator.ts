import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse, Simulator, SimulatorControl, SimulatorOptions } from "../contract.js";
import { escapeHtml, header, sleep } from "../sandbox/http.js";
import { signPayload } from "../sandbox/signature.js";
import { MAX_OTP_ATTEMPTS, outcomeForPhone, SANDBOX_OTP } from "../sandbox/test-numbers.js";
import { type Collection, CollectionRequest, isRedirectMethod, type TestStatus } from "./wire.js";

interface Record_ extends Collection {
  method: string;
  phone: string | null;
  callback_url: string;
  return_url: string;
  otp_attempts: number;
  /** Status the simulated customer will reach when the record falls due. */
  due_status: TestStatus | null;
  /** A callback is owed for the current status. */
  notify: boolean;
  callback_attempts: number;
  /** Refunds made, by our refund reference (idempotent). */
  refunds?: Record<string, string>;
}

const publicView = (r: Record_): Collection => ({
  id: r.id,
  reference: r.reference,
  status: r.status,
  amount: r.amount,
  currency: r.currency,
  flow: r.flow,
  payment_url: r.payment_url,
  failure_reason: r.failure_reason,
});

const ok = (body: unknown, status = 200): SimResponse => ({ status, body });
const error = (status: number, code: string, message: string): SimResponse => ({ status, body: { error: code, message } });

/**
 * Sandbox of the `test` provider. State lives in the injected store, so a restart loses
 * nothing; confirmations and callbacks fire from `tick()`.
 */
export function createTestSimulator(opts: SimulatorOptions): Simulator {
  const control: SimulatorControl = { down: false, latencyMs: 0, dropCallbacks: false };
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const load = async (reference: string) => (await opts.store.get(reference)) as Record_ | null;
  const save = async (r: Record_, dueInMs: number | null) => {
    await opts.store.put(r.reference, r as unknown as Record<string, unknown>, dueInMs === null ? null : new Date(Date.now() + dueInMs));
    if (dueInMs !== null) schedule(dueInMs);
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      // A failed sweep (database blip) must not become an unhandled rejection, which would
      // kill the whole process; the app's periodic sweep picks the record up again.
      sim.tick().catch((err: unknown) => opts.log?.("sandbox tick failed", { err: String(err) }));
    }, ms + 5);
    timer.unref();
    timers.add(timer);
  };

  async function sendCallback(r: Record_): Promise<boolean> {
    const body = JSON.stringify({ event_id: `tevt_${r.reference}_${r.status}`, type: "collection.updated", data: publicView(r) });
    try {
      const res = await fetch(r.callback_url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-test-signature": signPayload(opts.webhookSecret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(10_000),
      });
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }

  async function create(req: SimRequest): Promise<SimResponse> {
    const parsed = CollectionRequest.safeParse(req.body);
    if (!parsed.success) return error(400, "INVALID_REQUEST", parsed.error.issues[0]?.message ?? "invalid");
    const input = parsed.data;
    const existing = await load(input.reference);
    // Our reference is idempotent: a repeat answers the same collection, flagged duplicate.
    if (existing) return ok({ ...publicView(existing), duplicate: true });
    const outcome = isRedirectMethod(input.method) ? "redirect" : outcomeForPhone(input.phone);
    if (outcome === "provider_error") return error(500, "INTERNAL_ERROR", "simulated provider failure");
    const id = `tcol_${randomBytes(10).toString("hex")}`;
    const base = opts.publicBaseUrl();
    const record: Record_ = {
      id,
      reference: input.reference,
      amount: input.amount,
      currency: input.currency,
      method: input.method,
      phone: input.phone ?? null,
      callback_url: input.callback_url,
      return_url: input.return_url,
      flow: outcome === "redirect" ? "redirect" : outcome === "otp" ? "otp" : "ussd_push",
      payment_url: outcome === "redirect" ? `${base}/pay/${encodeURIComponent(input.reference)}` : null,
      status: outcome === "otp" ? "OTP_REQUIRED" : "PENDING",
      failure_reason: null,
      otp_attempts: 0,
      due_status: outcome === "confirm" ? "SUCCESSFUL" : outcome === "fail" ? "FAILED" : null,
      notify: false,
      callback_attempts: 0,
    };
    await save(record, record.due_status ? opts.confirmMs : null);
    return ok(publicView(record), 201);
  }

  async function settle(r: Record_, status: TestStatus, reason: string | null): Promise<void> {
    r.status = status;
    r.failure_reason = reason;
    r.due_status = null;
    r.notify = true;
    r.callback_attempts = 0;
    await save(r, 0);
  }

  async function otp(r: Record_, body: unknown): Promise<SimResponse> {
    if (r.status !== "OTP_REQUIRED") return error(409, "NOT_AWAITING_OTP", "collection is not waiting for an OTP");
    const code = (body as { otp?: unknown } | null)?.otp;
    if (code === SANDBOX_OTP) {
      await settle(r, "SUCCESSFUL", null);
      return ok(publicView(r));
    }
    r.otp_attempts += 1;
    if (r.otp_attempts >= MAX_OTP_ATTEMPTS) await settle(r, "FAILED", "too many wrong OTPs");
    else await save(r, null);
    return ok(publicView(r), 422);
  }

  async function cancel(r: Record_): Promise<SimResponse> {
    if (r.status === "PENDING" || r.status === "OTP_REQUIRED") {
      // The simulated customer may still confirm at the very moment: cancel wins only if not due.
      await settle(r, "CANCELLED", null);
    }
    return ok(publicView(r));
  }

  async function refund(r: Record_, body: unknown): Promise<SimResponse> {
    const b = (body ?? {}) as { refund_reference?: unknown; amount?: unknown };
    if (r.status !== "SUCCESSFUL") return error(409, "NOT_REFUNDABLE", "only a successful collection can be refunded");
    if (typeof b.refund_reference !== "string" || typeof b.amount !== "number" || b.amount <= 0 || b.amount > r.amount) {
      return error(400, "INVALID_REQUEST", "refund_reference and an amount up to the collection's are required");
    }
    r.refunds ??= {};
    const id = r.refunds[b.refund_reference] ?? `tref_${randomBytes(10).toString("hex")}`;
    r.refunds[b.refund_reference] = id;
    await save(r, null);
    return ok({ id, refund_reference: b.refund_reference, amount: b.amount, status: "SUCCESSFUL" }, 201);
  }

  function payPage(r: Record_): SimResponse {
    const action = `${opts.publicBaseUrl()}/pay/${encodeURIComponent(r.reference)}`;
    const card = r.method === "PAYIN_CARD" ? '<label>Card number <input name="card_number" value="4242 4242 4242 4242" autocomplete="off"></label>' : "";
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider — pay</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui;max-width:28rem;margin:3rem auto">
<h1>ZeroFee test provider</h1><p>Pay <strong>${escapeHtml(String(r.amount))} ${escapeHtml(r.currency)}</strong> (${escapeHtml(r.method)})</p>
<form method="post" action="${escapeHtml(action)}">${card}
<input type="hidden" name="reference" value="${escapeHtml(r.reference)}">
<button type="submit" name="action" value="approve" data-action="approve">Approve</button>
<button type="submit" name="action" value="decline" data-action="decline">Decline</button>
<button type="submit" name="action" value="cancel" data-action="cancel">Cancel</button>
</form></body></html>`;
    return { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: html };
  }

  async function payAction(r: Record_, body: unknown): Promise<SimResponse> {
    const action = (body as { action?: unknown } | null)?.action;
    if (r.status === "PENDING") {
      if (action === "approve") await settle(r, "SUCCESSFUL", null);
      else if (action === "decline") await settle(r, "FAILED", "card declined");
      else if (action === "cancel") await settle(r, "CANCELLED", null);
      else return error(400, "INVALID_REQUEST", "unknown action");
    }
    const target = new URL(r.return_url);
    target.searchParams.set("reference", r.reference);
    return { status: 303, headers: { location: target.toString() } };
  }

  const sim: Simulator = {
    async handle(req) {
      const parts = req.path.split("/").filter(Boolean).map(decodeURIComponent);
      if (req.method === "POST" && parts[0] === "_control") {
        const b = (req.body ?? {}) as Record<string, unknown>;
        if (typeof b.down === "boolean") control.down = b.down;
        if (typeof b.latency_ms === "number") control.latencyMs = Math.max(0, Math.min(b.latency_ms, 120_000));
        if (typeof b.drop_callbacks === "boolean") control.dropCallbacks = b.drop_callbacks;
        return ok({ down: control.down, latency_ms: control.latencyMs, drop_callbacks: control.dropCallbacks });
      }
      if (parts[0] === "pay" && parts[1]) {
        const r = await load(parts[1]);
        if (!r) return error(404, "NOT_FOUND", "no such collection");
        return req.method === "GET" ? payPage(r) : payAction(r, req.body);
      }
      if (control.latencyMs > 0) await sleep(control.latencyMs);
      if (control.down) return error(503, "SERVICE_UNAVAILABLE", "provider unavailable, request not processed");
      if (!/^Bearer \S+/.test(header(req, "authorization") ?? "")) return error(401, "UNAUTHORIZED", "missing API key");
      if (parts[0] !== "v1" || parts[1] !== "collections") return error(404, "NOT_FOUND", "unknown path");
      if (req.method === "POST" && parts.length === 2) return create(req);
      if (parts[2] !== "by-reference" || !parts[3]) return error(404, "NOT_FOUND", "unknown path");
      const r = await load(parts[3]);
      if (!r) return error(404, "NOT_FOUND", "no such collection");
      if (req.method === "GET" && parts.length === 4) return ok(publicView(r));
      if (req.method === "POST" && parts[4] === "otp") return otp(r, req.body);
      if (req.method === "POST" && parts[4] === "cancel") return cancel(r);
      if (req.method === "POST" && parts[4] === "refunds") return refund(r, req.body);
      return error(404, "NOT_FOUND", "unknown path");
    },

    async tick() {
      if (stopped) return;
      for (const { data } of await opts.store.claimDue(new Date())) {
        const r = data as unknown as Record_;
        if (r.due_status) {
          r.status = r.due_status;
          r.failure_reason = r.due_status === "FAILED" ? "insufficient funds" : null;
          r.due_status = null;
          r.notify = true;
        }
        if (r.notify && !control.dropCallbacks) {
          const delivered = await sendCallback(r);
          r.callback_attempts += 1;
          r.notify = !delivered && r.callback_attempts < 5;
          await save(r, r.notify ? 1000 * 2 ** r.callback_attempts : null);
        } else {
          r.notify = false;
          await save(r, null);
        }
      }
    },

    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
  return sim;
}
