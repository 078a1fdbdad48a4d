import type { InitiateOutput, NextAction, OtpOutput, PaymentRef, ProviderAdapter, ProviderContext, StatusOutput, WebhookOutput } from "../contract.js";
import { credentialsRefused, refusesCredentials } from "../contract.js";
import { callProvider } from "../sandbox/http.js";
import { parseWebhookBody } from "../webhook-body.js";
import { verifyHub2 } from "./signature.js";
import { HUB2_METHODS, hub2MethodFor, type PaymentIntent as Intent, intentOutcome, PaymentIntent, WebhookEvent } from "./wire.js";

type Call = Awaited<ReturnType<typeof callProvider>>;

/** Every merchant call carries `ApiKey`, `MerchantId` and `Environment` (sandbox | live). */
const request = (ctx: ProviderContext, method: string, body?: unknown): RequestInit => ({
  method,
  headers: {
    ApiKey: ctx.credentials.api_key ?? "sandbox-key",
    MerchantId: ctx.credentials.merchant_id ?? "sandbox-merchant",
    Environment: ctx.livemode ? "live" : "sandbox",
    ...(body === undefined ? {} : { "content-type": "application/json" }),
  },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

const readIntent = (res: Call): Intent | null => {
  if (res.kind !== "response") return null;
  const parsed = PaymentIntent.safeParse(res.body);
  return parsed.success ? parsed.data : null;
};

/** References allow letters, digits, `-`, `_`, `.` and spaces only. */
const reference = (value: string | undefined, fallback: string) => (value ?? "").replace(/[^A-Za-z0-9._ -]+/g, "").slice(0, 100) || fallback;

function toStatus(intent: Intent): StatusOutput {
  // An intent no attempt was ever accepted on holds nothing: the payment was not taken.
  if (intent.payments.length === 0) return { kind: "not_found" };
  const outcome = intentOutcome(intent);
  return {
    kind: "found",
    status: outcome.status,
    providerReference: intent.id,
    ...(outcome.failure ? { failureCode: outcome.failure.code, failureMessage: outcome.failure.message } : {}),
  };
}

/** `livemode`: a real customer, to whom the sandbox's code means nothing. */
function nextActionOf(intent: Intent, livemode: boolean): NextAction {
  const action = intent.payments.at(-1)?.nextAction;
  if (action?.type === "redirection" && action.data?.url) return { type: "redirect", redirect_url: action.data.url };
  if (action?.type === "otp") return { type: "otp", instructions: `Enter the code your operator sent you${livemode ? "" : " (sandbox: 123456)"}.` };
  return { type: "ussd_push", instructions: "Approve the payment on your phone." };
}

async function fetchIntent(ctx: ProviderContext, ref: PaymentRef): Promise<Call> {
  const id = ref.providerReference ?? (typeof ref.data.intentId === "string" ? ref.data.intentId : null);
  if (id) return callProvider(`${ctx.baseUrl}/payment-intents/${encodeURIComponent(id)}`, request(ctx, "GET"), ctx);
  // After an unclear answer we only know our own purchaseReference.
  return callProvider(`${ctx.baseUrl}/payment-intents?purchaseReference=${encodeURIComponent(ref.providerPaymentId)}`, request(ctx, "GET"), ctx);
}

async function getStatus(ctx: ProviderContext, ref: PaymentRef): Promise<StatusOutput> {
  const res = await fetchIntent(ctx, ref);
  if (res.kind !== "response") return { kind: "unavailable", message: res.message };
  if (res.status === 404) return { kind: "not_found" };
  if (res.status !== 200) return { kind: "unavailable", message: `status call answered ${res.status}` };
  const body = Array.isArray(res.body) ? res.body[0] : res.body;
  if (body === undefined) return { kind: "not_found" };
  const parsed = PaymentIntent.safeParse(body);
  return parsed.success ? toStatus(parsed.data) : { kind: "unavailable", message: "unreadable status answer" };
}

/**
 * What an initiation answer means when it is not a PaymentIntent. `merchantAuth`: the call
 * carried the merchant's `ApiKey` and `MerchantId`, so its 401/403 refuses those (the
 * attempt's 401 is about the intent's own token instead).
 */
function notAccepted(res: Call, step: string, merchantAuth = false): InitiateOutput {
  // Nothing sent (connection refused): Hub2 unreachable, which counts against its health (SPEC §5).
  if (res.kind === "not_sent") return { outcome: "rejected", code: "connection_failed", message: res.message, providerDown: true };
  if (res.kind === "timeout") return { outcome: "ambiguous", code: "timeout", message: res.message };
  if (merchantAuth && refusesCredentials(res.status)) return credentialsRefused("Hub2", res.status);
  // 503: Hub2 (or the operator behind it) unavailable, request not processed — about Hub2,
  // not this payment, so it counts against its health. Other 4xx: a verdict on the request.
  if (res.status === 503) return { outcome: "rejected", code: "provider_down", message: `${step} answered ${res.status}`, providerDown: true };
  if (res.status >= 400 && res.status < 500) return { outcome: "rejected", code: "provider_rejected", message: `${step} answered ${res.status}` };
  return { outcome: "ambiguous", code: "provider_error", message: `${step} answered ${res.status}` };
}

/** Hub2: PaymentIntent + payment attempt; USSD push, OTP (Orange CI) or redirection (Wave, card). */
export const hub2Adapter: ProviderAdapter = {
  metadata: {
    name: "hub2",
    displayName: "Hub2",
    countries: ["CI", "SN"],
    methods: Object.keys(HUB2_METHODS),
    currencies: ["XOF"],
    flows: ["ussd_push", "otp", "redirect"],
    supportsCancel: false,
    supportsOtp: true,
    supportsRefund: false,
    defaultTimeoutMs: 15_000,
    credentials: [
      { name: "api_key", description: "Hub2 API key (`ApiKey` header), from the Hub2 dashboard.", secret: true, required: true },
      { name: "merchant_id", description: "Hub2 merchant id (`MerchantId` header).", secret: false, required: true },
      {
        name: "webhook_secret",
        description: "Secret Hub2 returned when the webhook was registered (verifies `Hub2-Signature`).",
        secret: true,
        required: true,
      },
      {
        name: "business_name",
        description: "`overrideBusinessName`: the name shown to the payer (required by Hub2 for aggregators).",
        secret: false,
        required: false,
      },
    ],
    liveBaseUrl: "https://api.hub2.io",
  },

  async initiate(ctx, input): Promise<InitiateOutput> {
    const method = hub2MethodFor(input.paymentMethod);
    if (!method) return { outcome: "rejected", code: "method_not_supported", message: `Hub2 does not take ${input.paymentMethod}` };
    if (input.currency !== "XOF") return { outcome: "rejected", code: "currency_not_supported", message: "Hub2 takes XOF" };
    const created = await callProvider(
      `${ctx.baseUrl}/payment-intents`,
      request(ctx, "POST", {
        customerReference: reference(input.customer.phone ?? input.customer.email, "customer"),
        // Our provider-side id: a retry finds the same intent instead of paying twice.
        purchaseReference: input.providerPaymentId,
        amount: input.amount, // XOF has no minor unit: Hub2's smallest unit is ours
        currency: input.currency,
        ...(ctx.credentials.business_name ? { overrideBusinessName: ctx.credentials.business_name } : {}),
      }),
      ctx,
    );
    const intent = readIntent(created);
    if (!intent || (created.kind === "response" && created.status >= 300)) return notAccepted(created, "PaymentIntent creation", true);
    const data = { intentId: intent.id, token: intent.token };
    // A resumed initiation whose attempt already reached Hub2: never attempt twice.
    if (intent.payments.length > 0) {
      const outcome = intentOutcome(intent);
      return { outcome: "accepted", providerReference: intent.id, status: outcome.status, nextAction: nextActionOf(intent, ctx.livemode), data };
    }
    const redirections = { onSuccessRedirectionUrl: input.returnUrl, onCancelRedirectionUrl: input.returnUrl };
    const attempt = await callProvider(
      `${ctx.baseUrl}/payment-intents/${encodeURIComponent(intent.id)}/payments`,
      request(ctx, "POST", {
        token: intent.token,
        paymentMethod: method.paymentMethod,
        country: method.country,
        provider: method.provider,
        ...(method.paymentMethod === "card"
          ? { card: redirections }
          : { mobileMoney: { msisdn: (input.customer.phone ?? "").replace(/\D/g, ""), ...redirections } }),
      }),
      ctx,
    );
    const attempted = readIntent(attempt);
    if (!attempted || (attempt.kind === "response" && attempt.status >= 300)) return notAccepted(attempt, "payment attempt");
    return {
      outcome: "accepted",
      providerReference: attempted.id,
      status: intentOutcome(attempted).status,
      nextAction: nextActionOf(attempted, ctx.livemode),
      data,
    };
  },

  getStatus,
  // Hub2 redirects back without a verifiable result: the intent is the truth.
  verifyReturn: (ctx, ref) => getStatus(ctx, ref),

  async submitOtp(ctx, ref, otp): Promise<OtpOutput> {
    let token = typeof ref.data.token === "string" ? ref.data.token : null;
    let id = ref.providerReference;
    if (!token || !id) {
      const found = readIntent(await fetchIntent(ctx, ref));
      if (!found) return { kind: "unavailable", message: "PaymentIntent could not be read" };
      token = found.token;
      id = found.id;
    }
    const res = await callProvider(
      `${ctx.baseUrl}/payment-intents/${encodeURIComponent(id)}/authentication`,
      request(ctx, "POST", { token, confirmationCode: otp }),
      ctx,
    );
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    const intent = readIntent(res);
    if (res.status < 300 && intent) return { kind: "accepted", status: intentOutcome(intent).status };
    if (res.status === 400 || res.status === 422) {
      const after = await getStatus(ctx, { ...ref, providerReference: id });
      return { kind: "invalid_otp", status: after.kind === "found" ? after.status : "requires_action" };
    }
    return { kind: "unavailable", message: `authentication answered ${res.status}` };
  },

  async refund() {
    return { kind: "unsupported", message: "Hub2 offers no refund API for pay-ins; refund the customer by a transfer." };
  },

  async parseWebhook(ctx, input): Promise<WebhookOutput> {
    const sig = input.headers["hub2-signature"];
    if (!verifyHub2(ctx.webhookSecret, input.rawBody, Array.isArray(sig) ? sig[0] : sig)) return { kind: "invalid", reason: "bad Hub2-Signature" };
    const parsed = parseWebhookBody(input.rawBody, WebhookEvent, "webhook");
    if ("invalid" in parsed) return parsed.invalid;
    const intent = parsed.data.data;
    const outcome = intentOutcome(intent);
    return {
      kind: "event",
      eventId: parsed.data.id,
      providerPaymentId: intent.purchaseReference,
      providerReference: intent.id,
      status: outcome.status,
      ...(outcome.failure ? { failureCode: outcome.failure.code, failureMessage: outcome.failure.message } : {}),
    };
  },
};
