import { z } from "zod";
import type { ProviderPaymentStatus } from "../contract.js";

/**
 * Hub2 API wire format (docs.hub2.io): a PaymentIntent created with the merchant's headers,
 * then a payment attempt on it authorised by the intent's JWT `token`, an optional
 * authentication step (`nextAction`: OTP or redirection), and signed webhooks. What is
 * documented and what is inferred is listed in this folder's README.
 */

/** Our method code → the attempt's `paymentMethod`, `country` and `provider`. */
export const HUB2_METHODS = {
  PAYIN_ORANGE_CI: { paymentMethod: "mobile_money", country: "CI", provider: "orange" },
  PAYIN_MTN_CI: { paymentMethod: "mobile_money", country: "CI", provider: "mtn" },
  PAYIN_MOOV_CI: { paymentMethod: "mobile_money", country: "CI", provider: "moov" },
  PAYIN_WAVE_CI: { paymentMethod: "mobile_money", country: "CI", provider: "wave" },
  PAYIN_ORANGE_SN: { paymentMethod: "mobile_money", country: "SN", provider: "orange" },
  PAYIN_WAVE_SN: { paymentMethod: "mobile_money", country: "SN", provider: "wave" },
  PAYIN_CARD: { paymentMethod: "card", country: "CI", provider: "card" },
} as const satisfies Record<string, { paymentMethod: "mobile_money" | "card"; country: string; provider: string }>;

export type Hub2Method = keyof typeof HUB2_METHODS;

export function hub2MethodFor(method: string): (typeof HUB2_METHODS)[Hub2Method] | undefined {
  return Object.hasOwn(HUB2_METHODS, method) ? HUB2_METHODS[method as Hub2Method] : undefined;
}

/**
 * How Hub2 authenticates an attempt, per operator (docs.hub2.io payments_authentication):
 * Wave and cards by redirection, Orange CI by OTP (`confirmationCode`), others by the
 * operator's USSD push.
 */
export function authenticationFor(method: { paymentMethod: string; country: string; provider: string }): "redirection" | "otp" | "push" {
  if (method.paymentMethod === "card" || method.provider === "wave") return "redirection";
  if (method.provider === "orange" && method.country === "CI") return "otp";
  return "push";
}

export const INTENT_STATUSES = ["payment_required", "action_required", "processing", "succeeded", "failed"] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];
export const PAYMENT_STATUSES = ["pending", "action_required", "processing", "succeeded", "failed", "cancelled"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Exhaustive. `processing`: the operator is waiting for the customer to approve. */
export function mapIntentStatus(status: IntentStatus): ProviderPaymentStatus {
  switch (status) {
    case "payment_required":
      return "pending";
    case "action_required":
    case "processing":
      return "requires_action";
    case "succeeded":
      return "completed";
    case "failed":
      return "failed";
  }
}

/** Exhaustive, for the latest attempt of an intent. */
export function mapPaymentStatus(status: PaymentStatus): ProviderPaymentStatus {
  switch (status) {
    case "pending":
      return "pending";
    case "action_required":
    case "processing":
      return "requires_action";
    case "succeeded":
      return "completed";
    case "failed":
      return "failed";
    case "cancelled":
      return "cancelled";
  }
}

export const NextAction = z.object({
  type: z.enum(["otp", "redirection"]),
  message: z.string(),
  data: z.object({ url: z.string(), method: z.string(), headers: z.record(z.string(), z.string()), data: z.record(z.string(), z.unknown()) }).optional(),
});

export const Payment = z.object({
  id: z.string(),
  intentId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(PAYMENT_STATUSES),
  method: z.string(),
  country: z.string(),
  provider: z.string(),
  number: z.string().optional(),
  nextAction: NextAction.nullish(),
  failure: z.object({ code: z.string(), message: z.string() }).nullish(),
});
export type Payment = z.infer<typeof Payment>;

export const PaymentIntent = z.object({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  merchantId: z.string(),
  purchaseReference: z.string(),
  customerReference: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  token: z.string(),
  status: z.enum(INTENT_STATUSES),
  payments: z.array(Payment),
  mode: z.enum(["sandbox", "live"]),
});
export type PaymentIntent = z.infer<typeof PaymentIntent>;

/** References take letters, digits, `-`, `_`, `.` and spaces only (else 400). */
const REFERENCE = /^[A-Za-z0-9._ -]{1,100}$/;

export const CreateIntentRequest = z.object({
  customerReference: z.string().regex(REFERENCE),
  purchaseReference: z.string().regex(REFERENCE),
  amount: z.number().int().positive(),
  currency: z.string().length(3),
  overrideBusinessName: z.string().optional(),
});

const Redirections = { onSuccessRedirectionUrl: z.url().optional(), onCancelRedirectionUrl: z.url().optional() };

export const AttemptRequest = z.object({
  token: z.string(),
  paymentMethod: z.enum(["mobile_money", "card"]),
  country: z.string().length(2),
  provider: z.string(),
  mobileMoney: z.object({ msisdn: z.string(), otp: z.string().optional(), ...Redirections }).optional(),
  card: z.object(Redirections).optional(),
});
export type AttemptRequest = z.infer<typeof AttemptRequest>;

export const AuthenticationRequest = z.object({ token: z.string(), confirmationCode: z.string() });

export const WebhookEvent = z.object({ id: z.string(), type: z.string(), createdAt: z.string(), data: PaymentIntent });

/**
 * What an intent says about the payment: its latest attempt when the intent went back to
 * `payment_required` after a failed or cancelled attempt (Hub2 allows new attempts), else the
 * intent's own status.
 */
export function intentOutcome(intent: PaymentIntent): { status: ProviderPaymentStatus; failure?: { code: string; message: string } } {
  const last = intent.payments.at(-1);
  if (intent.status === "payment_required" && last) {
    return { status: mapPaymentStatus(last.status), ...(last.failure ? { failure: last.failure } : {}) };
  }
  return { status: mapIntentStatus(intent.status), ...(last?.failure ? { failure: last.failure } : {}) };
}
