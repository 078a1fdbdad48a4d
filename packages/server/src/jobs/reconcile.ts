import { and, asc, inArray, lt } from "drizzle-orm";
import { payments } from "../db/schema/index.js";
import type { ServiceContext } from "../services/context.js";
import { syncFromProvider } from "../services/payments/sync.js";
import { OPEN } from "../services/payments/transition.js";
import { retryPendingRefunds } from "../services/refunds/process.js";
import { checkPendingRefunds } from "../services/refunds/sync.js";

/**
 * Asks the provider about every payment still open after ZEROFEE_RECONCILE_AFTER_S: a
 * payment whose callback was lost completes within one cycle, with the app's credentials
 * for the payment's mode. Safe to run twice: each change is a conditional update.
 */
export async function reconcilePayments(ctx: ServiceContext, opts: { batch?: number } = {}) {
  const before = new Date(ctx.clock.now().getTime() - ctx.config.reconcileAfterS * 1000);
  const due = await ctx.db
    .select({ id: payments.id })
    .from(payments)
    .where(and(inArray(payments.status, [...OPEN]), lt(payments.createdAt, before)))
    .orderBy(asc(payments.createdAt))
    .limit(opts.batch ?? 200);
  let changed = 0;
  for (const { id } of due) {
    try {
      const result = await syncFromProvider(ctx, id, "reconciliation");
      if (result.kind === "applied") changed++;
    } catch (err) {
      ctx.log.warn({ err, payment_id: id }, "reconciliation of one payment failed");
    }
  }
  // Refunds a provider never answered (down, or a crash after commit) are asked again with the
  // same id; refunds it accepted but has not settled (a lost callback) are asked how they stand.
  return { checked: due.length, changed, ...(await retryPendingRefunds(ctx, opts)), ...(await checkPendingRefunds(ctx, opts)) };
}
