import type {
  CancelOutput,
  InitiateOutput,
  PaymentRef,
  ProviderAdapter,
  ProviderContext,
  RefundOutput,
  RefundStatusOutput,
  StatusOutput,
  WebhookOutput,
} from "../contract.js";
import { credentialsRefused, refundCredentialsRefused, refusesCredentials } from "../contract.js";
import { callProvider } from "../sandbox/http.js";
import { verifySignature } from "../sandbox/signature.js";
import { parseWebhookBody } from "../webhook-body.js";
import { CheckoutSession, formEncode, REFUND_EVENTS, Refund, refundStatus, SESSION_EVENTS, StripeError, StripeEvent, sessionStatus } from "./wire.js";

/**
 * Marks ZeroFee's return URL when Stripe sends the customer back through `cancel_url`. Its
 * value is our provider-side id (random; shown only to the merchant's secret key, in
 * `attempts[].provider_payment_id`, never to a browser), so knowing a payment's `txn_…` id is
 * not enough to cancel someone's checkout.
 */
export const CANCEL_HINT = "stripe_cancel";

/** Test mode needs no credential: the sandbox takes any `sk_test_…` key. */
const secretKey = (ctx: ProviderContext) => ctx.credentials.secret_key ?? (ctx.livemode ? "" : "sk_test_zerofee_sandbox");

function request(ctx: ProviderContext, method: "GET" | "POST", path: string, body?: Record<string, unknown>, idempotencyKey?: string) {
  return callProvider(
    `${ctx.baseUrl}${path}`,
    {
      method,
      headers: {
        authorization: `Bearer ${secretKey(ctx)}`,
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
      },
      ...(body ? { body: formEncode(body) } : {}),
    },
    ctx,
  );
}

const errorMessage = (body: unknown, fallback: string) => {
  const parsed = StripeError.safeParse(body);
  return parsed.success ? (parsed.data.error.message ?? parsed.data.error.type) : fallback;
};

async function retrieve(ctx: ProviderContext, sessionId: string): Promise<{ kind: "found"; session: CheckoutSession } | StatusOutput> {
  const res = await request(ctx, "GET", `/v1/checkout/sessions/${encodeURIComponent(sessionId)}?expand[]=payment_intent`);
  if (res.kind !== "response") return { kind: "unavailable", message: res.message };
  if (res.status === 404) return { kind: "not_found" };
  if (res.status !== 200) return { kind: "unavailable", message: `session retrieve answered ${res.status}`, httpStatus: res.status };
  const parsed = CheckoutSession.safeParse(res.body);
  return parsed.success ? { kind: "found", session: parsed.data } : { kind: "unavailable", message: "unreadable session" };
}

function toStatus(session: CheckoutSession): StatusOutput {
  return { kind: "found", providerReference: session.id, ...sessionStatus(session) };
}

async function getStatus(ctx: ProviderContext, ref: PaymentRef): Promise<StatusOutput> {
  // No session id means Stripe never answered the create: no checkout URL reached anyone,
  // so nothing can be paid on it (Stripe cannot list sessions by client_reference_id).
  if (!ref.providerReference) return { kind: "not_found" };
  const got = await retrieve(ctx, ref.providerReference);
  return "session" in got ? toStatus(got.session) : got;
}

/** Ends an open session (`POST …/expire`): afterwards it can never be paid. */
async function expire(ctx: ProviderContext, sessionId: string): Promise<CancelOutput> {
  const res = await request(ctx, "POST", `/v1/checkout/sessions/${encodeURIComponent(sessionId)}/expire`, {});
  if (res.kind !== "response") return { kind: "unavailable", message: res.message };
  if (res.status === 404) return { kind: "not_found" };
  if (res.status !== 200 && res.status !== 400) return { kind: "unavailable", message: `expire answered ${res.status}` };
  // 400: no longer open (paid, or expired already): what it is now decides.
  const now = await retrieve(ctx, sessionId);
  if (!("session" in now)) return now.kind === "not_found" ? now : { kind: "unavailable", message: "session unreadable after expire" };
  const { status } = sessionStatus(now.session);
  return status === "cancelled" ? { kind: "cancelled" } : { kind: "not_cancellable", status };
}

function refundFound(r: Refund): Extract<RefundStatusOutput, { kind: "found" }> {
  const status = refundStatus(r.status);
  return {
    kind: "found",
    status,
    providerRefundId: r.id,
    ...(status === "failed"
      ? { failureCode: r.failure_reason ?? "refund_failed", failureMessage: `Stripe could not refund (${r.failure_reason ?? r.status}).` }
      : {}),
  };
}

/** Stripe Checkout (hosted page, 3-D Secure inside it): cards worldwide. */
export const stripeAdapter: ProviderAdapter = {
  metadata: {
    name: "stripe",
    displayName: "Stripe",
    countries: "*",
    methods: ["PAYIN_CARD"],
    currencies: "*",
    flows: ["redirect"],
    supportsCancel: true,
    supportsOtp: false,
    supportsRefund: true,
    defaultTimeoutMs: 30_000,
    credentials: [
      { name: "secret_key", description: "Secret API key (sk_live_… / sk_test_…), Dashboard → Developers → API keys.", secret: true, required: true },
      {
        name: "webhook_secret",
        description: "Signing secret (whsec_…) of the webhook endpoint pointing at /v1/webhooks/providers/stripe.",
        secret: true,
        required: true,
      },
    ],
    liveBaseUrl: "https://api.stripe.com",
  },

  async initiate(ctx, input): Promise<InitiateOutput> {
    const sep = input.returnUrl.includes("?") ? "&" : "?";
    const res = await request(
      ctx,
      "POST",
      "/v1/checkout/sessions",
      {
        mode: "payment",
        client_reference_id: input.providerPaymentId,
        line_items: [
          {
            quantity: 1,
            price_data: { currency: input.currency.toLowerCase(), unit_amount: input.amount, product_data: { name: input.description || "Payment" } },
          },
        ],
        // Stripe fills in {CHECKOUT_SESSION_ID}; it must stay unencoded.
        success_url: `${input.returnUrl}${sep}session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${input.returnUrl}${sep}${CANCEL_HINT}=${encodeURIComponent(input.providerPaymentId)}`,
        customer_email: input.customer.email,
        metadata: {
          zerofee_reference: input.providerPaymentId,
          // SPEC §14: in test mode the phone's last two digits can ask for an outage (…05).
          ...(ctx.livemode || !input.customer.phone ? {} : { sandbox_phone: input.customer.phone }),
        },
        payment_intent_data: { metadata: { zerofee_reference: input.providerPaymentId } },
      },
      // Our provider-side id: a resumed create gets the same session back, never a second one.
      input.providerPaymentId,
    );
    // A session whose URL never reached the customer cannot be paid, and expires by itself:
    // a timeout or a 5xx leaves nothing payable, so routing may safely try another provider.
    // Unreachable, timed out or a 5xx is about Stripe, not this payment: it counts against
    // Stripe's health (SPEC §5), unlike a 4xx verdict or refused credentials.
    if (res.kind !== "response") {
      return { outcome: "rejected", code: res.kind === "timeout" ? "timeout" : "connection_failed", message: res.message, providerDown: true };
    }
    if (res.status >= 500) {
      return { outcome: "rejected", code: "provider_down", message: errorMessage(res.body, `stripe answered ${res.status}`), providerDown: true };
    }
    // 401: an invalid API key; 403: a restricted key without this permission.
    if (refusesCredentials(res.status)) return credentialsRefused("Stripe", res.status);
    if (res.status !== 200) return { outcome: "rejected", code: "provider_rejected", message: errorMessage(res.body, `stripe answered ${res.status}`) };
    const parsed = CheckoutSession.safeParse(res.body);
    if (!parsed.success || !parsed.data.url) return { outcome: "rejected", code: "unreadable_answer", message: "unreadable Checkout Session" };
    return {
      outcome: "accepted",
      providerReference: parsed.data.id,
      status: "pending",
      nextAction: { type: "redirect", redirect_url: parsed.data.url },
    };
  },

  getStatus,

  async verifyReturn(ctx, ref, query): Promise<StatusOutput> {
    const status = await getStatus(ctx, ref);
    // Back through cancel_url with the session still open: end it, so Stripe confirms that
    // nothing was (or can be) paid before ZeroFee records `cancelled`.
    if (
      query[CANCEL_HINT] === ref.providerPaymentId &&
      ref.providerReference &&
      status.kind === "found" &&
      (status.status === "pending" || status.status === "requires_action")
    ) {
      const ended = await expire(ctx, ref.providerReference);
      if (ended.kind === "cancelled") return { kind: "found", status: "cancelled", providerReference: ref.providerReference };
      return getStatus(ctx, ref);
    }
    return status;
  },

  async cancel(ctx, ref): Promise<CancelOutput> {
    if (!ref.providerReference) return { kind: "not_found" };
    return expire(ctx, ref.providerReference);
  },

  async refund(ctx, ref, input): Promise<RefundOutput> {
    if (!ref.providerReference) return { kind: "rejected", code: "refund_rejected", message: "no Checkout Session to refund" };
    const got = await retrieve(ctx, ref.providerReference);
    if (!("session" in got)) {
      if (got.kind === "unavailable" && refusesCredentials(got.httpStatus)) return refundCredentialsRefused("Stripe", got.httpStatus as number);
      return got.kind === "not_found"
        ? { kind: "rejected", code: "refund_rejected", message: "session not found" }
        : { kind: "unavailable", message: "session unreadable" };
    }
    const pi = got.session.payment_intent;
    const paymentIntent = typeof pi === "string" ? pi : pi?.id;
    if (!paymentIntent) return { kind: "rejected", code: "refund_rejected", message: "the session has no payment" };
    const res = await request(
      ctx,
      "POST",
      "/v1/refunds",
      { payment_intent: paymentIntent, amount: input.amount, metadata: { zerofee_refund_id: input.refundId } },
      input.refundId,
    );
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    if (refusesCredentials(res.status)) return refundCredentialsRefused("Stripe", res.status);
    if (res.status === 400 || res.status === 402 || res.status === 404) {
      return { kind: "rejected", code: "refund_rejected", message: errorMessage(res.body, "refund refused") };
    }
    const parsed = Refund.safeParse(res.body);
    if (res.status !== 200 || !parsed.success) return { kind: "unavailable", message: `refund answered ${res.status}` };
    const r = parsed.data;
    const status = refundStatus(r.status);
    if (status === "failed") return { kind: "rejected", code: r.failure_reason ?? "refund_failed", message: `refund ${r.status}` };
    return { kind: "accepted", providerRefundId: r.id, status };
  },

  async getRefundStatus(ctx, _ref, refund): Promise<RefundStatusOutput> {
    // Without Stripe's id the refund call went unanswered: re-sending it with the same
    // Idempotency-Key (what processRefund does) is how Stripe tells.
    if (!refund.providerRefundId) return { kind: "not_found" };
    const res = await request(ctx, "GET", `/v1/refunds/${encodeURIComponent(refund.providerRefundId)}`);
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    if (res.status === 404) return { kind: "not_found" };
    const parsed = Refund.safeParse(res.body);
    if (res.status !== 200 || !parsed.success) return { kind: "unavailable", message: `refund retrieve answered ${res.status}` };
    return refundFound(parsed.data);
  },

  async parseWebhook(ctx, input): Promise<WebhookOutput> {
    const header = input.headers["stripe-signature"];
    // The context's secret is the sender's: ZeroFee's own simulator's (derived) in test mode,
    // the app's `webhook_secret` live or behind a sandbox URL override — never an app's
    // test-mode credential in place of the simulator's.
    if (!verifySignature(ctx.webhookSecret, input.rawBody, Array.isArray(header) ? header[0] : header, Math.floor(Date.now() / 1000))) {
      return { kind: "invalid", reason: "bad Stripe-Signature" };
    }
    const event = parseWebhookBody(input.rawBody, StripeEvent, "event");
    if ("invalid" in event) return event.invalid;
    if ((REFUND_EVENTS as readonly string[]).includes(event.data.type)) {
      const refund = Refund.safeParse(event.data.data.object);
      if (!refund.success) return { kind: "invalid", reason: `unreadable refund in ${event.data.type}` };
      const found = refundFound(refund.data);
      const ours = refund.data.metadata?.zerofee_refund_id;
      return { ...found, kind: "refund", eventId: event.data.id, ...(ours ? { refundId: ours } : {}) };
    }
    const object = CheckoutSession.safeParse(event.data.data.object);
    if (!object.success || !(SESSION_EVENTS as readonly string[]).includes(event.data.type) || !object.data.client_reference_id) {
      return { kind: "invalid", reason: `not a Checkout Session event (${event.data.type})` };
    }
    // Events carry the session unexpanded, so a decline and a cancel look alike; the signed
    // event is a trigger, and the session retrieved now is the truth (Stripe's own advice).
    const fresh = await retrieve(ctx, object.data.id);
    if (!("session" in fresh)) return { kind: "invalid", reason: "session could not be retrieved; Stripe will retry" };
    return {
      kind: "event",
      eventId: event.data.id,
      providerPaymentId: object.data.client_reference_id,
      providerReference: object.data.id,
      ...sessionStatus(fresh.session),
    };
  },
};
