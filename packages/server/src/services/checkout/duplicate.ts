import { eq } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { checkoutPayments } from "../../db/schema/index.js";
import type { ServiceContext } from "../context.js";
import type { PaymentRow } from "../payments/serialize.js";
import { insertRefund, providerRefunds } from "../refunds/open.js";

/**
 * A second payment completed inside a session that another payment already completed (an
 * expired session paid late, two methods confirmed at once). SPEC §8: it is refunded
 * automatically — the refund and its `refund.created` event are written here, in the
 * completing transaction, and the reconciliation sweep asks the provider (it retries pending
 * refunds). Where the provider has no refund API the payment stays flagged `refund_due` for
 * a human.
 */
export async function flagDuplicateCompletion(ctx: ServiceContext, tx: Tx, payment: PaymentRow): Promise<void> {
  await tx.update(checkoutPayments).set({ refundDue: true }).where(eq(checkoutPayments.paymentId, payment.id));
  const provider = payment.provider;
  if (!provider || !providerRefunds(ctx, provider)) return;
  await insertRefund(tx, { payment, provider, reason: "duplicate_checkout", at: payment.completedAt ?? payment.updatedAt });
}
