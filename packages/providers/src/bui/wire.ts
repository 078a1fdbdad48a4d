import { z } from "zod";
import type { ProviderPaymentStatus } from "../contract.js";

/**
 * BUI Corporation's wire format (its API documentation; docs/providers/bui.md).
 * Confirmed: base `https://api.buicorporation.io/v1.0`, `Authorization: Bearer <key>`,
 * `X-Idempotence-Key: <uuid>`, errors `{statusCode, message, field?}`, the pay-in body
 * (`paymentMethod`, `mobileMoney{service, amount (integer), recipient (E.164), reference,
 * note, otpCode}`, `customer{…, phoneNumber}`), `GET /payments/{id}`, the webhook events
 * `payment.succeeded` / `payment.failed`.
 * Unconfirmed (marked [U], see README): the payment object and its status values, the OTP
 * step's path, the per-payment `returnUrl`/`callbackUrl`, the webhook body and signature.
 */

export const BUI_API_PREFIX = "/v1.0";

/** Currencies BUI settles and their ISO-4217 exponents (both have no minor unit). */
export const BUI_CURRENCIES = { XOF: 0, XAF: 0 } as const;
export type BuiCurrency = keyof typeof BUI_CURRENCIES;
export const isBuiCurrency = (c: string): c is BuiCurrency => Object.hasOwn(BUI_CURRENCIES, c);

/** Pay-in services: ZeroFee's method codes are BUI's service names (secondary source). */
export const BUI_SERVICES = [
  "PAYIN_ORANGE_CI",
  "PAYIN_ORANGE_SN",
  "PAYIN_ORANGE_BF",
  "PAYIN_ORANGE_CM",
  "PAYIN_ORANGE_ML",
  "PAYIN_MTN_CI",
  "PAYIN_MTN_BJ",
  "PAYIN_MTN_CM",
  "PAYIN_WAVE_CI",
  "PAYIN_WAVE_SN",
  "PAYIN_MOOV_CI",
  "PAYIN_MOOV_BJ",
  "PAYIN_MOOV_BF",
  "PAYIN_MOOV_ML",
  "PAYIN_MOOV_TG",
] as const;

/** Orange Money CI is paid with an OTP the customer generates (#144*82#); Wave by redirect. */
export const isOtpService = (service: string) => service === "PAYIN_ORANGE_CI";
export const isRedirectService = (service: string) => service.startsWith("PAYIN_WAVE_");
/** A service's currency follows its country: Cameroon settles in XAF, the UEMOA in XOF. */
export const serviceCurrency = (service: string): BuiCurrency => (service.endsWith("_CM") ? "XAF" : "XOF");

/** [U] Status values of a BUI payment. */
export const BUI_STATUSES = ["pending", "otp_required", "processing", "succeeded", "failed", "cancelled", "expired"] as const;
export type BuiStatus = (typeof BUI_STATUSES)[number];

export const PaymentRequest = z.object({
  paymentMethod: z.literal("mobile_money"),
  mobileMoney: z.object({
    service: z.string().min(1),
    amount: z.number().int().positive(),
    recipient: z.string().regex(/^\+[1-9]\d{6,14}$/, "recipient must be E.164"),
    reference: z.string().min(1).max(100),
    note: z.string().max(255).optional(),
    otpCode: z.string().optional(),
    returnUrl: z.url().optional(),
    callbackUrl: z.url().optional(),
  }),
  customer: z.object({
    firstname: z.string().optional(),
    lastname: z.string().optional(),
    email: z.string().optional(),
    externalId: z.string().optional(),
    phoneNumber: z.string().min(1),
  }),
});
export type PaymentRequest = z.infer<typeof PaymentRequest>;

/** [U] The payment object, wrapped as `{payments: …}` like the documented `{transfers: …}`. */
export const Payment = z.object({
  id: z.string(),
  reference: z.string(),
  service: z.string(),
  amount: z.number(),
  currency: z.string(),
  recipient: z.string(),
  status: z.enum(BUI_STATUSES),
  paymentUrl: z.string().nullable(),
  failureReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Payment = z.infer<typeof Payment>;

export const PaymentEnvelope = z.object({ payments: Payment });

/** Documented error body. */
export const ErrorBody = z.object({ statusCode: z.number(), message: z.string(), field: z.string().optional() });

/** [U] Webhook body: one event per delivery, `id` is the deduplication key. */
export const WebhookBody = z.object({
  id: z.string(),
  event: z.enum(["payment.succeeded", "payment.failed"]),
  createdAt: z.string(),
  data: Payment,
});

/** [U] Header carrying `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export const BUI_SIGNATURE_HEADER = "x-bui-signature";

/**
 * The status map, as data. Typed as a full `Record`, so a new BUI status fails the build
 * until it is mapped. `expired`: BUI gave up waiting for the customer, nothing was paid.
 */
export const STATUS_MAP: Readonly<Record<BuiStatus, ProviderPaymentStatus>> = {
  pending: "pending",
  otp_required: "requires_action",
  processing: "processing",
  succeeded: "completed",
  failed: "failed",
  cancelled: "cancelled",
  expired: "failed",
};

export const mapStatus = (status: BuiStatus): ProviderPaymentStatus => STATUS_MAP[status];
