import { refunds } from "../../db/schema/index.js";

/**
 * When a refund completed, for settlement periods. Until refunds carry their own
 * `completed_at` (migration 0004), a completed refund's `updated_at` is the time it
 * completed: nothing updates a refund after it reaches a final status.
 */
export const refundCompletedAt = refunds.updatedAt;
