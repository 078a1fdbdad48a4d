import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse, Simulator, SimulatorOptions } from "../contract.js";
import { header } from "../sandbox/http.js";
import { actionPage, CARD_INPUT, NOT_A_TEST_CARD, TEST_CARDS, testCard } from "../sandbox/page.js";
import { createSimRuntime, deliverDue, type Outbox, postCallback, queueCallback, sandboxWebhookUrl, seeOther, soonestDue } from "../sandbox/runtime.js";
import { signPayload } from "../sandbox/signature.js";
import { outcomeForPhone, refundFails } from "../sandbox/test-numbers.js";
import type { CheckoutSession, LastPaymentError, PaymentIntent } from "./wire.js";

interface SessionRecord extends Outbox {
  session: Omit<CheckoutSession, "payment_intent"> & { payment_intent: string | null; success_url: string; cancel_url: string | null; created: number };
  intent: PaymentIntent | null;
  /** Refund ids by Idempotency-Key (each refund is its own record, `re_…`). */
  refund_ids?: Record<string, string>;
}

/** A refund (docs.stripe.com/api/refunds/object): `pending` until it settles at `due_at` (epoch ms). */
interface RefundRecord extends Outbox {
  refund: StripeRefund;
  due_at: number | null;
}
type StripeRefund = {
  id: string;
  object: "refund";
  amount: number;
  currency: string;
  status: "pending" | "succeeded" | "failed";
  payment_intent: string;
  metadata: Record<string, string>;
  failure_reason: string | null;
  created: number;
};

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const json = (body: unknown, status = 200): SimResponse => ({ status, body });
const stripeError = (status: number, type: string, message: string, code?: string): SimResponse =>
  json({ error: { type, message, ...(code ? { code } : {}) } }, status);

/** Any test secret key, as Bearer or as Basic username (`-u sk_test_…:`). */
function authorised(req: SimRequest): boolean {
  const auth = header(req, "authorization") ?? "";
  if (/^Bearer sk_test_\S+$/.test(auth)) return true;
  const basic = /^Basic (\S+)$/.exec(auth);
  return (
    !!basic &&
    Buffer.from(basic[1] ?? "", "base64")
      .toString("utf8")
      .startsWith("sk_test_")
  );
}

/**
 * Sandbox of Stripe's Checkout Sessions API: the same paths, form-encoded bodies, error
 * envelope, `Idempotency-Key` replay and `Stripe-Signature` events as api.stripe.com; the
 * hosted page (`/c/pay/{id}`) is a plain form with the SPEC §14 test cards.
 */
export function createStripeSimulator(opts: SimulatorOptions): Simulator {
  const rt = createSimRuntime(opts, () => sim.tick());
  const base = () => opts.publicBaseUrl();

  const load = async (key: string) => (await opts.store.get(key)) as SessionRecord | null;
  const save = async (r: SessionRecord, dueInMs: number | null) => {
    // An open session is also due when it expires (`expires_at`), as Stripe ends it then.
    const untilExpiry = r.session.status === "open" ? Math.max(0, r.session.expires_at * 1000 - Date.now()) : null;
    const due = dueInMs === null ? untilExpiry : untilExpiry === null ? dueInMs : Math.min(dueInMs, untilExpiry);
    await opts.store.put(r.session.id, r as unknown as Record<string, unknown>, due === null ? null : new Date(Date.now() + due));
    // Callbacks get a timer; an expiry hours away is left to the host's periodic sweep.
    if (dueInMs !== null) rt.schedule(dueInMs);
  };
  /** `expires_at` passed on an open session: it expires, and says so. */
  const expireIfDue = (r: SessionRecord): boolean => {
    if (r.session.status !== "open" || Date.now() < r.session.expires_at * 1000) return false;
    r.session.status = "expired";
    queueEvent(r, "checkout.session.expired");
    return true;
  };
  const view = (r: SessionRecord, expand: boolean) => ({ ...r.session, payment_intent: expand && r.intent ? r.intent : r.session.payment_intent });
  const queueEvent = (r: SessionRecord, type: string) => {
    const event = {
      id: id("evt"),
      object: "event",
      api_version: "2024-06-20",
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      type,
      data: { object: view(r, false) },
    };
    queueCallback(r, JSON.stringify(event));
  };

  async function create(req: SimRequest): Promise<SimResponse> {
    const b = (req.body ?? {}) as Record<string, string>;
    const idem = header(req, "idempotency-key");
    if (idem) {
      const replay = (await opts.store.get(`idem:${idem}`)) as { session_id: string } | null;
      const prior = replay ? await load(replay.session_id) : null;
      if (prior) return { ...json(view(prior, false)), headers: { "idempotent-replayed": "true" } };
    }
    const amount = Number(b["line_items[0][price_data][unit_amount]"]);
    const currency = b["line_items[0][price_data][currency]"];
    const quantity = Number(b["line_items[0][quantity]"] ?? "1");
    if (b.mode !== "payment") return stripeError(400, "invalid_request_error", "This sandbox supports mode=payment only.", "parameter_invalid_string");
    if (!Number.isInteger(amount) || amount < 1 || !currency || !Number.isInteger(quantity) || quantity < 1) {
      return stripeError(400, "invalid_request_error", "line_items[0] needs price_data[currency], price_data[unit_amount] and quantity.", "parameter_missing");
    }
    // As Stripe: success_url is required, cancel_url is not (without it there is no way back to the shop).
    if (!b.success_url) return stripeError(400, "invalid_request_error", "Missing required param: success_url.", "parameter_missing");
    // SPEC §14 …05: an outage at creation that keeps nothing.
    if (outcomeForPhone(b["metadata[sandbox_phone]"] ?? "") === "provider_error" && b["metadata[sandbox_phone]"]) {
      return stripeError(500, "api_error", "An unknown error occurred while processing your request (sandbox …05).");
    }
    const now = Math.floor(Date.now() / 1000);
    // Stripe takes 30 min to 24 h ahead (default 24 h); the sandbox also takes sooner, so a
    // test can watch a session expire.
    const expiresAt = b.expires_at === undefined ? now + 86_400 : Number(b.expires_at);
    if (!Number.isInteger(expiresAt) || expiresAt <= now || expiresAt > now + 86_400) {
      return stripeError(400, "invalid_request_error", "expires_at must be in the future, at most 24 hours from now.", "parameter_invalid_integer");
    }
    const sessionId = `cs_test_${randomBytes(16).toString("hex")}`;
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(b)) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m?.[1]) metadata[m[1]] = v;
    }
    const record: SessionRecord = {
      session: {
        id: sessionId,
        object: "checkout.session",
        status: "open",
        payment_status: "unpaid",
        amount_total: amount * quantity,
        currency: currency.toLowerCase(),
        client_reference_id: b.client_reference_id ?? null,
        payment_intent: null,
        url: `${base()}/c/pay/${sessionId}`,
        created: now,
        expires_at: expiresAt,
        metadata,
        success_url: b.success_url,
        cancel_url: b.cancel_url ?? null,
      },
      intent: null,
    };
    await save(record, null);
    if (idem) await opts.store.put(`idem:${idem}`, { session_id: sessionId }, null);
    return json(view(record, false));
  }

  async function expire(r: SessionRecord): Promise<SimResponse> {
    if (r.session.status !== "open") {
      return stripeError(400, "invalid_request_error", 'Only Checkout Sessions with a status in ["open"] can be expired.');
    }
    r.session.status = "expired";
    queueEvent(r, "checkout.session.expired");
    await save(r, 0);
    return json(view(r, false));
  }

  const loadRefund = async (key: string) => (await opts.store.get(key)) as RefundRecord | null;
  const saveRefund = (r: RefundRecord, dueInMs: number | null) => rt.put(r.refund.id, r, soonestDue(dueInMs, r.due_at));
  /** The refund's time has come: it succeeds, or fails for an amount ending in 01 (SPEC §10), and says so. */
  const settleRefund = (r: RefundRecord): boolean => {
    if (r.due_at === null || r.due_at > Date.now()) return false;
    r.due_at = null;
    r.refund.status = refundFails(r.refund.amount) ? "failed" : "succeeded";
    r.refund.failure_reason = r.refund.status === "failed" ? "declined" : null;
    queueCallback(
      r,
      JSON.stringify({
        id: id("evt"),
        object: "event",
        api_version: "2024-06-20",
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        type: r.refund.status === "failed" ? "refund.failed" : "refund.updated",
        data: { object: r.refund },
      }),
    );
    return true;
  };

  async function refund(req: SimRequest): Promise<SimResponse> {
    const b = (req.body ?? {}) as Record<string, string>;
    const piId = b.payment_intent;
    const sessionKey = piId ? ((await opts.store.get(`pi:${piId}`)) as { session_id: string } | null) : null;
    const r = sessionKey ? await load(sessionKey.session_id) : null;
    if (!r?.intent) return stripeError(404, "invalid_request_error", `No such payment_intent: '${piId ?? ""}'`, "resource_missing");
    if (r.intent.status !== "succeeded") return stripeError(400, "invalid_request_error", "This PaymentIntent has no successful charge to refund.");
    const key = header(req, "idempotency-key") ?? id("auto");
    const priorId = r.refund_ids?.[key];
    const prior = priorId ? await loadRefund(priorId) : null;
    if (prior) return { ...json(prior.refund), headers: { "idempotent-replayed": "true" } };
    let already = 0;
    for (const rid of Object.values(r.refund_ids ?? {})) {
      const other = await loadRefund(rid);
      if (other && other.refund.status !== "failed") already += other.refund.amount;
    }
    const amount = b.amount ? Number(b.amount) : r.intent.amount - already;
    if (!Number.isInteger(amount) || amount < 1 || amount > r.intent.amount - already) {
      return stripeError(400, "invalid_request_error", "Refund amount is greater than the unrefunded amount.", "amount_too_large");
    }
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(b)) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m?.[1]) metadata[m[1]] = v;
    }
    const made: RefundRecord = {
      refund: {
        id: id("re"),
        object: "refund",
        amount,
        currency: r.intent.currency,
        status: "pending",
        payment_intent: r.intent.id,
        metadata,
        failure_reason: null,
        created: Math.floor(Date.now() / 1000),
      },
      due_at: Date.now() + opts.confirmMs,
    };
    await saveRefund(made, null);
    r.refund_ids = { ...(r.refund_ids ?? {}), [key]: made.refund.id };
    await save(r, null);
    return json(made.refund);
  }

  // ---------------------------------------------------------------- hosted page
  const cardPage = (r: SessionRecord, error?: string) =>
    actionPage({
      ...(error ? { error } : {}),
      title: "Stripe sandbox — Checkout",
      lines: [
        `Pay ${r.session.amount_total} ${(r.session.currency ?? "").toUpperCase()} (minor units)`,
        "Test cards: 4242… pays, 4000 0000 0000 3220 asks for 3-D Secure, 4000 0000 0000 0002 is declined.",
      ],
      action: `${base()}/c/pay/${r.session.id}`,
      hidden: { session: r.session.id, step: "card" },
      inputs: CARD_INPUT,
    });

  const challengePage = (r: SessionRecord, card: string) =>
    actionPage({
      title: "3-D Secure 2 — test challenge",
      lines: [`Authenticate the payment of ${r.session.amount_total} ${(r.session.currency ?? "").toUpperCase()} with your bank.`],
      action: `${base()}/c/pay/${r.session.id}`,
      hidden: { session: r.session.id, step: "3ds", card_number: card },
    });

  async function pay(r: SessionRecord, outcome: "paid" | LastPaymentError): Promise<SimResponse> {
    const intentId = id("pi");
    r.intent = {
      id: intentId,
      object: "payment_intent",
      amount: r.session.amount_total ?? 0,
      currency: r.session.currency ?? "usd",
      status: outcome === "paid" ? "succeeded" : "requires_payment_method",
      last_payment_error: outcome === "paid" ? null : outcome,
    };
    r.session.payment_intent = intentId;
    if (outcome === "paid") {
      r.session.status = "complete";
      r.session.payment_status = "paid";
      queueEvent(r, "checkout.session.completed");
    } else {
      // SPEC §14: a decline ends the session; its PaymentIntent carries the reason.
      r.session.status = "expired";
      queueEvent(r, "checkout.session.expired");
    }
    await opts.store.put(`pi:${intentId}`, { session_id: r.session.id }, null);
    await save(r, 0);
    if (outcome !== "paid") return backToShop(r);
    return seeOther(r.session.success_url.replaceAll("{CHECKOUT_SESSION_ID}", r.session.id));
  }

  const DECLINE: LastPaymentError = { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." };
  const AUTH_FAILED: LastPaymentError = {
    type: "card_error",
    code: "payment_intent_authentication_failure",
    message: "The provided PaymentMethod has failed authentication.",
  };

  /** The session's `cancel_url`; without one (Stripe shows no back link then), a page saying where things stand. */
  function backToShop(r: SessionRecord): SimResponse {
    if (r.session.cancel_url) return seeOther(r.session.cancel_url);
    const text =
      r.session.status === "open" ? "You left the payment: you can close this window." : "This checkout session has ended: you can close this window.";
    return {
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout</title></head><body><p>${text}</p></body></html>`,
    };
  }

  async function pageAction(r: SessionRecord, body: unknown): Promise<SimResponse> {
    const b = (body ?? {}) as Record<string, string>;
    if (r.session.status !== "open") {
      return r.session.status === "complete" ? seeOther(r.session.success_url.replaceAll("{CHECKOUT_SESSION_ID}", r.session.id)) : backToShop(r);
    }
    if (b.action === "cancel") return backToShop(r);
    if (b.action === "decline") return pay(r, b.step === "3ds" ? AUTH_FAILED : DECLINE);
    if (b.action !== "approve") return stripeError(400, "invalid_request_error", "unknown action");
    const card = testCard(b.card_number);
    if (card === null) return cardPage(r, NOT_A_TEST_CARD);
    if (b.step !== "3ds" && card === TEST_CARDS.threeDSecure) return challengePage(r, card);
    return pay(r, card === TEST_CARDS.declined ? DECLINE : "paid");
  }

  async function api(req: SimRequest, parts: string[]): Promise<SimResponse> {
    await rt.delay();
    if (rt.control.down) return stripeError(503, "api_error", "Stripe is temporarily unavailable; the request was not processed.");
    if (!authorised(req)) return stripeError(401, "invalid_request_error", "Invalid API Key provided.");
    const [v1, resource, sub, sid, verb] = parts;
    if (v1 !== "v1") return stripeError(404, "invalid_request_error", "Unrecognized request URL.");
    if (resource === "refunds" && req.method === "POST" && parts.length === 2) return refund(req);
    if (resource === "refunds" && req.method === "GET" && sub && parts.length === 3) {
      const r = sub.startsWith("re_") ? await loadRefund(sub) : null;
      return r ? json(r.refund) : stripeError(404, "invalid_request_error", `No such refund: '${sub}'`, "resource_missing");
    }
    if (resource === "payment_intents" && req.method === "GET" && sub) {
      const key = (await opts.store.get(`pi:${sub}`)) as { session_id: string } | null;
      const r = key ? await load(key.session_id) : null;
      return r?.intent ? json(r.intent) : stripeError(404, "invalid_request_error", `No such payment_intent: '${sub}'`, "resource_missing");
    }
    if (resource !== "checkout" || sub !== "sessions") return stripeError(404, "invalid_request_error", "Unrecognized request URL.");
    if (!sid) return req.method === "POST" ? create(req) : stripeError(404, "invalid_request_error", "Unrecognized request URL.");
    const r = sid.startsWith("cs_") ? await load(sid) : null;
    if (!r) return stripeError(404, "invalid_request_error", `No such checkout.session: '${sid}'`, "resource_missing");
    if (req.method === "GET" && !verb) return json(view(r, (req.query["expand[]"] ?? req.query["expand[0]"]) === "payment_intent"));
    if (req.method === "POST" && verb === "expire") return expire(r);
    return stripeError(404, "invalid_request_error", "Unrecognized request URL.");
  }

  const sim = rt.simulator({
    async handle(req, parts) {
      if (parts[0] === "c" && parts[1] === "pay" && parts[2]) {
        const r = parts[2].startsWith("cs_") ? await load(parts[2]) : null;
        if (!r) return { status: 404, headers: { "content-type": "text/plain" }, body: "Something went wrong: no such Checkout Session." };
        if (req.method === "GET") return r.session.status === "open" ? cardPage(r) : pageAction(r, {});
        return pageAction(r, req.body);
      }
      return api(req, parts);
    },

    async tick() {
      const url = sandboxWebhookUrl(base());
      await deliverDue<SessionRecord | RefundRecord>({
        store: opts.store,
        read: (key) => (key.startsWith("cs_") ? load(key) : key.startsWith("re_") ? loadRefund(key) : Promise.resolve(null)),
        save: (r, dueInMs) => ("refund" in r ? saveRefund(r, dueInMs) : save(r, dueInMs)),
        send: (body) => postCallback(url, body, { "stripe-signature": signPayload(opts.webhookSecret, body, Math.floor(Date.now() / 1000)) }),
        drop: rt.control.dropCallbacks,
        exclusive: rt.exclusive,
        onDue: (r) => ("refund" in r ? settleRefund(r) : expireIfDue(r)),
      });
    },
  });
  return sim;
}
