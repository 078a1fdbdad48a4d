import { createHash } from "node:crypto";
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
import { parseWebhookBody } from "../webhook-body.js";
import {
  Capture,
  firstCapture,
  Order,
  orderStatus,
  PAYPAL_CURRENCIES,
  PayPalError,
  REFUND_STATUS_MAP,
  RefundAnswer,
  SANDBOX_WEBHOOK_ID,
  Token,
  toValue,
  VerifyAnswer,
  WebhookEvent,
} from "./wire.js";

function refundFound(r: RefundAnswer): Extract<RefundStatusOutput, { kind: "found" }> {
  const status = REFUND_STATUS_MAP[r.status];
  return {
    kind: "found",
    status,
    providerRefundId: r.id,
    ...(status === "failed" ? { failureCode: "refund_failed", failureMessage: r.status_details?.reason ?? `PayPal refund ${r.status}` } : {}),
  };
}

/**
 * Marks ZeroFee's return URL when PayPal sends the payer back through `cancel_url`; its value
 * is our provider-side id, which ZeroFee's API never shows (a `txn_…` id alone cannot cancel).
 */
export const CANCEL_HINT = "paypal_cancel";

type Call = Awaited<ReturnType<typeof callProvider>>;

const creds = (ctx: ProviderContext) => ({
  id: ctx.credentials.client_id ?? (ctx.livemode ? "" : "zerofee-sandbox"),
  secret: ctx.credentials.client_secret ?? (ctx.livemode ? "" : "zerofee-sandbox"),
});

/** Access tokens by (API root, client): PayPal's last hours, so each call does not fetch one. */
const tokens = new Map<string, { token: string; until: number }>();
const tokenKey = (ctx: ProviderContext) => {
  const c = creds(ctx);
  return `${ctx.baseUrl}|${c.id}|${createHash("sha256").update(c.secret).digest("hex")}`;
};

async function token(ctx: ProviderContext): Promise<{ token: string } | { error: Call }> {
  const key = tokenKey(ctx);
  const cached = tokens.get(key);
  if (cached && cached.until > Date.now()) return { token: cached.token };
  const c = creds(ctx);
  const res = await callProvider(
    `${ctx.baseUrl}/v1/oauth2/token`,
    {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    },
    ctx,
  );
  const parsed = res.kind === "response" && res.status === 200 ? Token.safeParse(res.body) : null;
  if (!parsed?.success) return { error: res };
  // Refresh a minute early.
  tokens.set(key, { token: parsed.data.access_token, until: Date.now() + Math.max(0, parsed.data.expires_in - 60) * 1000 });
  return { token: parsed.data.access_token };
}

/** One Orders/Payments call with a bearer token (fetched once again if PayPal refuses it). */
async function api(ctx: ProviderContext, method: "GET" | "POST", path: string, body?: unknown, requestId?: string): Promise<Call> {
  for (let attempt = 0; ; attempt++) {
    const t = await token(ctx);
    if ("error" in t) return t.error.kind === "response" ? { ...t.error, status: t.error.status === 200 ? 502 : t.error.status } : t.error;
    const res = await callProvider(
      `${ctx.baseUrl}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${t.token}`,
          ...(method === "POST" ? { "content-type": "application/json" } : {}),
          ...(requestId ? { "paypal-request-id": requestId } : {}),
          prefer: "return=representation",
        },
        // Capture goes with an empty JSON body, as PayPal's own SDK sends it.
        ...(method === "POST" ? { body: body === undefined ? "" : JSON.stringify(body) } : {}),
      },
      ctx,
    );
    if (res.kind === "response" && res.status === 401 && attempt === 0) {
      tokens.delete(tokenKey(ctx));
      continue;
    }
    return res;
  }
}

const describe = (body: unknown, fallback: string) => {
  const e = PayPalError.safeParse(body);
  return e.success ? `${e.data.name}${e.data.details?.[0] ? ` (${e.data.details[0].issue})` : ""}` : fallback;
};

async function showOrder(ctx: ProviderContext, orderId: string): Promise<{ order: Order } | StatusOutput> {
  const res = await api(ctx, "GET", `/v2/checkout/orders/${encodeURIComponent(orderId)}`);
  if (res.kind !== "response") return { kind: "unavailable", message: res.message };
  if (res.status === 404) return { kind: "not_found" };
  if (res.status !== 200) return { kind: "unavailable", message: `order show answered ${res.status}`, httpStatus: res.status };
  const parsed = Order.safeParse(res.body);
  return parsed.success ? { order: parsed.data } : { kind: "unavailable", message: "unreadable order" };
}

const found = (o: Order): StatusOutput => ({ kind: "found", providerReference: o.id, ...orderStatus(o) });

async function getStatus(ctx: ProviderContext, ref: PaymentRef): Promise<StatusOutput> {
  // No order id: PayPal never answered the create, so no approval link reached the payer,
  // and an order nobody approves and ZeroFee never captures takes no money.
  if (!ref.providerReference) return { kind: "not_found" };
  const got = await showOrder(ctx, ref.providerReference);
  return "order" in got ? found(got.order) : got;
}

/** Captures an approved order (idempotent per payment), then reads what the capture says. */
async function capture(ctx: ProviderContext, ref: PaymentRef, orderId: string): Promise<StatusOutput> {
  const res = await api(ctx, "POST", `/v2/checkout/orders/${encodeURIComponent(orderId)}/capture`, undefined, `capture-${ref.providerPaymentId}`);
  if (res.kind === "response" && (res.status === 200 || res.status === 201)) {
    const parsed = Order.safeParse(res.body);
    if (parsed.success) return found(parsed.data);
  }
  // 422 ORDER_ALREADY_CAPTURED, a timeout…: the order itself tells.
  return getStatus(ctx, ref);
}

/** PayPal Checkout (Orders v2): the payer approves on PayPal, ZeroFee captures on return. */
export const paypalAdapter: ProviderAdapter = {
  metadata: {
    name: "paypal",
    displayName: "PayPal",
    countries: "*",
    methods: ["PAYIN_PAYPAL"],
    currencies: PAYPAL_CURRENCIES,
    flows: ["redirect"],
    supportsCancel: true,
    supportsOtp: false,
    supportsRefund: true,
    defaultTimeoutMs: 30_000,
    credentials: [
      { name: "client_id", description: "REST app client ID (developer.paypal.com → Apps & Credentials).", secret: false, required: true },
      { name: "client_secret", description: "REST app secret.", secret: true, required: true },
      { name: "webhook_id", description: "Id of the app's webhook pointing at /v1/webhooks/providers/paypal.", secret: false, required: true },
    ],
    liveBaseUrl: "https://api-m.paypal.com",
  },

  async initiate(ctx, input): Promise<InitiateOutput> {
    const digits = (input.customer.phone ?? "").replace(/\D/g, "");
    const res = await api(
      ctx,
      "POST",
      "/v2/checkout/orders",
      {
        intent: "CAPTURE",
        purchase_units: [
          {
            reference_id: input.providerPaymentId,
            custom_id: input.providerPaymentId,
            ...(input.description ? { description: input.description.slice(0, 127) } : {}),
            amount: { currency_code: input.currency, value: toValue(input.amount, input.currency) },
          },
        ],
        payment_source: {
          paypal: {
            ...(input.customer.email ? { email_address: input.customer.email } : {}),
            ...(digits.length >= 1 && digits.length <= 14 ? { phone: { phone_type: "MOBILE", phone_number: { national_number: digits } } } : {}),
            experience_context: {
              user_action: "PAY_NOW",
              shipping_preference: "NO_SHIPPING",
              return_url: input.returnUrl,
              cancel_url: `${input.returnUrl}${input.returnUrl.includes("?") ? "&" : "?"}${CANCEL_HINT}=${encodeURIComponent(input.providerPaymentId)}`,
            },
          },
        },
      },
      // Our provider-side id: a resumed create answers the same order.
      input.providerPaymentId,
    );
    // An order nobody can approve (its link never reached the payer) and ZeroFee never
    // captures takes no money: after a timeout or a 5xx, another provider may be tried.
    // Unreachable, timed out or a 5xx is about PayPal, not this payment: it counts against
    // PayPal's health (SPEC §5), unlike a 4xx verdict or refused credentials.
    if (res.kind !== "response") {
      return { outcome: "rejected", code: res.kind === "timeout" ? "timeout" : "connection_failed", message: res.message, providerDown: true };
    }
    if (res.status >= 500) {
      return { outcome: "rejected", code: "provider_down", message: describe(res.body, `paypal answered ${res.status}`), providerDown: true };
    }
    // 401: the token endpoint refused the client id and secret (`invalid_client`), or the order
    // call refused a token fetched afresh; 403: the account may not create orders.
    if (refusesCredentials(res.status)) return credentialsRefused("PayPal", res.status);
    if (res.status !== 200 && res.status !== 201)
      return { outcome: "rejected", code: "provider_rejected", message: describe(res.body, `paypal answered ${res.status}`) };
    const parsed = Order.safeParse(res.body);
    const link = parsed.success ? parsed.data.links?.find((l) => l.rel === "payer-action" || l.rel === "approve") : undefined;
    if (!parsed.success || !link) return { outcome: "rejected", code: "unreadable_answer", message: "order without an approval link" };
    return { outcome: "accepted", providerReference: parsed.data.id, status: "pending", nextAction: { type: "redirect", redirect_url: link.href } };
  },

  getStatus,

  async verifyReturn(ctx, ref, query): Promise<StatusOutput> {
    if (!ref.providerReference) return { kind: "not_found" };
    const got = await showOrder(ctx, ref.providerReference);
    if (!("order" in got)) return got;
    // SPEC §3: order status, then capture. The payer approved: take the money now.
    if (got.order.status === "APPROVED") return capture(ctx, ref, got.order.id);
    const status = found(got.order);
    // Back through cancel_url without approving: nothing was captured, and ZeroFee never
    // captures a closed payment, so nothing can be paid on this order any more.
    if (query[CANCEL_HINT] === ref.providerPaymentId && status.kind === "found" && (status.status === "pending" || status.status === "requires_action")) {
      return { kind: "found", status: "cancelled", providerReference: got.order.id };
    }
    return status;
  },

  async cancel(ctx, ref): Promise<CancelOutput> {
    const status = await getStatus(ctx, ref);
    if (status.kind !== "found") return status;
    // Orders v2 has no void for an uncaptured CAPTURE order; money moves only when ZeroFee
    // captures, which it never does for a closed payment: uncaptured means cancellable.
    if (status.status === "pending" || status.status === "requires_action" || status.status === "cancelled") return { kind: "cancelled" };
    return { kind: "not_cancellable", status: status.status };
  },

  async refund(ctx, ref, input): Promise<RefundOutput> {
    if (!ref.providerReference) return { kind: "rejected", code: "refund_rejected", message: "no order to refund" };
    const got = await showOrder(ctx, ref.providerReference);
    if (!("order" in got)) {
      if (got.kind === "unavailable" && refusesCredentials(got.httpStatus)) return refundCredentialsRefused("PayPal", got.httpStatus as number);
      return got.kind === "not_found"
        ? { kind: "rejected", code: "refund_rejected", message: "order not found" }
        : { kind: "unavailable", message: "order unreadable" };
    }
    const cap = firstCapture(got.order);
    if (!cap) return { kind: "rejected", code: "refund_rejected", message: "the order has no capture" };
    const res = await api(
      ctx,
      "POST",
      `/v2/payments/captures/${encodeURIComponent(cap.id)}/refund`,
      { amount: { currency_code: input.currency, value: toValue(input.amount, input.currency) }, invoice_id: input.refundId },
      input.refundId,
    );
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    if (refusesCredentials(res.status)) return refundCredentialsRefused("PayPal", res.status);
    if (res.status === 422 || res.status === 400 || res.status === 404)
      return { kind: "rejected", code: "refund_rejected", message: describe(res.body, "refund refused") };
    const parsed = RefundAnswer.safeParse(res.body);
    if ((res.status !== 200 && res.status !== 201) || !parsed.success) return { kind: "unavailable", message: `refund answered ${res.status}` };
    const { id, status } = parsed.data;
    const mapped = REFUND_STATUS_MAP[status];
    if (mapped === "failed") return { kind: "rejected", code: "refund_rejected", message: `refund ${status}` };
    return { kind: "accepted", providerRefundId: id, status: mapped };
  },

  async getRefundStatus(ctx, _ref, refund): Promise<RefundStatusOutput> {
    // Without PayPal's id the call went unanswered: processRefund re-sends it with the same PayPal-Request-Id.
    if (!refund.providerRefundId) return { kind: "not_found" };
    const res = await api(ctx, "GET", `/v2/payments/refunds/${encodeURIComponent(refund.providerRefundId)}`);
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    if (res.status === 404) return { kind: "not_found" };
    const parsed = RefundAnswer.safeParse(res.body);
    if (res.status !== 200 || !parsed.success) return { kind: "unavailable", message: `refund status answered ${res.status}` };
    return refundFound(parsed.data);
  },

  async parseWebhook(ctx, input): Promise<WebhookOutput> {
    const h = (name: string) => {
      const v = input.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const event = parseWebhookBody(input.rawBody, WebhookEvent, "event");
    if ("invalid" in event) return event.invalid;
    const fields = {
      auth_algo: h("paypal-auth-algo"),
      cert_url: h("paypal-cert-url"),
      transmission_id: h("paypal-transmission-id"),
      transmission_sig: h("paypal-transmission-sig"),
      transmission_time: h("paypal-transmission-time"),
      // ZeroFee's own simulator signs for its sandbox webhook id whatever an app stored in test mode.
      webhook_id: ctx.simulated ? SANDBOX_WEBHOOK_ID : (ctx.credentials.webhook_id ?? SANDBOX_WEBHOOK_ID),
    };
    if (Object.values(fields).some((v) => !v)) return { kind: "invalid", reason: "PayPal transmission headers missing" };
    // PayPal signs with a certificate; its documented check is this postback. The event goes
    // back as the raw text it came in, since re-serialising could change what was signed.
    const verifyBody = `${JSON.stringify(fields).slice(0, -1)},"webhook_event":${input.rawBody}}`;
    const t = await token(ctx);
    if ("error" in t) return { kind: "invalid", reason: "could not reach PayPal to verify; it will retry" };
    const res = await callProvider(
      `${ctx.baseUrl}/v1/notifications/verify-webhook-signature`,
      { method: "POST", headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" }, body: verifyBody },
      ctx,
    );
    const verdict = res.kind === "response" && res.status === 200 ? VerifyAnswer.safeParse(res.body) : null;
    if (!verdict?.success) return { kind: "invalid", reason: "could not verify with PayPal; it will retry" };
    if (verdict.data.verification_status !== "SUCCESS") return { kind: "invalid", reason: "PayPal says the signature is not valid" };

    const { id: eventId, event_type: type, resource } = event.data;
    if (type === "PAYMENT.CAPTURE.REFUNDED") {
      // Its resource is the refund, not the capture; `invoice_id` is our refund id.
      const refund = RefundAnswer.safeParse(resource);
      if (!refund.success) return { kind: "invalid", reason: "refund event without a refund" };
      return { ...refundFound(refund.data), kind: "refund", eventId, ...(refund.data.invoice_id ? { refundId: refund.data.invoice_id } : {}) };
    }
    if (type.startsWith("PAYMENT.CAPTURE.")) {
      const cap = Capture.safeParse(resource);
      if (!cap.success || !cap.data.custom_id) return { kind: "invalid", reason: "capture event without custom_id" };
      const orderId = cap.data.supplementary_data?.related_ids.order_id;
      const order: Order = { id: orderId ?? cap.data.id, status: "COMPLETED", purchase_units: [{ payments: { captures: [cap.data] } }] };
      return { kind: "event", eventId, providerPaymentId: cap.data.custom_id, ...(orderId ? { providerReference: orderId } : {}), ...orderStatus(order) };
    }
    if (type.startsWith("CHECKOUT.ORDER.")) {
      const order = Order.safeParse(resource);
      const customId = order.success ? order.data.purchase_units?.[0]?.custom_id : undefined;
      if (!order.success || !customId) return { kind: "invalid", reason: "order event without custom_id" };
      return { kind: "event", eventId, providerPaymentId: customId, providerReference: order.data.id, ...orderStatus(order.data) };
    }
    return { kind: "invalid", reason: `event ${type} is not one ZeroFee subscribes to` };
  },
};
