import { and, asc, inArray, lte } from "drizzle-orm";
import { payments } from "../db/schema/index.js";
import type { ServiceContext } from "../services/context.js";
import { closePayment } from "../services/payments/cancel.js";

/**
 * Expires pending payments past their deadline, each only once the provider confirms it can
 * no longer complete; otherwise it waits for the next run (or for reconciliation).
 */
export async function expirePayments(ctx: ServiceContext, opts: { batch?: number } = {}) {
  const due = await ctx.db
    .select()
    .from(payments)
    .where(and(inArray(payments.status, ["pending", "requires_action"]), lte(payments.expiresAt, ctx.clock.now())))
    .orderBy(asc(payments.expiresAt))
    .limit(opts.batch ?? 200);
  let expired = 0;
  for (const payment of due) {
    try {
      const result = await closePayment(ctx, payment, "expired", "expiry");
      if (result.kind === "closed") expired++;
    } catch (err) {
      ctx.log.warn({ err, payment_id: payment.id }, "expiry of one payment failed");
    }
  }
  return { checked: due.length, expired };
}
