import type {
  InitiateInput,
  InitiateOutput,
  NextAction,
  OtpOutput,
  PaymentRef,
  ProviderAdapter,
  ProviderContext,
  StatusOutput,
  WebhookOutput,
} from "../contract.js";
import { credentialsRefused, refusesCredentials } from "../contract.js";
import { toWholeMajorUnits } from "../sandbox/amounts.js";
import { callProvider } from "../sandbox/http.js";
import { verifySignature } from "../sandbox/signature.js";
import { parseWebhookBody } from "../webhook-body.js";
import {
  BUI_API_PREFIX,
  BUI_CURRENCIES,
  BUI_SERVICES,
  BUI_SIGNATURE_HEADER,
  ErrorBody,
  isBuiCurrency,
  isOtpService,
  mapStatus,
  type Payment,
  PaymentEnvelope,
  type PaymentRequest,
  serviceCurrency,
  WebhookBody,
} from "./wire.js";

/** Sent when an app has no key of its own (test mode): the sandbox takes any `bui_sandbox_…` key. */
const SANDBOX_KEY = "bui_sandbox_zerofee";

function headers(ctx: ProviderContext, idempotenceKey?: string): Record<string, string> {
  return {
    authorization: `Bearer ${ctx.credentials.api_key ?? SANDBOX_KEY}`,
    accept: "application/json",
    "accept-language": "en",
    "content-type": "application/json",
    // Documented: makes a retried create safe. Our provider-side id is a UUID, as BUI wants.
    ...(idempotenceKey ? { "x-idempotence-key": idempotenceKey } : {}),
  };
}

const url = (ctx: ProviderContext, path: string) => `${ctx.baseUrl}${BUI_API_PREFIX}${path}`;
const idOf = (ref: PaymentRef) => encodeURIComponent(ref.providerReference ?? ref.providerPaymentId);
const errorMessage = (body: unknown, fallback: string) => {
  const parsed = ErrorBody.safeParse(body);
  return parsed.success ? parsed.data.message : fallback;
};

/**
 * `livemode`: a real customer, to whom the sandbox's code means nothing. Only Orange Money CI
 * has the customer generate the code (#144*82#); any other operator asking for a code (the
 * sandbox's `…03` numbers) gets a neutral instruction, in English like the rest of this
 * adapter (BUI is called with `Accept-Language: en`; the payment carries no locale).
 */
function nextActionFor(p: Payment, livemode: boolean): NextAction {
  if (p.status === "otp_required") {
    const hint = livemode ? "" : " (sandbox: 123456)";
    if (isOtpService(p.service)) {
      return { type: "otp", instructions: `Dial #144*82# on the Orange Money line to get a payment code, then enter it here${hint}.` };
    }
    return { type: "otp", instructions: `Enter the payment code your mobile-money operator sent to your phone${hint}.` };
  }
  if (p.paymentUrl) return { type: "redirect", redirect_url: p.paymentUrl };
  return { type: "ussd_push", instructions: "Confirm the payment on your phone with your mobile-money PIN." };
}

function toStatus(body: unknown): StatusOutput {
  const parsed = PaymentEnvelope.safeParse(body);
  if (!parsed.success) return { kind: "unavailable", message: "unreadable BUI payment" };
  const p = parsed.data.payments;
  return {
    kind: "found",
    status: mapStatus(p.status),
    providerReference: p.id,
    ...(p.failureReason ? { failureCode: "payment_failed", failureMessage: p.failureReason } : {}),
  };
}

/** The pay-in body, or the reason the payment cannot be expressed at BUI (nothing is sent then). */
export function paymentRequest(input: InitiateInput): { body: PaymentRequest } | { reason: string } {
  const service = input.paymentMethod;
  if (!(BUI_SERVICES as readonly string[]).includes(service)) return { reason: `BUI has no service ${service}` };
  if (!isBuiCurrency(input.currency) || serviceCurrency(service) !== input.currency) return { reason: `${service} is not paid in ${input.currency}` };
  const amount = toWholeMajorUnits(input.amount, BUI_CURRENCIES[input.currency]);
  if (amount === null) return { reason: "BUI takes whole amounts only" };
  const phone = input.customer.phone;
  if (!phone) return { reason: "BUI needs the customer's phone" };
  const [firstname, ...rest] = (input.customer.name ?? "").trim().split(/\s+/).filter(Boolean);
  return {
    body: {
      paymentMethod: "mobile_money",
      mobileMoney: {
        service,
        amount,
        recipient: phone,
        reference: input.providerPaymentId,
        ...(input.description ? { note: input.description.slice(0, 255) } : {}),
        returnUrl: input.returnUrl,
        callbackUrl: input.callbackUrl,
      },
      customer: {
        ...(firstname ? { firstname } : {}),
        ...(rest.length ? { lastname: rest.join(" ") } : {}),
        ...(input.customer.email ? { email: input.customer.email } : {}),
        phoneNumber: phone,
      },
    },
  };
}

async function getStatus(ctx: ProviderContext, ref: PaymentRef): Promise<StatusOutput> {
  const res = await callProvider(url(ctx, `/payments/${idOf(ref)}`), { method: "GET", headers: headers(ctx) }, ctx);
  if (res.kind !== "response") return { kind: "unavailable", message: res.message };
  if (res.status === 404) return { kind: "not_found" };
  if (res.status !== 200) return { kind: "unavailable", message: `BUI status answered ${res.status}` };
  return toStatus(res.body);
}

/**
 * BUI Corporation (CI, BJ, BF, CM, ML, SN, TG): USSD push for mobile money, an OTP the
 * customer generates for Orange Money CI, a redirect for Wave. Callbacks are signed.
 */
export const buiAdapter: ProviderAdapter = {
  metadata: {
    name: "bui",
    displayName: "BUI Corporation",
    countries: ["CI", "BJ", "BF", "CM", "ML", "SN", "TG"],
    methods: BUI_SERVICES,
    currencies: Object.keys(BUI_CURRENCIES),
    flows: ["ussd_push", "otp", "redirect"],
    supportsCancel: false,
    supportsOtp: true,
    supportsRefund: false,
    defaultTimeoutMs: 20_000,
    credentials: [
      { name: "api_key", description: "API key from the BUI dashboard (bui_prod_… live, bui_sandbox_… sandbox).", secret: true, required: true },
      {
        name: "webhook_secret",
        description: "The ws_… secret BUI returns when you subscribe ZeroFee's webhook URL (POST /v1.0/webhooks/subscriptions).",
        secret: true,
        required: true,
      },
    ],
    liveBaseUrl: "https://api.buicorporation.io",
  },

  async initiate(ctx, input): Promise<InitiateOutput> {
    const request = paymentRequest(input);
    if ("reason" in request) return { outcome: "rejected", code: "unsupported_payment", message: request.reason };
    const res = await callProvider(
      url(ctx, "/payments"),
      { method: "POST", headers: headers(ctx, input.providerPaymentId), body: JSON.stringify(request.body) },
      ctx,
    );
    // Nothing sent (connection refused): BUI unreachable, which counts against its health (SPEC §5).
    if (res.kind === "not_sent") return { outcome: "rejected", code: "connection_failed", message: res.message, providerDown: true };
    if (res.kind === "timeout") return { outcome: "ambiguous", code: "timeout", message: res.message };
    // 503: down, nothing kept (counts against BUI's health); 429: rate-limited before processing
    // (about our request rate, not BUI being down). Both provably not accepted.
    if (res.status === 503) {
      return { outcome: "rejected", code: "provider_down", message: errorMessage(res.body, "BUI unavailable, not processed"), providerDown: true };
    }
    if (res.status === 429) return { outcome: "rejected", code: "rate_limited", message: errorMessage(res.body, "BUI rate limit") };
    if (refusesCredentials(res.status)) return credentialsRefused("BUI", res.status);
    if ([400, 409, 422].includes(res.status)) {
      return { outcome: "rejected", code: "provider_rejected", message: errorMessage(res.body, `BUI refused the payment (${res.status})`) };
    }
    if (res.status !== 200 && res.status !== 201) return { outcome: "ambiguous", code: "provider_error", message: `BUI answered ${res.status}` };
    const parsed = PaymentEnvelope.safeParse(res.body);
    if (!parsed.success) return { outcome: "ambiguous", code: "unreadable_answer", message: "unreadable BUI answer" };
    const p = parsed.data.payments;
    const status = mapStatus(p.status);
    const open = status === "pending" || status === "requires_action";
    return { outcome: "accepted", providerReference: p.id, status, nextAction: open ? nextActionFor(p, ctx.livemode) : null, data: { bui_id: p.id } };
  },

  getStatus,
  verifyReturn: (ctx, ref) => getStatus(ctx, ref),

  async submitOtp(ctx, ref, otp): Promise<OtpOutput> {
    const res = await callProvider(
      url(ctx, `/payments/${idOf(ref)}/otp`),
      { method: "POST", headers: headers(ctx), body: JSON.stringify({ otpCode: otp }) },
      ctx,
    );
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    if (res.status === 422) {
      // The error body carries no payment: ask, so a third wrong code is seen as failed.
      const now = await getStatus(ctx, ref);
      return { kind: "invalid_otp", status: now.kind === "found" ? now.status : "requires_action" };
    }
    if (res.status !== 200) return { kind: "unavailable", message: `BUI OTP answered ${res.status}` };
    const status = toStatus(res.body);
    return status.kind === "found" ? { kind: "accepted", status: status.status } : { kind: "unavailable", message: "unreadable BUI answer" };
  },

  async refund() {
    return { kind: "unsupported", message: "BUI has no pay-in refund API: settle by hand, or send a transfer (PAYOUT_…)." };
  },

  async parseWebhook(ctx, input): Promise<WebhookOutput> {
    const raw = input.headers[BUI_SIGNATURE_HEADER];
    // The context's secret is the one the sender signs with: ZeroFee's own simulator's
    // (derived) secret in test mode, the app's `webhook_secret` in live mode or behind a
    // sandbox URL override. An app's test-mode credential must not replace the simulator's.
    if (!verifySignature(ctx.webhookSecret, input.rawBody, Array.isArray(raw) ? raw[0] : raw, Math.floor(Date.now() / 1000))) {
      return { kind: "invalid", reason: "bad signature" };
    }
    const parsed = parseWebhookBody(input.rawBody, WebhookBody, "callback");
    if ("invalid" in parsed) return parsed.invalid;
    const p = parsed.data.data;
    return {
      kind: "event",
      eventId: parsed.data.id,
      providerPaymentId: p.reference,
      providerReference: p.id,
      status: mapStatus(p.status),
      ...(p.failureReason ? { failureCode: "payment_failed", failureMessage: p.failureReason } : {}),
    };
  },
};
