import { z } from "zod";
import type { ProviderPaymentStatus } from "../contract.js";

/**
 * PayPal's wire format: OAuth2 client-credentials token, Orders v2 (create, show, capture),
 * Payments v2 capture refund, webhook events and the postback verification endpoint
 * (developer.paypal.com/docs/api/orders/v2, /api/webhooks/v1). JSON throughout.
 */
export const ORDER_STATUSES = ["CREATED", "SAVED", "APPROVED", "VOIDED", "COMPLETED", "PAYER_ACTION_REQUIRED"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const CAPTURE_STATUSES = ["COMPLETED", "DECLINED", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "FAILED"] as const;
export type CaptureStatus = (typeof CAPTURE_STATUSES)[number];
export const REFUND_STATUSES = ["CANCELLED", "FAILED", "PENDING", "COMPLETED"] as const;

export const Token = z.object({ access_token: z.string(), token_type: z.string(), expires_in: z.number() });

const Money = z.object({ currency_code: z.string(), value: z.string() });

export const Capture = z.object({
  id: z.string(),
  status: z.enum(CAPTURE_STATUSES),
  amount: Money.optional(),
  custom_id: z.string().optional(),
  status_details: z.object({ reason: z.string() }).optional(),
  supplementary_data: z.object({ related_ids: z.object({ order_id: z.string().optional() }) }).optional(),
});
export type Capture = z.infer<typeof Capture>;

export const Link = z.object({ href: z.string(), rel: z.string(), method: z.string().optional() });

export const Order = z.object({
  id: z.string(),
  status: z.enum(ORDER_STATUSES),
  purchase_units: z
    .array(
      z.object({
        reference_id: z.string().optional(),
        custom_id: z.string().optional(),
        amount: Money.optional(),
        payments: z.object({ captures: z.array(Capture).optional() }).optional(),
      }),
    )
    .optional(),
  links: z.array(Link).optional(),
});
export type Order = z.infer<typeof Order>;

export const WebhookEvent = z.object({
  id: z.string(),
  event_type: z.string(),
  resource_type: z.string().optional(),
  resource: z.record(z.string(), z.unknown()),
});

export const VerifyAnswer = z.object({ verification_status: z.enum(["SUCCESS", "FAILURE"]) });

export const RefundAnswer = z.object({
  id: z.string(),
  status: z.enum(REFUND_STATUSES),
  invoice_id: z.string().optional(),
  status_details: z.object({ reason: z.string().optional() }).optional(),
});
export type RefundAnswer = z.infer<typeof RefundAnswer>;

/** Refund status → ZeroFee (a `Record` over the union: a new status fails the build). */
export const REFUND_STATUS_MAP: Record<(typeof REFUND_STATUSES)[number], "pending" | "completed" | "failed"> = {
  PENDING: "pending",
  COMPLETED: "completed",
  FAILED: "failed",
  CANCELLED: "failed",
};

export const PayPalError = z.object({ name: z.string(), message: z.string().optional(), details: z.array(z.object({ issue: z.string() })).optional() });

/**
 * Order status → ZeroFee, as data (a `Record` over the union: a new status fails the build).
 * `APPROVED` is not paid yet: ZeroFee captures it when the payer comes back. `COMPLETED`
 * is read through its capture (`CAPTURE_STATUS_MAP`): a completed order may hold a declined capture.
 */
export const ORDER_STATUS_MAP: Record<Exclude<OrderStatus, "COMPLETED">, ProviderPaymentStatus> = {
  CREATED: "pending",
  SAVED: "pending",
  APPROVED: "pending",
  PAYER_ACTION_REQUIRED: "requires_action",
  VOIDED: "cancelled",
};

export const CAPTURE_STATUS_MAP: Record<CaptureStatus, ProviderPaymentStatus> = {
  COMPLETED: "completed",
  PENDING: "processing",
  DECLINED: "failed",
  FAILED: "failed",
  // Refunded later: the payment itself did complete.
  REFUNDED: "completed",
  PARTIALLY_REFUNDED: "completed",
};

export const firstCapture = (o: Order): Capture | undefined => o.purchase_units?.[0]?.payments?.captures?.[0];

export function orderStatus(o: Order): { status: ProviderPaymentStatus; failureCode?: string; failureMessage?: string } {
  if (o.status !== "COMPLETED") return { status: ORDER_STATUS_MAP[o.status] };
  const capture = firstCapture(o);
  // A COMPLETED order without a capture cannot be read as paid.
  if (!capture) return { status: "processing" };
  const status = CAPTURE_STATUS_MAP[capture.status];
  return status === "failed"
    ? { status, failureCode: "capture_declined", failureMessage: capture.status_details?.reason ?? `capture ${capture.status}` }
    : { status };
}

/** Currencies PayPal takes without decimals; every other one it takes has two. */
const ZERO_DECIMAL = new Set(["HUF", "JPY", "TWD"]);

/**
 * Minor units → PayPal's decimal string, without floating point.
 * @example toValue(2500, "EUR") // "25.00"
 */
export function toValue(amount: number, currency: string): string {
  if (ZERO_DECIMAL.has(currency)) return String(amount);
  return `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, "0")}`;
}

/** PayPal's decimal string → minor units; null when it is not a valid amount. */
export function fromValue(value: string, currency: string): number | null {
  const m = ZERO_DECIMAL.has(currency) ? /^(\d+)$/.exec(value) : /^(\d+)\.(\d{2})$/.exec(value);
  if (!m) return null;
  return ZERO_DECIMAL.has(currency) ? Number(m[1]) : Number(m[1]) * 100 + Number(m[2]);
}

/** Currencies PayPal accepts for payments (developer.paypal.com/api/rest/reference/currency-codes). */
export const PAYPAL_CURRENCIES = [
  "AUD",
  "BRL",
  "CAD",
  "CNY",
  "CZK",
  "DKK",
  "EUR",
  "HKD",
  "HUF",
  "ILS",
  "JPY",
  "MYR",
  "MXN",
  "TWD",
  "NZD",
  "NOK",
  "PHP",
  "PLN",
  "GBP",
  "SGD",
  "SEK",
  "CHF",
  "THB",
  "USD",
] as const;

/** The webhook id of the sandbox account's endpoint (live: the `webhook_id` credential). */
export const SANDBOX_WEBHOOK_ID = "ZEROFEESANDBOXWEBHOOK";
