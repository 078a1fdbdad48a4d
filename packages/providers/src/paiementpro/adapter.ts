import type { InitiateInput, InitiateOutput, PaymentRef, ProviderAdapter, ProviderContext, StatusOutput, WebhookOutput } from "../contract.js";
import { toWholeMajorUnits } from "../sandbox/amounts.js";
import { callProvider } from "../sandbox/http.js";
import {
  CHANNELS,
  INIT_PATH,
  type InitRequest,
  InitResponse,
  isPpCurrency,
  isPpMethod,
  LIVE_BASE_URL,
  LIVE_STATUS_BASE_URL,
  mapResponseCode,
  Notification,
  PP_CURRENCIES,
  PP_METHODS,
  STATUS_PATH,
  StatusBody,
} from "./wire.js";

/** Sent when an app has no merchant id of its own (test mode): the sandbox takes any. */
const SANDBOX_MERCHANT = "PP-F0000";

/** The status API is on `api.paiementpro.net` in production; the sandbox serves both at one root. */
export function statusBase(ctx: ProviderContext): string {
  return ctx.credentials.status_base_url ?? (ctx.baseUrl === LIVE_BASE_URL ? LIVE_STATUS_BASE_URL : ctx.baseUrl);
}

function statusHeaders(ctx: ProviderContext): Record<string, string> {
  // One integration sends a Bearer key on status calls; harmless where it is not needed.
  return { accept: "application/json", ...(ctx.credentials.api_key ? { authorization: `Bearer ${ctx.credentials.api_key}` } : {}) };
}

/** The init body, or the reason the payment cannot be expressed at PaiementPro (nothing is sent then). */
export function initRequest(ctx: ProviderContext, input: InitiateInput): { body: InitRequest } | { reason: string } {
  if (!isPpMethod(input.paymentMethod)) return { reason: `PaiementPro has no channel for ${input.paymentMethod}` };
  if (!isPpCurrency(input.currency)) return { reason: `PaiementPro does not take ${input.currency}` };
  const currency = PP_CURRENCIES[input.currency];
  const amount = toWholeMajorUnits(input.amount, currency.exponent);
  if (amount === null) return { reason: "PaiementPro takes whole amounts only" };
  const [first, ...rest] = (input.customer.name ?? "").trim().split(/\s+/).filter(Boolean);
  const phone = input.customer.phone?.replace(/\D/g, "");
  return {
    body: {
      merchantId: ctx.credentials.merchant_id ?? SANDBOX_MERCHANT,
      amount,
      ...(input.description ? { description: input.description.slice(0, 255) } : {}),
      channel: CHANNELS[input.paymentMethod],
      countryCurrencyCode: currency.numeric,
      referenceNumber: input.providerPaymentId,
      ...(input.customer.email ? { customerEmail: input.customer.email } : {}),
      ...(first ? { customerFirstName: first } : {}),
      ...(rest.length ? { customerLastname: rest.join(" ") } : {}),
      ...(phone ? { customerPhoneNumber: phone } : {}),
      notificationURL: input.callbackUrl,
      returnURL: input.returnUrl,
      returnContext: JSON.stringify({ reference: input.providerPaymentId }),
    },
  };
}

const sessionOf = (url: string): string | null => {
  try {
    return new URL(url).searchParams.get("sessionid");
  } catch {
    return null;
  }
};

async function getStatus(ctx: ProviderContext, ref: PaymentRef): Promise<StatusOutput> {
  const res = await callProvider(
    `${statusBase(ctx)}${STATUS_PATH}/${encodeURIComponent(ref.providerPaymentId)}`,
    { method: "GET", headers: statusHeaders(ctx) },
    ctx,
  );
  if (res.kind !== "response") return { kind: "unavailable", message: res.message };
  if (res.status === 404) return { kind: "not_found" };
  if (res.status !== 200) return { kind: "unavailable", message: `PaiementPro status answered ${res.status}` };
  const parsed = StatusBody.safeParse(res.body);
  if (!parsed.success) return { kind: "unavailable", message: "unreadable PaiementPro status" };
  const s = parsed.data;
  const status = mapResponseCode(s.responsecode);
  return {
    kind: "found",
    status,
    ...(s.pay_id ? { providerReference: s.pay_id } : {}),
    ...(status === "failed" ? { failureCode: "payment_failed", failureMessage: `PaiementPro responsecode ${s.responsecode}` } : {}),
  };
}

function parseBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // Older integrations post the notification as a form.
    return Object.fromEntries(new URLSearchParams(raw));
  }
}

/**
 * PaiementPro (CI, BJ, BF, GW, ML, NE, SN): every method on its hosted page. Its status can
 * lag the customer's return, hence the return-check policy; its notification carries no
 * signature we can check, so the server confirms each one with a status call.
 */
export const paiementproAdapter: ProviderAdapter = {
  metadata: {
    name: "paiementpro",
    displayName: "PaiementPro",
    countries: ["CI", "BJ", "BF", "GW", "ML", "NE", "SN"],
    methods: PP_METHODS,
    currencies: Object.keys(PP_CURRENCIES),
    flows: ["redirect"],
    supportsCancel: false,
    supportsOtp: false,
    supportsRefund: false,
    defaultTimeoutMs: 20_000,
    credentials: [
      { name: "merchant_id", description: "Your PaiementPro merchant id (PP-F…), from PaiementPro's merchant space.", secret: false, required: true },
      { name: "api_key", description: "Optional key sent as a Bearer token on status calls, if PaiementPro issued one.", secret: true, required: false },
      {
        name: "status_base_url",
        description: "Optional override of the status API root (default https://api.paiementpro.net).",
        secret: false,
        required: false,
      },
    ],
    liveBaseUrl: LIVE_BASE_URL,
    // PaiementPro redirects before its own status is final (SPEC §3).
    returnCheck: { initialDelayMs: 3000, retryDelaysMs: [1000, 2000, 4000] },
  },

  async initiate(ctx, input): Promise<InitiateOutput> {
    const request = initRequest(ctx, input);
    if ("reason" in request) return { outcome: "rejected", code: "unsupported_payment", message: request.reason };
    const res = await callProvider(
      `${ctx.baseUrl}${INIT_PATH}`,
      { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(request.body) },
      ctx,
    );
    // Nothing sent, or PaiementPro's 503 "unavailable, not processed": about PaiementPro, not
    // this payment, so both count against its health (SPEC §5).
    if (res.kind === "not_sent") return { outcome: "rejected", code: "connection_failed", message: res.message, providerDown: true };
    if (res.kind === "timeout") return { outcome: "ambiguous", code: "timeout", message: res.message };
    if (res.status === 503) return { outcome: "rejected", code: "provider_down", message: "PaiementPro unavailable, not processed", providerDown: true };
    if (res.status >= 400 && res.status < 500) return { outcome: "rejected", code: "provider_rejected", message: `PaiementPro answered ${res.status}` };
    if (res.status !== 200) return { outcome: "ambiguous", code: "provider_error", message: `PaiementPro answered ${res.status}` };
    const parsed = InitResponse.safeParse(res.body);
    if (!parsed.success) return { outcome: "ambiguous", code: "unreadable_answer", message: "unreadable PaiementPro answer" };
    const answer = parsed.data;
    if (!answer.success) return { outcome: "rejected", code: "provider_rejected", message: answer.message };
    const session = sessionOf(answer.url);
    return {
      outcome: "accepted",
      providerReference: session ?? input.providerPaymentId,
      status: "pending",
      nextAction: { type: "redirect", redirect_url: answer.url },
      data: { sessionid: session },
    };
  },

  getStatus,
  // The `responsecode` in the return query is spoofable (anyone can type it): ask instead.
  verifyReturn: (ctx, ref) => getStatus(ctx, ref),

  async refund() {
    return { kind: "unsupported", message: "PaiementPro has no refund API: refund from its merchant space or by hand." };
  },

  async parseWebhook(_ctx, input): Promise<WebhookOutput> {
    const parsed = Notification.safeParse(parseBody(input.rawBody));
    if (!parsed.success) return { kind: "invalid", reason: "unexpected notification shape" };
    const n = parsed.data;
    return {
      kind: "event",
      eventId: `${n.referenceNumber}:${n.responsecode}`,
      providerPaymentId: n.referenceNumber,
      status: mapResponseCode(n.responsecode),
      // No documented signature (its `hashcode` scheme is unknown): the status call decides.
      confirmWithStatus: true,
    };
  },
};
