import { z } from "zod";
import { REFUND_REASONS, REFUND_STATUSES, type refunds } from "../../db/schema/index.js";

export type RefundRow = typeof refunds.$inferSelect;

/** The public refund object (SPEC §1 `re_…`), in events and on its payment. */
export function serializeRefund(r: RefundRow) {
  return {
    id: r.id,
    object: "refund" as const,
    payment_id: r.paymentId,
    livemode: r.livemode,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    provider: r.provider,
    provider_refund_id: r.providerRefundId,
    failure_code: r.failureCode,
    failure_message: r.failureMessage,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    completed_at: r.completedAt?.toISOString() ?? null,
    settlement_id: r.settlementId,
  };
}

export const RefundSchema = z
  .object({
    id: z.string(),
    object: z.literal("refund"),
    payment_id: z.string(),
    livemode: z.boolean(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(REFUND_STATUSES).describe("pending until the provider answers; then completed or failed (a failed refund frees its amount)"),
    reason: z
      .enum(REFUND_REASONS)
      .nullable()
      .describe("The merchant's reason, or ZeroFee's own for automatic refunds: late_success (paid after expiry or cancel), duplicate_checkout"),
    provider: z.string(),
    provider_refund_id: z.string().nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    completed_at: z.string().nullable().describe("When the provider reported the money sent back"),
    settlement_id: z.string().nullable().describe("The settlement whose refunded_amount deducted this completed refund (set once, when it closes)"),
  })
  .meta({ id: "Refund" });
