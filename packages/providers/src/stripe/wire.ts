import { z } from "zod";
import type { ProviderPaymentStatus } from "../contract.js";

/**
 * Stripe's wire format for Checkout Sessions in `mode=payment` (docs.stripe.com/api/checkout/sessions),
 * the PaymentIntent behind one, refunds, events and errors. Bodies sent are form-encoded;
 * answers are JSON. Only the fields ZeroFee reads are declared (zod strips the rest).
 */
export const SESSION_STATUSES = ["open", "complete", "expired"] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const SESSION_PAYMENT_STATUSES = ["paid", "unpaid", "no_payment_required"] as const;
export type SessionPaymentStatus = (typeof SESSION_PAYMENT_STATUSES)[number];
export const PI_STATUSES = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
  "processing",
  "requires_capture",
  "canceled",
  "succeeded",
] as const;
export const REFUND_STATUSES = ["pending", "requires_action", "succeeded", "failed", "canceled"] as const;

export const LastPaymentError = z.object({
  type: z.string(),
  code: z.string().optional(),
  decline_code: z.string().optional(),
  message: z.string().optional(),
});
export type LastPaymentError = z.infer<typeof LastPaymentError>;

export const PaymentIntent = z.object({
  id: z.string(),
  object: z.literal("payment_intent"),
  amount: z.number().int(),
  currency: z.string(),
  status: z.enum(PI_STATUSES),
  last_payment_error: LastPaymentError.nullable().optional(),
});
export type PaymentIntent = z.infer<typeof PaymentIntent>;

export const CheckoutSession = z.object({
  id: z.string(),
  object: z.literal("checkout.session"),
  status: z.enum(SESSION_STATUSES),
  payment_status: z.enum(SESSION_PAYMENT_STATUSES),
  amount_total: z.number().int().nullable(),
  currency: z.string().nullable(),
  client_reference_id: z.string().nullable(),
  /** An id, or the object with `expand[]=payment_intent`; null until the customer pays. */
  payment_intent: z.union([z.string(), PaymentIntent]).nullable(),
  url: z.string().nullable(),
  expires_at: z.number().int(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export type CheckoutSession = z.infer<typeof CheckoutSession>;

export const StripeEvent = z.object({
  id: z.string(),
  object: z.literal("event"),
  type: z.string(),
  created: z.number().int(),
  livemode: z.boolean(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export const Refund = z.object({
  id: z.string(),
  object: z.literal("refund"),
  amount: z.number().int(),
  status: z.enum(REFUND_STATUSES),
  failure_reason: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export type Refund = z.infer<typeof Refund>;

/** Refund events ZeroFee listens to: a status change, and (API 2024+) a failure. */
export const REFUND_EVENTS = ["refund.updated", "refund.failed", "charge.refund.updated"] as const;

/** Exhaustive: a refund `requires_action` (rare, some wallets) waits like `pending`. */
export function refundStatus(status: (typeof REFUND_STATUSES)[number]): "pending" | "completed" | "failed" {
  switch (status) {
    case "pending":
    case "requires_action":
      return "pending";
    case "succeeded":
      return "completed";
    case "failed":
    case "canceled":
      return "failed";
  }
}

export const StripeError = z.object({ error: z.object({ type: z.string(), code: z.string().optional(), message: z.string().optional() }) });

/** The session events ZeroFee listens to (its Dashboard endpoint subscribes to these). */
export const SESSION_EVENTS = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
] as const;

/**
 * Session (`status` × `payment_status`) → ZeroFee, as data; a `Record` over both unions, so a
 * new Stripe value fails the build until it is mapped. `complete` + `unpaid` is an async
 * method still settling. `expired` + unpaid: nothing was paid and nothing can be any more
 * (a decline is told apart by the PaymentIntent's `last_payment_error`, see `sessionStatus`).
 * `paid` with `open`/`expired` does not occur: money moved, so it reads as completed.
 */
export const SESSION_STATUS_MAP: Record<SessionStatus, Record<SessionPaymentStatus, ProviderPaymentStatus>> = {
  open: { unpaid: "pending", no_payment_required: "pending", paid: "completed" },
  complete: { paid: "completed", no_payment_required: "completed", unpaid: "processing" },
  expired: { unpaid: "cancelled", no_payment_required: "cancelled", paid: "completed" },
};

export interface SessionOutcome {
  status: ProviderPaymentStatus;
  failureCode?: string;
  failureMessage?: string;
}

/** What a session says, its PaymentIntent (when expanded) breaking the ties. */
export function sessionStatus(s: CheckoutSession): SessionOutcome {
  const status = SESSION_STATUS_MAP[s.status][s.payment_status];
  const pi = typeof s.payment_intent === "object" ? s.payment_intent : null;
  const error = pi?.last_payment_error;
  // SPEC §14: a declined card ends the session, its PaymentIntent carrying the decline.
  if (status === "cancelled" && error) {
    return { status: "failed", failureCode: error.decline_code ?? error.code ?? "card_declined", failureMessage: error.message ?? "card declined" };
  }
  if (status === "pending" && pi?.status === "requires_action") return { status: "requires_action" };
  return { status };
}

/**
 * Stripe's form encoding: nested objects and arrays flatten to `a[b][0][c]=v`.
 * @example formEncode({ line_items: [{ quantity: 1 }] }) // "line_items%5B0%5D%5Bquantity%5D=1"
 */
export function formEncode(value: Record<string, unknown>): string {
  const out = new URLSearchParams();
  const walk = (prefix: string, v: unknown) => {
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) walk(`${prefix}[${i}]`, item);
    } else if (typeof v === "object") for (const [k, inner] of Object.entries(v)) walk(prefix ? `${prefix}[${k}]` : k, inner);
    else out.append(prefix, String(v));
  };
  walk("", value);
  return out.toString();
}
