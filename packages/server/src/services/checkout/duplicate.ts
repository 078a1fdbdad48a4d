import { eq } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { checkoutPayments } from "../../db/schema/index.js";
import type { PaymentRow } from "../payments/serialize.js";

/**
 * A second payment completed inside a session that another payment already completed (an
 * expired session paid late, two methods confirmed at once). SPEC §8: it is refunded
 * automatically. The refund engine is not on this branch yet: the payment is flagged
 * `refund_due` here, in the completing transaction, and the refund engine's job picks up
 * flagged rows (`SELECT … FROM checkout_payments WHERE refund_due`) — the hook to wire.
 */
export async function flagDuplicateCompletion(tx: Tx, payment: PaymentRow): Promise<void> {
  await tx.update(checkoutPayments).set({ refundDue: true }).where(eq(checkoutPayments.paymentId, payment.id));
}
