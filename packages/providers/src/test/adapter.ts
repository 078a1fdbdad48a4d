import type {
  CancelOutput,
  InitiateOutput,
  OtpOutput,
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
import { CallbackBody, Collection, mapRefundStatus, mapStatus, TestRefund } from "./wire.js";

/** As merchants know it (refusal messages name it). */
const NAME = "ZeroFee test provider";

const json = (ctx: ProviderContext, body?: unknown): RequestInit => ({
  headers: {
    authorization: `Bearer ${ctx.credentials.api_key ?? "test"}`,
    ...(body === undefined ? {} : { "content-type": "application/json" }),
  },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

function toStatus(body: unknown): StatusOutput {
  const parsed = Collection.safeParse(body);
  if (!parsed.success) return { kind: "unavailable", message: "unreadable status answer" };
  const c = parsed.data;
  return {
    kind: "found",
    status: mapStatus(c.status),
    providerReference: c.id,
    ...(c.failure_reason ? { failureCode: "payment_failed", failureMessage: c.failure_reason } : {}),
  };
}

async function getStatus(ctx: ProviderContext, ref: PaymentRef): Promise<StatusOutput> {
  const res = await callProvider(
    `${ctx.baseUrl}/v1/collections/by-reference/${encodeURIComponent(ref.providerPaymentId)}`,
    { method: "GET", ...json(ctx) },
    ctx,
  );
  if (res.kind !== "response") return { kind: "unavailable", message: res.message };
  if (res.status === 404) return { kind: "not_found" };
  if (res.status !== 200) return { kind: "unavailable", message: `status call answered ${res.status}` };
  return toStatus(res.body);
}

/** The simplest provider: USSD push, OTP and redirect flows, outcomes chosen by test data. */
export const testAdapter: ProviderAdapter = {
  metadata: {
    name: "test",
    displayName: NAME,
    countries: "*",
    methods: "*",
    currencies: "*",
    flows: ["ussd_push", "otp", "redirect"],
    supportsCancel: true,
    supportsOtp: true,
    supportsRefund: true,
    defaultTimeoutMs: 15_000,
    credentials: [{ name: "api_key", description: "Any value: the test provider only exists as a sandbox.", secret: true, required: false }],
    liveBaseUrl: "https://test-provider.invalid",
  },

  async initiate(ctx, input): Promise<InitiateOutput> {
    const res = await callProvider(
      `${ctx.baseUrl}/v1/collections`,
      {
        method: "POST",
        ...json(ctx, {
          reference: input.providerPaymentId,
          amount: input.amount,
          currency: input.currency,
          method: input.paymentMethod,
          phone: input.customer.phone,
          description: input.description ?? null,
          callback_url: input.callbackUrl,
          return_url: input.returnUrl,
        }),
      },
      ctx,
    );
    if (res.kind === "not_sent") return { outcome: "rejected", code: "connection_failed", message: res.message, providerDown: true };
    if (res.kind === "timeout") return { outcome: "ambiguous", code: "timeout", message: res.message };
    // 503 SERVICE_UNAVAILABLE is the documented "down, nothing processed" answer.
    if (res.status === 503) return { outcome: "rejected", code: "provider_down", message: "provider unavailable, not processed", providerDown: true };
    if (res.status === 400 || res.status === 422) {
      return { outcome: "rejected", code: "provider_rejected", message: "provider refused the request" };
    }
    // Its documented UNAUTHORIZED: the app's key was refused before anything was processed.
    if (refusesCredentials(res.status)) return credentialsRefused(NAME, res.status);
    if (res.status !== 200 && res.status !== 201) {
      return { outcome: "ambiguous", code: "provider_error", message: `provider answered ${res.status}` };
    }
    const parsed = Collection.safeParse(res.body);
    if (!parsed.success) return { outcome: "ambiguous", code: "unreadable_answer", message: "unreadable provider answer" };
    const c = parsed.data;
    const status = mapStatus(c.status);
    const nextAction =
      c.flow === "redirect" && c.payment_url
        ? ({ type: "redirect", redirect_url: c.payment_url } as const)
        : c.flow === "otp"
          ? ({ type: "otp", instructions: "Enter the code sent to your phone (sandbox: 123456)." } as const)
          : ({ type: "ussd_push", instructions: "Confirm the payment on your phone." } as const);
    return { outcome: "accepted", providerReference: c.id, status, nextAction };
  },

  getStatus,
  verifyReturn: (ctx, ref) => getStatus(ctx, ref),

  async submitOtp(ctx, ref, otp): Promise<OtpOutput> {
    const res = await callProvider(
      `${ctx.baseUrl}/v1/collections/by-reference/${encodeURIComponent(ref.providerPaymentId)}/otp`,
      { method: "POST", ...json(ctx, { otp }) },
      ctx,
    );
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    const parsed = Collection.safeParse(res.body);
    if (!parsed.success) return { kind: "unavailable", message: `otp call answered ${res.status}` };
    const status = mapStatus(parsed.data.status);
    return res.status === 422 ? { kind: "invalid_otp", status } : { kind: "accepted", status };
  },

  async refund(ctx, ref, input): Promise<RefundOutput> {
    const res = await callProvider(
      `${ctx.baseUrl}/v1/collections/by-reference/${encodeURIComponent(ref.providerPaymentId)}/refunds`,
      { method: "POST", ...json(ctx, { refund_reference: input.refundId, amount: input.amount }) },
      ctx,
    );
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    const made = TestRefund.safeParse(res.body);
    if ((res.status === 200 || res.status === 201) && made.success) {
      const status = mapRefundStatus(made.data.status);
      if (status === "failed") return { kind: "rejected", code: "refund_failed", message: made.data.failure_reason ?? "refund failed" };
      return { kind: "accepted", providerRefundId: made.data.id, status };
    }
    if (refusesCredentials(res.status)) return refundCredentialsRefused(NAME, res.status);
    if (res.status === 409 || res.status === 400 || res.status === 404) {
      const body = res.body as { message?: unknown } | null;
      return { kind: "rejected", code: "refund_rejected", message: typeof body?.message === "string" ? body.message : "refund refused" };
    }
    return { kind: "unavailable", message: `refund call answered ${res.status}` };
  },

  async getRefundStatus(ctx, ref, refund): Promise<RefundStatusOutput> {
    const res = await callProvider(
      `${ctx.baseUrl}/v1/collections/by-reference/${encodeURIComponent(ref.providerPaymentId)}/refunds/${encodeURIComponent(refund.refundId)}`,
      { method: "GET", ...json(ctx) },
      ctx,
    );
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    if (res.status === 404) return { kind: "not_found" };
    const parsed = TestRefund.safeParse(res.body);
    if (res.status !== 200 || !parsed.success) return { kind: "unavailable", message: `refund status answered ${res.status}` };
    const f = parsed.data;
    return {
      kind: "found",
      status: mapRefundStatus(f.status),
      providerRefundId: f.id,
      ...(f.failure_reason ? { failureCode: "refund_failed", failureMessage: f.failure_reason } : {}),
    };
  },

  async cancel(ctx, ref): Promise<CancelOutput> {
    const res = await callProvider(
      `${ctx.baseUrl}/v1/collections/by-reference/${encodeURIComponent(ref.providerPaymentId)}/cancel`,
      { method: "POST", ...json(ctx, {}) },
      ctx,
    );
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    if (res.status === 404) return { kind: "not_found" };
    const parsed = Collection.safeParse(res.body);
    if (!parsed.success) return { kind: "unavailable", message: `cancel call answered ${res.status}` };
    return parsed.data.status === "CANCELLED" ? { kind: "cancelled" } : { kind: "not_cancellable", status: mapStatus(parsed.data.status) };
  },

  async parseWebhook(ctx, input): Promise<WebhookOutput> {
    const sig = input.headers["x-test-signature"];
    if (!verifySignature(ctx.webhookSecret, input.rawBody, Array.isArray(sig) ? sig[0] : sig, Math.floor(Date.now() / 1000))) {
      return { kind: "invalid", reason: "bad signature" };
    }
    const parsed = parseWebhookBody(input.rawBody, CallbackBody, "callback");
    if ("invalid" in parsed) return parsed.invalid;
    if (parsed.data.type === "refund.updated") {
      const f = parsed.data.data;
      return {
        kind: "refund",
        eventId: parsed.data.event_id,
        refundId: f.refund_reference,
        providerRefundId: f.id,
        status: mapRefundStatus(f.status),
        ...(f.failure_reason ? { failureCode: "refund_failed", failureMessage: f.failure_reason } : {}),
      };
    }
    const c = parsed.data.data;
    return {
      kind: "event",
      eventId: parsed.data.event_id,
      providerPaymentId: c.reference,
      providerReference: c.id,
      status: mapStatus(c.status),
      ...(c.failure_reason ? { failureCode: "payment_failed", failureMessage: c.failure_reason } : {}),
    };
  },
};
