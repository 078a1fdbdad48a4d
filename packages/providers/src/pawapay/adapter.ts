import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import type {
  InitiateInput,
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
import { toPawapayAmount } from "./amount.js";
import { verifyMessage } from "./signature.js";
import {
  Deposit,
  type DepositStatus,
  InitiateResponse,
  mapDepositStatus,
  mapRefundStatus,
  PAWAPAY_PROVIDERS,
  PaymentPageResponse,
  PublicKeys,
  pawapayProviderFor,
  RefundObject,
  RefundResponse,
  RefundStatusResponse,
  StatusResponse,
  usesPaymentPage,
} from "./wire.js";

/** ZeroFee's inbound route for PawaPay (SPEC §4), the `@path` PawaPay signs its callbacks for. */
export const PAWAPAY_CALLBACK_PATH = "/v1/webhooks/providers/pawapay";

const auth = (ctx: ProviderContext, body?: unknown): RequestInit => ({
  headers: {
    // Sandbox tokens work only in the sandbox; our simulator takes any.
    authorization: `Bearer ${ctx.credentials.api_token ?? "sandbox-token"}`,
    ...(body === undefined ? {} : { "content-type": "application/json" }),
  },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

/** `customerMessage`: 4–22 letters, digits or spaces, shown to the payer; omitted when too short. */
export function customerMessage(description: string | null | undefined): string | undefined {
  const text = (description ?? "")
    .replace(/[^A-Za-z0-9 ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 22)
    .trim();
  return text.length >= 4 ? text : undefined;
}

/** PawaPay ids are UUIDs; our refund ids are not, so one is derived from ours (stable: idempotent). */
export function uuidFrom(id: string): string {
  const h = createHash("sha256").update(`zerofee-refund:${id}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `GET /v2/deposits/{depositId}`: the deposit, "not found", or why there is no answer. */
async function fetchDeposit(ctx: ProviderContext, depositId: string): Promise<Deposit | "not_found" | { unavailable: string }> {
  const res = await callProvider(`${ctx.baseUrl}/v2/deposits/${encodeURIComponent(depositId)}`, { method: "GET", ...auth(ctx) }, ctx);
  if (res.kind !== "response") return { unavailable: res.message };
  if (res.status !== 200) return { unavailable: `status call answered ${res.status}` };
  const parsed = StatusResponse.safeParse(res.body);
  if (!parsed.success) return { unavailable: "unreadable status answer" };
  return parsed.data.status === "NOT_FOUND" ? "not_found" : parsed.data.data;
}

async function getStatus(ctx: ProviderContext, ref: PaymentRef): Promise<StatusOutput> {
  const d = await fetchDeposit(ctx, ref.providerPaymentId);
  if (d === "not_found") return { kind: "not_found" };
  if ("unavailable" in d) return { kind: "unavailable", message: d.unavailable };
  return {
    kind: "found",
    status: mapDepositStatus(d.status),
    providerReference: d.depositId,
    ...(d.failureReason ? { failureCode: d.failureReason.failureCode, failureMessage: d.failureReason.failureMessage ?? d.failureReason.failureCode } : {}),
  };
}

// Verification keys by API root and key id; PawaPay rotates rarely, a miss refetches the list.
const keyCache = new Map<string, KeyObject>();

async function publicKey(ctx: ProviderContext, keyId: string): Promise<KeyObject | undefined> {
  const cacheKey = `${ctx.baseUrl}#${keyId}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const res = await callProvider(`${ctx.baseUrl}/v2/public-key/http`, { method: "GET", ...auth(ctx) }, ctx);
  if (res.kind !== "response" || res.status !== 200) return undefined;
  const keys = PublicKeys.safeParse(res.body);
  if (!keys.success) return undefined;
  for (const k of keys.data) {
    try {
      keyCache.set(`${ctx.baseUrl}#${k.id}`, createPublicKey(k.key));
    } catch {
      // an unreadable key is simply not usable
    }
  }
  return keyCache.get(cacheKey);
}

type Call = Awaited<ReturnType<typeof callProvider>>;

/**
 * PawaPay's documented "unavailable, not processed" answer: a REJECTED deposit (or page) whose
 * `failureCode` is PROVIDER_TEMPORARILY_UNAVAILABLE. It is about PawaPay (or the operator
 * behind it), not this payment, so it counts against PawaPay's health (SPEC §5).
 */
export const UNAVAILABLE_CODE = "PROVIDER_TEMPORARILY_UNAVAILABLE";

/** A documented REJECTED answer as a rejection; `providerDown` only for the "unavailable" one. */
function rejectedBy(failure: { failureCode: string; failureMessage?: string | undefined } | undefined, fallback: string): InitiateOutput {
  const code = failure?.failureCode ?? "REJECTED";
  return { outcome: "rejected", code, message: failure?.failureMessage ?? fallback, ...(code === UNAVAILABLE_CODE ? { providerDown: true } : {}) };
}

/** An initiation answer that is not a 200: a documented refusal, or unknown. */
function unclear(res: Call): InitiateOutput {
  // Nothing was sent (connection refused): PawaPay unreachable, which counts against its health.
  if (res.kind === "not_sent") return { outcome: "rejected", code: "connection_failed", message: res.message, providerDown: true };
  if (res.kind === "timeout") return { outcome: "ambiguous", code: "timeout", message: res.message };
  // 400 INVALID_INPUT, 401 AUTHENTICATION_ERROR, 403 AUTHORISATION_ERROR: refused before processing.
  if (refusesCredentials(res.status)) return credentialsRefused("PawaPay", res.status);
  if (res.status >= 400 && res.status < 500) return { outcome: "rejected", code: "provider_rejected", message: `PawaPay answered ${res.status}` };
  return { outcome: "ambiguous", code: "provider_error", message: `PawaPay answered ${res.status}` };
}

/**
 * `POST /v2/paymentpage`: PawaPay's hosted page, where the customer authorises (Wave) and is
 * sent back to `returnUrl` with the `depositId`. The deposit exists only once they pay, so
 * "not found" before that is normal; the page lives 15 minutes.
 */
async function paymentPage(ctx: ProviderContext, input: InitiateInput, p: { country: string; phoneNumber: string; message?: string }): Promise<InitiateOutput> {
  const body = {
    depositId: input.providerPaymentId,
    returnUrl: input.returnUrl,
    amountDetails: { amount: toPawapayAmount(input.amount, input.currency), currency: input.currency },
    country: p.country,
    language: p.country === "KEN" || p.country === "GHA" || p.country === "UGA" || p.country === "ZMB" || p.country === "RWA" ? "EN" : "FR",
    ...(p.phoneNumber ? { phoneNumber: p.phoneNumber } : {}),
    ...(p.message ? { customerMessage: p.message, reason: p.message } : {}),
  };
  const res = await callProvider(`${ctx.baseUrl}/v2/paymentpage`, { method: "POST", ...auth(ctx, body) }, ctx);
  if (res.kind !== "response" || res.status !== 200) return unclear(res);
  const parsed = PaymentPageResponse.safeParse(res.body);
  if (!parsed.success) return { outcome: "ambiguous", code: "unreadable_answer", message: "unreadable PawaPay answer" };
  if ("failureReason" in parsed.data) return rejectedBy(parsed.data.failureReason, "PawaPay refused the page");
  return {
    outcome: "accepted",
    providerReference: input.providerPaymentId,
    status: "pending",
    nextAction: { type: "redirect", redirect_url: parsed.data.redirectUrl },
    data: { paymentPage: true },
  };
}

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** One callback per deposit and final status: that pair is the message's identity. */
function callbackEvent(d: Deposit, status: DepositStatus, failure: Deposit["failureReason"]): Extract<WebhookOutput, { kind: "event" }> {
  return {
    kind: "event",
    eventId: `${d.depositId}:${status}`,
    providerPaymentId: d.depositId,
    providerReference: d.depositId,
    status: mapDepositStatus(status),
    ...(failure ? { failureCode: failure.failureCode, failureMessage: failure.failureMessage ?? failure.failureCode } : {}),
  };
}

/** `GET /v2/refunds/{refundId}`: the refund, "not found", or why there is no answer. */
async function fetchRefund(ctx: ProviderContext, refundId: string): Promise<RefundStatusOutput> {
  const res = await callProvider(`${ctx.baseUrl}/v2/refunds/${encodeURIComponent(refundId)}`, { method: "GET", ...auth(ctx) }, ctx);
  if (res.kind !== "response") return { kind: "unavailable", message: res.message };
  if (res.status !== 200) return { kind: "unavailable", message: `refund status answered ${res.status}` };
  const parsed = RefundStatusResponse.safeParse(res.body);
  if (!parsed.success) return { kind: "unavailable", message: "unreadable refund status" };
  return parsed.data.status === "NOT_FOUND" ? { kind: "not_found" } : refundFound(parsed.data.data);
}

function refundFound(r: RefundObject): Extract<RefundStatusOutput, { kind: "found" }> {
  const f = r.failureReason;
  return {
    kind: "found",
    status: mapRefundStatus(r.status),
    providerRefundId: r.refundId,
    ...(f ? { failureCode: f.failureCode, failureMessage: f.failureMessage ?? f.failureCode } : {}),
  };
}

/** PawaPay v2 deposits: USSD PIN prompt by the operator, final result by callback or status call. */
export const pawapayAdapter: ProviderAdapter = {
  metadata: {
    name: "pawapay",
    displayName: "PawaPay",
    countries: ["CI", "SN", "CM", "BJ", "BF", "GH", "KE", "UG", "ZM", "RW"],
    methods: Object.keys(PAWAPAY_PROVIDERS),
    currencies: ["XOF", "XAF", "GHS", "KES", "UGX", "ZMW", "RWF"],
    flows: ["ussd_push", "redirect"],
    supportsCancel: false,
    supportsOtp: false,
    supportsRefund: true,
    defaultTimeoutMs: 15_000,
    credentials: [
      { name: "api_token", description: "API token from the PawaPay Dashboard (sandbox tokens work only in the sandbox).", secret: true, required: true },
    ],
    liveBaseUrl: "https://api.pawapay.io",
  },

  async initiate(ctx, input): Promise<InitiateOutput> {
    const target = pawapayProviderFor(input.paymentMethod);
    if (!target) return { outcome: "rejected", code: "method_not_supported", message: `PawaPay does not take ${input.paymentMethod}` };
    if (target.currency !== input.currency)
      return { outcome: "rejected", code: "currency_not_supported", message: `${target.provider} takes ${target.currency}` };
    const message = customerMessage(input.description);
    const phoneNumber = (input.customer.phone ?? "").replace(/\D/g, "");
    if (usesPaymentPage(target.provider)) return paymentPage(ctx, input, { country: target.country, phoneNumber, message });
    const body = {
      depositId: input.providerPaymentId,
      amount: toPawapayAmount(input.amount, input.currency),
      currency: input.currency,
      payer: { type: "MMO", accountDetails: { phoneNumber, provider: target.provider } },
      clientReferenceId: input.providerPaymentId,
      ...(message ? { customerMessage: message } : {}),
    };
    const res = await callProvider(`${ctx.baseUrl}/v2/deposits`, { method: "POST", ...auth(ctx, body) }, ctx);
    if (res.kind !== "response" || res.status !== 200) return unclear(res);
    const parsed = InitiateResponse.safeParse(res.body);
    if (!parsed.success) return { outcome: "ambiguous", code: "unreadable_answer", message: "unreadable PawaPay answer" };
    // REJECTED: a verdict on the deposit (INVALID_PHONE_NUMBER…), or PawaPay unavailable.
    if (parsed.data.status === "REJECTED") return rejectedBy(parsed.data.failureReason, "PawaPay rejected the deposit");
    // ACCEPTED, or DUPLICATE_IGNORED on a retry with the same depositId: the first one stands.
    const status =
      parsed.data.status === "DUPLICATE_IGNORED"
        ? await getStatus(ctx, { providerPaymentId: input.providerPaymentId, providerReference: null, data: {} })
        : null;
    return {
      outcome: "accepted",
      providerReference: input.providerPaymentId,
      status: status?.kind === "found" ? status.status : "pending",
      nextAction: { type: "ussd_push", instructions: "Approve the payment with your mobile-money PIN on your phone." },
    };
  },

  getStatus,
  // The payment page returns with `depositId` only; the status call is the truth (SPEC §3).
  verifyReturn: (ctx, ref) => getStatus(ctx, ref),

  async parseWebhook(ctx, input): Promise<WebhookOutput> {
    // Refund callbacks carry the refund (`refundId`), deposit callbacks the deposit.
    const parsed = parseWebhookBody(input.rawBody, z.union([RefundObject, Deposit]), "callback");
    if ("invalid" in parsed) return parsed.invalid;
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(input.headers)) headers[k.toLowerCase()] = single(v);
    // Signed callbacks are a Dashboard option: when signed, the signature must verify; when
    // not, nothing proves the sender, so the status is asked of PawaPay before use.
    let signed = false;
    if (headers.signature || headers["signature-input"]) {
      const keyId = /;keyid="([^"]*)"/.exec(headers["signature-input"] ?? "")?.[1];
      const key = keyId ? await publicKey(ctx, keyId) : undefined;
      const check = verifyMessage({
        method: "POST",
        authority: headers.host ?? "",
        path: PAWAPAY_CALLBACK_PATH,
        headers,
        body: input.rawBody,
        keyFor: () => key,
        // Refuses a captured callback replayed later (created / Signature-Date too old).
        now: new Date(),
      });
      if (!check.ok) return { kind: "invalid", reason: check.reason };
      signed = true;
    }
    const d = parsed.data;
    if ("refundId" in d) {
      // Unsigned: PawaPay's status call on the named refund is what counts.
      const found = signed ? refundFound(d) : await fetchRefund(ctx, d.refundId);
      if (found.kind !== "found") return { kind: "invalid", reason: "unsigned refund callback could not be confirmed with PawaPay" };
      return { ...found, kind: "refund", eventId: `refund:${d.refundId}:${found.status}` };
    }
    if (signed) return callbackEvent(d, d.status, d.failureReason);
    // Unsigned: nothing proves the sender. The server asks PawaPay's status call and refuses
    // the message (changing nothing) unless PawaPay's answer is the status it reports.
    return { ...callbackEvent(d, d.status, d.failureReason), confirmWithStatus: true };
  },

  async refund(ctx, ref, input): Promise<RefundOutput> {
    const refundId = uuidFrom(input.refundId);
    const body = { refundId, depositId: ref.providerPaymentId, amount: toPawapayAmount(input.amount, input.currency), currency: input.currency };
    const res = await callProvider(`${ctx.baseUrl}/v2/refunds`, { method: "POST", ...auth(ctx, body) }, ctx);
    if (res.kind !== "response") return { kind: "unavailable", message: res.message };
    if (refusesCredentials(res.status)) return refundCredentialsRefused("PawaPay", res.status);
    const parsed = RefundResponse.safeParse(res.body);
    if (res.status !== 200 || !parsed.success) return { kind: "unavailable", message: `refund call answered ${res.status}` };
    if (parsed.data.status === "REJECTED") {
      return {
        kind: "rejected",
        code: parsed.data.failureReason?.failureCode ?? "REJECTED",
        message: parsed.data.failureReason?.failureMessage ?? "refund refused",
      };
    }
    return { kind: "accepted", providerRefundId: refundId, status: "pending" };
  },

  // Our refund id decides PawaPay's (uuidFrom), so even an unanswered call can be looked up.
  getRefundStatus: (ctx, _ref, refund) => fetchRefund(ctx, refund.providerRefundId ?? uuidFrom(refund.refundId)),
};
