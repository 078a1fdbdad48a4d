import { z } from "zod";
import { MERCHANT_REFUND_REASONS, REFUND_STATUSES } from "../../db/schema/index.js";
import { PageQuery } from "../../lib/cursor.js";
import { MAX_AMOUNT, MIN_AMOUNT } from "../../lib/money.js";
import { CreatedBound } from "../created-range.js";

export const CreateRefundBody = z.strictObject({
  payment_id: z.string().min(1).max(64).describe("A completed payment of this app and mode"),
  amount: z.number().int().min(MIN_AMOUNT).max(MAX_AMOUNT).optional().describe("Minor units, at most what is left to refund; omitted: everything that is left"),
  reason: z.enum(MERCHANT_REFUND_REASONS).optional(),
});
export type CreateRefundInput = z.infer<typeof CreateRefundBody>;

export const ListRefundsQuery = PageQuery.extend({
  payment_id: z.string().min(1).max(64).optional(),
  settlement_id: z.string().min(1).max(64).optional(),
  status: z.enum(REFUND_STATUSES).optional(),
  created_from: CreatedBound.optional(),
  created_to: CreatedBound.optional(),
});
export type ListRefundsInput = z.infer<typeof ListRefundsQuery>;

export const RefundIdParams = z.strictObject({ id: z.string().min(1).max(64) });
