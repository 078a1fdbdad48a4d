import { createHmac, randomBytes } from "node:crypto";
import type { SimRequest, SimResponse, Simulator, SimulatorOptions } from "../contract.js";
import { header } from "../sandbox/http.js";
import { actionPage, CARD_INPUT } from "../sandbox/page.js";
import { createSimRuntime, deliverDue, type Outbox, postCallback, queueCallback, sandboxWebhookUrl, seeOther, soonestDue } from "../sandbox/runtime.js";
import { deadlinePassed, MAX_OTP_ATTEMPTS, outcomeForPhone, SANDBOX_OTP, unansweredDeadline } from "../sandbox/test-numbers.js";
import { signHub2 } from "./signature.js";
import { AttemptRequest, AuthenticationRequest, authenticationFor, CreateIntentRequest, type PaymentIntent, type PaymentStatus } from "./wire.js";

interface IntentRecord extends Outbox {
  kind: "intent";
  intent: PaymentIntent;
  /** Final status the simulated customer reaches when the record falls due. */
  due: "succeeded" | "failed" | null;
  otpAttempts: number;
  redirect: { success: string | null; cancel: string | null };
  /** The latest attempt, still waiting on its customer, fails then (epoch ms), as Orange's OTP lapses. */
  deadline?: number | null;
}

/** NestJS-style error body, as Hub2's API answers. */
const error = (statusCode: number, message: string): SimResponse => ({ status: statusCode, body: { statusCode, message, error: message } });
const b64u = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("base64url")}`;

/**
 * Sandbox of Hub2's pay-in API: PaymentIntents, attempts authorised by the intent's JWT,
 * OTP authentication (Orange CI), redirection pages (Wave, card), `Hub2-Signature` webhooks.
 * The last two digits of the `msisdn` choose the outcome (SPEC §14); state is in the store.
 */
export function createHub2Simulator(opts: SimulatorOptions): Simulator {
  const rt = createSimRuntime(opts, () => sim.tick());
  const load = async (intentId: string) => {
    const r = (await opts.store.get(intentId)) as IntentRecord | null;
    return r?.kind === "intent" ? r : null;
  };
  const waiting = (r: IntentRecord) => {
    const status = r.intent.payments.at(-1)?.status;
    return status === "action_required" || status === "processing";
  };
  // An attempt still waiting on its customer stays due at its deadline.
  const save = (r: IntentRecord, dueInMs: number | null) => {
    r.intent.updatedAt = new Date().toISOString();
    return rt.put(r.intent.id, r, soonestDue(dueInMs, waiting(r) ? r.deadline : null));
  };
  const tokenFor = (intentId: string) => {
    const head = `${b64u({ alg: "HS256", typ: "JWT" })}.${b64u({ sub: intentId, scope: "payment_intent" })}`;
    return `${head}.${createHmac("sha256", opts.webhookSecret).update(head).digest("base64url")}`;
  };

  async function createIntent(req: SimRequest): Promise<SimResponse> {
    const parsed = CreateIntentRequest.safeParse(req.body);
    if (!parsed.success) return error(400, parsed.error.issues[0]?.message ?? "Bad Request");
    const input = parsed.data;
    // Our reading: the purchaseReference identifies the purchase, so a repeat answers the same intent.
    const ref = (await opts.store.get(`ref:${input.purchaseReference}`)) as { intentId?: string } | null;
    const existing = ref?.intentId ? await load(ref.intentId) : null;
    if (existing) return { status: 200, body: existing.intent };
    const now = new Date().toISOString();
    const intentId = id("pi");
    const intent: PaymentIntent = {
      id: intentId,
      createdAt: now,
      updatedAt: now,
      merchantId: header(req, "merchantid") ?? "",
      purchaseReference: input.purchaseReference,
      customerReference: input.customerReference,
      amount: input.amount,
      currency: input.currency,
      token: tokenFor(intentId),
      status: "payment_required",
      payments: [],
      mode: "sandbox",
    };
    await save({ kind: "intent", intent, due: null, otpAttempts: 0, redirect: { success: null, cancel: null } }, null);
    await rt.put(`ref:${input.purchaseReference}`, { intentId }, null);
    return { status: 201, body: intent };
  }

  async function attempt(r: IntentRecord, body: unknown): Promise<SimResponse> {
    const parsed = AttemptRequest.safeParse(body);
    if (!parsed.success) return error(400, parsed.error.issues[0]?.message ?? "Bad Request");
    const input = parsed.data;
    if (input.token !== r.intent.token) return error(401, "Invalid token");
    if (r.intent.status !== "payment_required") return error(409, `PaymentIntent is ${r.intent.status}`);
    const msisdn = input.mobileMoney?.msisdn;
    if (input.paymentMethod === "mobile_money" && !/^\d{8,15}$/.test(msisdn ?? "")) return error(400, "mobileMoney.msisdn must be digits");
    const outcome = outcomeForPhone(msisdn);
    if (outcome === "provider_error") return error(500, "Internal server error");
    const auth = authenticationFor(input);
    const urls = input.card ?? input.mobileMoney;
    const now = new Date().toISOString();
    const paymentId = id("pay");
    const otp = auth === "otp" && outcome === "otp";
    r.intent.payments.push({
      id: paymentId,
      intentId: r.intent.id,
      createdAt: now,
      updatedAt: now,
      amount: r.intent.amount,
      currency: r.intent.currency,
      status: auth === "redirection" || otp ? "action_required" : "processing",
      method: input.paymentMethod,
      country: input.country,
      provider: input.provider,
      ...(msisdn ? { number: msisdn } : {}),
      nextAction:
        auth === "redirection"
          ? {
              type: "redirection",
              message: `${input.provider}_sandbox.redirection`,
              data: { url: `${opts.publicBaseUrl()}/pay/${r.intent.id}`, method: "get", headers: {}, data: {} },
            }
          : otp
            ? { type: "otp", message: `${input.provider}_${input.country.toLowerCase()}_sandbox.otp` }
            : null,
      failure: null,
    });
    r.intent.status = auth === "redirection" || otp ? "action_required" : "processing";
    r.redirect = { success: urls?.onSuccessRedirectionUrl ?? null, cancel: urls?.onCancelRedirectionUrl ?? null };
    r.otpAttempts = 0;
    const waits = auth === "redirection" || otp;
    // Operators without an OTP step treat 03 as any other number.
    r.due = waits || outcome === "never_answer" ? null : outcome === "fail" ? "failed" : "succeeded";
    r.deadline = r.due ? null : unansweredDeadline(opts);
    await save(r, r.due ? opts.confirmMs : null);
    return { status: 201, body: r.intent };
  }

  /** The latest attempt reaches a final status, and a webhook is owed for it. */
  function finish(r: IntentRecord, status: PaymentStatus & ("succeeded" | "failed" | "cancelled"), failure?: { code: string; message: string }) {
    const payment = r.intent.payments.at(-1);
    if (!payment) return;
    payment.status = status;
    payment.nextAction = null;
    payment.failure = failure ?? null;
    payment.updatedAt = new Date().toISOString();
    // A failed or cancelled attempt leaves the intent open for another one.
    r.intent.status = status === "succeeded" ? "succeeded" : "payment_required";
    r.due = null;
    r.deadline = null;
    r.intent.updatedAt = payment.updatedAt;
    // The webhook owed for it; its event id stays the same across retries.
    const type = status === "succeeded" ? "payment_intent.succeeded" : `payment.${status}`;
    queueCallback(r, JSON.stringify({ id: `evt_${payment.id}_${status}`, type, createdAt: new Date().toISOString(), data: r.intent }));
  }

  async function settle(r: IntentRecord, status: "succeeded" | "failed" | "cancelled", failure?: { code: string; message: string }) {
    finish(r, status, failure);
    await save(r, 0);
  }

  async function authenticate(r: IntentRecord, body: unknown): Promise<SimResponse> {
    const parsed = AuthenticationRequest.safeParse(body);
    if (!parsed.success) return error(400, parsed.error.issues[0]?.message ?? "Bad Request");
    if (parsed.data.token !== r.intent.token) return error(401, "Invalid token");
    const payment = r.intent.payments.at(-1);
    if (payment?.status !== "action_required" || payment.nextAction?.type !== "otp") return error(409, "No authentication expected");
    if (parsed.data.confirmationCode === SANDBOX_OTP) {
      await settle(r, "succeeded");
      return { status: 200, body: r.intent };
    }
    r.otpAttempts += 1;
    if (r.otpAttempts >= MAX_OTP_ATTEMPTS) await settle(r, "failed", { code: "invalid_otp", message: "Too many wrong confirmation codes." });
    else await save(r, null);
    return error(400, "Invalid confirmation code");
  }

  async function payAction(r: IntentRecord, body: unknown): Promise<SimResponse> {
    const action = (body as { action?: unknown } | null)?.action;
    const payment = r.intent.payments.at(-1);
    if (payment?.status === "action_required" && payment.nextAction?.type === "redirection") {
      if (action === "approve") await settle(r, "succeeded");
      else if (action === "decline") await settle(r, "failed", { code: "payment_declined", message: "The payment was declined." });
      else if (action === "cancel") await settle(r, "cancelled", { code: "cancelled_by_customer", message: "The customer cancelled." });
      else return error(400, "unknown action");
    }
    const target = action === "cancel" ? r.redirect.cancel : r.redirect.success;
    if (!target) return { status: 200, headers: { "content-type": "text/plain" }, body: "Payment recorded; you may close this page." };
    return seeOther(target);
  }

  async function api(req: SimRequest, parts: string[]): Promise<SimResponse> {
    if (parts[0] !== "payment-intents") return error(404, "Not Found");
    const merchant = Boolean(header(req, "apikey") && header(req, "merchantid"));
    const env = header(req, "environment");
    if (req.method === "POST" && parts.length === 1) {
      if (!merchant) return error(401, "ApiKey and MerchantId headers are required");
      if (env !== "sandbox") return error(403, "Environment must be sandbox with sandbox credentials");
      return createIntent(req);
    }
    if (req.method === "GET" && parts.length === 1) {
      if (!merchant) return error(401, "ApiKey and MerchantId headers are required");
      const ref = (await opts.store.get(`ref:${req.query.purchaseReference ?? ""}`)) as { intentId?: string } | null;
      const found = ref?.intentId ? await load(ref.intentId) : null;
      return { status: 200, body: found ? [found.intent] : [] };
    }
    const r = parts[1] ? await load(parts[1]) : null;
    if (!r) return error(404, "PaymentIntent not found");
    if (req.method === "GET" && parts.length === 2) {
      // Merchant headers, or the intent's own token (client side).
      if (!merchant && req.query.token !== r.intent.token) return error(401, "Unauthorized");
      return { status: 200, body: r.intent };
    }
    if (req.method === "POST" && parts[2] === "payments" && parts.length === 3) return attempt(r, req.body);
    if (req.method === "POST" && parts[2] === "authentication" && parts.length === 3) return authenticate(r, req.body);
    return error(404, "Not Found");
  }

  const sim = rt.simulator({
    async handle(req, parts) {
      if (parts[0] === "pay" && parts[1]) {
        const r = await load(parts[1]);
        if (!r) return error(404, "PaymentIntent not found");
        if (req.method === "POST") return payAction(r, req.body);
        const method = r.intent.payments.at(-1)?.method;
        return actionPage({
          title: "Hub2 sandbox — payment",
          lines: [`Pay ${r.intent.amount} ${r.intent.currency} (${r.intent.payments.at(-1)?.provider ?? "?"})`],
          action: `${opts.publicBaseUrl()}/pay/${encodeURIComponent(r.intent.id)}`,
          hidden: { intent: r.intent.id },
          ...(method === "card" ? { inputs: CARD_INPUT } : {}),
        });
      }
      await rt.delay();
      if (rt.control.down) return error(503, "Service Unavailable");
      return api(req, parts);
    },

    async tick() {
      // Webhooks are registered per merchant in Hub2; the sandbox merchant's is ZeroFee's route.
      const url = sandboxWebhookUrl(opts.publicBaseUrl());
      await deliverDue({
        store: opts.store,
        read: load,
        save,
        send: (body) => postCallback(url, body, { "hub2-signature": signHub2(opts.webhookSecret, body) }),
        drop: rt.control.dropCallbacks,
        exclusive: rt.exclusive,
        // The simulated customer's deadline: the latest attempt reaches the status it was due.
        onDue: (r) => {
          if (!r.due && deadlinePassed(r.deadline) && waiting(r)) {
            // Nobody confirmed (an OTP never typed, a page never completed, a prompt never answered).
            finish(r, "failed", { code: "expired", message: "The customer did not complete the payment in time." });
            return true;
          }
          if (!r.due) return false;
          finish(r, r.due, r.due === "failed" ? { code: "insufficient_funds", message: "The customer's balance is insufficient." } : undefined);
          return true;
        },
      });
    },
  });
  return sim;
}
