import { randomUUID } from "node:crypto";
import type { SimRequest, SimResponse, Simulator, SimulatorOptions } from "../contract.js";
import { header } from "../sandbox/http.js";
import { actionPage, CARD_INPUT } from "../sandbox/page.js";
import { createSimRuntime, deliverDue, type Outbox, postCallback, queueCallback, seeOther, soonestDue } from "../sandbox/runtime.js";
import { signPayload } from "../sandbox/signature.js";
import { MAX_OTP_ATTEMPTS, outcomeForPhone, refundFails, SANDBOX_OTP } from "../sandbox/test-numbers.js";
import { type Collection, CollectionRequest, isRedirectMethod, type TestRefund, type TestStatus } from "./wire.js";

interface Record_ extends Collection, Outbox {
  method: string;
  phone: string | null;
  callback_url: string;
  return_url: string;
  otp_attempts: number;
  /** Status the simulated customer will reach when the record falls due. */
  due_status: TestStatus | null;
  /** Refunds made, by our refund reference (idempotent); each settles at its `due_at` (epoch ms). */
  refunds?: Record<string, TestRefund & { due_at: number | null }>;
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
 * A collection's or refund's id: 32 hex characters from randomUUID's buffered randomness (a
 * fresh 10-byte draw per call cost a create ~1.4 %).
 */
const simulatorId = (prefix: "tcol" | "tref") => `${prefix}_${randomUUID().replaceAll("-", "")}`;

/**
 * Sandbox of the `test` provider. State lives in the injected store, so a restart loses
 * nothing; confirmations and callbacks fire from `tick()`.
 */
export function createTestSimulator(opts: SimulatorOptions): Simulator {
  const rt = createSimRuntime(opts, () => sim.tick());

  const load = async (reference: string) => (await opts.store.get(reference)) as Record_ | null;
  /**
   * A record stays due while one of its refunds has not settled. Not while callbacks are owed:
   * one may be in flight under a lease, and an earlier due time would have it claimed and sent
   * again; the save that follows its delivery (outbox empty) brings the refund's time back.
   */
  const save = (r: Record_, dueInMs: number | null) =>
    rt.put(r.reference, r, r.outbox?.length ? dueInMs : Object.values(r.refunds ?? {}).reduce((due, f) => soonestDue(due, f.due_at), dueInMs));
  const refundView = ({ due_at: _, ...f }: TestRefund & { due_at: number | null }): TestRefund => f;
  /** Refunds whose time has come settle (SPEC §10: an amount ending in 01 fails) and say so. */
  const settleRefunds = (r: Record_): boolean => {
    let changed = false;
    for (const f of Object.values(r.refunds ?? {})) {
      if (f.due_at === null || f.due_at > Date.now()) continue;
      f.status = refundFails(f.amount) ? "FAILED" : "SUCCESSFUL";
      f.failure_reason = f.status === "FAILED" ? "the refund could not be sent to the customer" : null;
      f.due_at = null;
      queueCallback(r, JSON.stringify({ event_id: `tevt_${f.id}_${f.status}`, type: "refund.updated", data: refundView(f) }));
      changed = true;
    }
    return changed;
  };
  /** The status just reached becomes a callback owed (`settle`, or the customer's deadline). */
  const queueStatus = (r: Record_) =>
    queueCallback(r, JSON.stringify({ event_id: `tevt_${r.reference}_${r.status}`, type: "collection.updated", data: publicView(r) }));

  async function create(req: SimRequest): Promise<SimResponse> {
    const parsed = CollectionRequest.safeParse(req.body);
    if (!parsed.success) return error(400, "INVALID_REQUEST", parsed.error.issues[0]?.message ?? "invalid");
    const input = parsed.data;
    const outcome = isRedirectMethod(input.method) ? "redirect" : outcomeForPhone(input.phone);
    if (outcome === "provider_error") return error(500, "INTERNAL_ERROR", "simulated provider failure");
    const id = simulatorId("tcol");
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
    };
    // One insert-if-absent, no lock: our reference is idempotent, so a repeat (or a create
    // racing it) finds the first collection and answers it, flagged duplicate.
    if (await rt.insert(record.reference, record, record.due_status ? opts.confirmMs : null)) return ok(publicView(record), 201);
    const existing = await load(input.reference);
    if (!existing) return error(500, "INTERNAL_ERROR", "collection vanished");
    return ok({ ...publicView(existing), duplicate: true });
  }

  async function settle(r: Record_, status: TestStatus, reason: string | null): Promise<void> {
    r.status = status;
    r.failure_reason = reason;
    r.due_status = null;
    queueStatus(r);
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
    const prior = r.refunds[b.refund_reference];
    if (prior) return ok(refundView(prior), 201);
    const taken = Object.values(r.refunds).reduce((sum, f) => sum + (f.status === "FAILED" ? 0 : f.amount), 0);
    if (taken + b.amount > r.amount) return error(400, "INVALID_REQUEST", "the amount exceeds what is left to refund");
    const made = {
      id: simulatorId("tref"),
      refund_reference: b.refund_reference,
      reference: r.reference,
      amount: b.amount,
      status: "PENDING" as const,
      failure_reason: null,
      due_at: Date.now() + opts.confirmMs,
    };
    r.refunds[b.refund_reference] = made;
    await save(r, null);
    return ok(refundView(made), 201);
  }

  function payPage(r: Record_): SimResponse {
    return actionPage({
      title: "ZeroFee test provider",
      lines: [`Pay ${r.amount} ${r.currency} (${r.method})`],
      action: `${opts.publicBaseUrl()}/pay/${encodeURIComponent(r.reference)}`,
      hidden: { reference: r.reference },
      ...(r.method === "PAYIN_CARD" ? { inputs: CARD_INPUT } : {}),
    });
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
    return seeOther(target.toString());
  }

  /** Runs `fn` on the collection under `reference`, alone (its record's lock); 404 when there is none. */
  const withRecord = (reference: string, fn: (r: Record_) => Promise<SimResponse> | SimResponse) =>
    rt.lockFor(reference)(async () => {
      const r = await load(reference);
      return r ? fn(r) : error(404, "NOT_FOUND", "no such collection");
    });

  const sim = rt.simulator({
    // One record at a time: a create is one insert-if-absent, every other call locks its collection.
    locking: "record",
    async handle(req, parts) {
      if (parts[0] === "pay" && parts[1]) return withRecord(parts[1], (r) => (req.method === "GET" ? payPage(r) : payAction(r, req.body)));
      await rt.delay();
      if (rt.control.down) return error(503, "SERVICE_UNAVAILABLE", "provider unavailable, request not processed");
      if (!/^Bearer \S+/.test(header(req, "authorization") ?? "")) return error(401, "UNAUTHORIZED", "missing API key");
      if (parts[0] !== "v1" || parts[1] !== "collections") return error(404, "NOT_FOUND", "unknown path");
      if (req.method === "POST" && parts.length === 2) return create(req);
      if (parts[2] !== "by-reference" || !parts[3]) return error(404, "NOT_FOUND", "unknown path");
      return withRecord(parts[3], (r) => {
        if (req.method === "GET" && parts.length === 4) return ok(publicView(r));
        if (req.method === "POST" && parts[4] === "otp") return otp(r, req.body);
        if (req.method === "POST" && parts[4] === "cancel") return cancel(r);
        if (req.method === "POST" && parts[4] === "refunds" && parts.length === 5) return refund(r, req.body);
        if (req.method === "GET" && parts[4] === "refunds" && parts[5]) {
          const f = r.refunds?.[parts[5]];
          return f ? ok(refundView(f)) : error(404, "NOT_FOUND", "no such refund");
        }
        return error(404, "NOT_FOUND", "unknown path");
      });
    },

    async tick() {
      await deliverDue({
        store: opts.store,
        read: load,
        save,
        send: (body, r) => postCallback(r.callback_url, body, { "x-test-signature": signPayload(opts.webhookSecret, body, Math.floor(Date.now() / 1000)) }),
        drop: rt.control.dropCallbacks,
        lockFor: rt.lockFor,
        // The simulated customer's deadline: the collection reaches the status it was due.
        onDue: (r) => {
          const refunded = settleRefunds(r);
          if (!r.due_status) return refunded;
          r.status = r.due_status;
          r.failure_reason = r.due_status === "FAILED" ? "insufficient funds" : null;
          r.due_status = null;
          queueStatus(r);
          return true;
        },
      });
    },
  });
  return sim;
}
