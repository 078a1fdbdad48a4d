import { z } from "zod";
import type { settlements } from "../../db/schema/index.js";
import { PageQuery } from "../../lib/cursor.js";
import { CreatedBound } from "../created-range.js";
import { RefundSchema } from "../refunds/serialize.js";

export type SettlementRow = typeof settlements.$inferSelect;

/** The public settlement object (SPEC §10 `stl_…`), in the API and in `settlement.created`. */
export function serializeSettlement(s: SettlementRow) {
  return {
    id: s.id,
    object: "settlement" as const,
    livemode: s.livemode,
    currency: s.currency,
    period_start: s.periodStart.toISOString(),
    period_end: s.periodEnd.toISOString(),
    count: s.count,
    gross_amount: s.grossAmount,
    fee_amount: s.feeAmount,
    refunded_amount: s.refundedAmount,
    net_amount: s.netAmount,
    status: s.status,
    created_at: s.createdAt.toISOString(),
  };
}

export const SettlementSchema = z
  .object({
    id: z.string(),
    object: z.literal("settlement"),
    livemode: z.boolean(),
    currency: z.string(),
    period_start: z.string().describe("Start of the period, inclusive"),
    period_end: z.string().describe("End of the period, exclusive"),
    count: z.number().int().describe("Payments in the settlement"),
    gross_amount: z.number().int().describe("Sum of the payments' amounts, in minor units"),
    fee_amount: z.number().int().describe("Sum of the payments' fees"),
    refunded_amount: z.number().int().describe("Sum of the refunds completed in the period"),
    net_amount: z.number().int().describe("gross_amount − fee_amount − refunded_amount"),
    status: z.literal("paid"),
    created_at: z.string(),
  })
  .meta({ id: "Settlement" });

export const SettlementIdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const ListSettlementsQuery = PageQuery.extend({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  created_from: CreatedBound.optional(),
  created_to: CreatedBound.optional(),
});
export type ListSettlementsInput = z.infer<typeof ListSettlementsQuery>;

export const SettlementPaymentsQuery = PageQuery;

/**
 * A refund a settlement deducted, with what an accountant matches it to an order by: its
 * payment's `reference` and `payment_method`.
 */
export const SettlementRefundSchema = RefundSchema.extend({
  payment_reference: z.string().nullable().describe("The refunded payment's reference (the merchant's order id), or null when it had none"),
  payment_method: z.string().describe("The refunded payment's payment_method"),
}).meta({ id: "SettlementRefund" });
export type SettlementRefund = z.infer<typeof SettlementRefundSchema>;
