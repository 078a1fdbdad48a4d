import { z } from "zod";
import type { ProviderPaymentStatus } from "../contract.js";

/**
 * Wire format of the `test` provider: a deliberately plain collections API, described in
 * docs/test-mode.md ("The `test` provider's API"), that exercises every flow (USSD push, OTP,
 * redirect) ZeroFee runs.
 */
export const TEST_STATUSES = ["PENDING", "OTP_REQUIRED", "PROCESSING", "SUCCESSFUL", "FAILED", "CANCELLED"] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

export const CollectionRequest = z.object({
  reference: z.string().min(1).max(100),
  amount: z.number().int().positive(),
  currency: z.string().length(3),
  method: z.string(),
  phone: z.string().optional(),
  description: z.string().nullish(),
  callback_url: z.url(),
  return_url: z.url(),
});
export type CollectionRequest = z.infer<typeof CollectionRequest>;

export const Collection = z.object({
  id: z.string(),
  reference: z.string(),
  status: z.enum(TEST_STATUSES),
  amount: z.number(),
  currency: z.string(),
  flow: z.enum(["ussd_push", "otp", "redirect"]),
  payment_url: z.string().nullable(),
  failure_reason: z.string().nullable(),
  duplicate: z.boolean().optional(),
});
export type Collection = z.infer<typeof Collection>;

export const REFUND_STATUSES = ["PENDING", "SUCCESSFUL", "FAILED"] as const;
export type TestRefundStatus = (typeof REFUND_STATUSES)[number];

/** A refund of a collection, named by our refund reference (idempotent). */
export const TestRefund = z.object({
  id: z.string(),
  refund_reference: z.string(),
  reference: z.string(),
  amount: z.number(),
  status: z.enum(REFUND_STATUSES),
  failure_reason: z.string().nullable(),
});
export type TestRefund = z.infer<typeof TestRefund>;

export const CallbackBody = z.discriminatedUnion("type", [
  z.object({ event_id: z.string(), type: z.literal("collection.updated"), data: Collection }),
  z.object({ event_id: z.string(), type: z.literal("refund.updated"), data: TestRefund }),
]);

/** Exhaustive, like the collection statuses. */
export function mapRefundStatus(status: TestRefundStatus): "pending" | "completed" | "failed" {
  switch (status) {
    case "PENDING":
      return "pending";
    case "SUCCESSFUL":
      return "completed";
    case "FAILED":
      return "failed";
  }
}

/** Exhaustive: a new provider status fails the build until it is mapped. */
export function mapStatus(status: TestStatus): ProviderPaymentStatus {
  switch (status) {
    case "PENDING":
      return "pending";
    case "OTP_REQUIRED":
      return "requires_action";
    case "PROCESSING":
      return "processing";
    case "SUCCESSFUL":
      return "completed";
    case "FAILED":
      return "failed";
    case "CANCELLED":
      return "cancelled";
  }
}

/** Methods the test provider takes by redirect (cards, PayPal, Wave: SPEC §5). */
export function isRedirectMethod(method: string): boolean {
  return method === "PAYIN_CARD" || method === "PAYIN_PAYPAL" || method.startsWith("PAYIN_WAVE_");
}
