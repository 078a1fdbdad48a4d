import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { payments, refunds } from "../../db/schema/index.js";
import type { ServiceContext } from "../context.js";
import { recordEvent } from "../events/record.js";
import { rollupStats } from "../stats/rollup.js";
import { type RefundRow, serializeRefund } from "./serialize.js";

export type RefundOutcome = { status: "completed"; providerRefundId?: string } | { status: "failed"; code: string; message: string; providerRefundId?: string };

/**
 * Ends a pending refund — the provider's answer, its callback or a status call — with its
 * `refund.completed` or `refund.failed` event, in the caller's transaction. Conditional on the
 * refund still being pending, so the second of two reports changes nothing (null). A failed
 * refund gives its amount back to what is left to refund on the payment.
 */
export async function settleRefund(
  ctx: ServiceContext,
  tx: Tx,
  refundId: string,
  outcome: RefundOutcome,
  extra: { attempts?: number } = {},
): Promise<RefundRow | null> {
  const at = ctx.clock.now();
  const [updated] = await tx
    .update(refunds)
    .set({
      status: outcome.status,
      updatedAt: at,
      ...(outcome.providerRefundId ? { providerRefundId: outcome.providerRefundId } : {}),
      ...(outcome.status === "completed" ? { completedAt: at } : { failureCode: outcome.code, failureMessage: outcome.message }),
      ...(extra.attempts !== undefined ? { attempts: extra.attempts } : {}),
    })
    .where(and(eq(refunds.id, refundId), eq(refunds.status, "pending")))
    .returning();
  if (!updated) return null;
  if (updated.status === "failed") {
    await tx
      .update(payments)
      .set({ amountRefunded: sql`${payments.amountRefunded} - ${updated.amount}` })
      .where(eq(payments.id, updated.paymentId));
    ctx.log.warn({ refund_id: updated.id, payment_id: updated.paymentId, code: updated.failureCode }, "refund failed");
  }
  if (updated.status === "completed") await rollupStats(tx, { kind: "refund_completed", refund: updated });
  const type = updated.status === "completed" ? "refund.completed" : "refund.failed";
  await recordEvent(tx, { appId: updated.appId, livemode: updated.livemode, type, objectId: updated.id, data: serializeRefund(updated), at });
  return updated;
}
