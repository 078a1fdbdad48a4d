import { eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { payments, type RefundReason, refunds } from "../../db/schema/index.js";
import { newId } from "../../lib/ids.js";
import type { ServiceContext } from "../context.js";
import { recordEvent } from "../events/record.js";
import type { PaymentRow } from "../payments/serialize.js";
import { type RefundRow, serializeRefund } from "./serialize.js";

/** Whether ZeroFee can give money back through `provider`'s API (the registry in use). */
export const providerRefunds = (ctx: ServiceContext, provider: string): boolean =>
  ctx.providers.has(provider) && ctx.providers.adapter(provider).metadata.supportsRefund;

/**
 * A success that arrived for an expired or cancelled payment is given back (SPEC §3): the
 * refund row and its `refund.created` event are written in the caller's transaction, the one
 * that records the late success. The provider is called after commit (`processRefund`).
 * Returns null where the provider has no refund API or a refund already exists.
 */
export async function openLateSuccessRefund(ctx: ServiceContext, tx: Tx, payment: PaymentRow, provider: string): Promise<string | null> {
  if (!providerRefunds(ctx, provider)) {
    ctx.log.warn({ payment_id: payment.id, provider }, "late success on a provider without refunds: refund by hand");
    return null;
  }
  return insertRefund(tx, { payment, provider, reason: "late_success", at: ctx.clock.now() });
}

/**
 * Writes a full refund of `payment` and its `refund.created` event in the caller's
 * transaction (one per payment: a repeat writes nothing and returns null). The provider is
 * called after commit, by `processOpenedRefund` or the reconciliation sweep.
 */
export async function insertRefund(tx: Tx, input: { payment: PaymentRow; provider: string; reason: RefundReason; at: Date }): Promise<string | null> {
  const row = await insertRefundRow(tx, { ...input, amount: input.payment.amount });
  if (!row) return null;
  // What is left to refund shrinks with it, as for a merchant's refund (never above the amount).
  await tx
    .update(payments)
    .set({ amountRefunded: sql`least(${payments.amount}, ${payments.amountRefunded} + ${row.amount})` })
    .where(eq(payments.id, row.paymentId));
  return row.id;
}

/**
 * The refund row, pending, and its `refund.created` event, in the caller's transaction (which
 * has already made room for `amount` on the payment, or does next). Null when a unique index
 * says this refund exists already (one automatic refund per late success).
 */
export async function insertRefundRow(
  tx: Tx,
  input: { payment: PaymentRow; provider: string; amount: number; reason: RefundReason | null; at: Date },
): Promise<RefundRow | null> {
  const { payment, provider, amount, reason, at } = input;
  const [row] = await tx
    .insert(refunds)
    .values({
      id: newId("refund", at),
      appId: payment.appId,
      livemode: payment.livemode,
      paymentId: payment.id,
      amount,
      currency: payment.currency,
      status: "pending",
      reason,
      provider,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return null;
  await recordEvent(tx, { appId: row.appId, livemode: row.livemode, type: "refund.created", objectId: row.id, data: serializeRefund(row), at });
  return row;
}
