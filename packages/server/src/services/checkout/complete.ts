import { and, eq } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { checkoutPayments, checkoutSessions } from "../../db/schema/index.js";
import type { ServiceContext } from "../context.js";
import { recordEvent } from "../events/record.js";
import type { PaymentRow } from "../payments/serialize.js";
import { flagDuplicateCompletion } from "./duplicate.js";
import { sessionPaymentIds } from "./get.js";
import { serializeSession } from "./serialize.js";

/**
 * Called inside the transaction that moves a payment to `completed` (and again when a
 * payment is linked to its session, in case the completion won that race): the first
 * completed payment completes its session and writes `checkout.completed` in the same
 * transaction; a later one inside the same session is flagged for refund. The conditional
 * UPDATE (`status = 'open'`) makes the session complete once, whichever source comes first.
 */
export async function completeSessionForPayment(ctx: ServiceContext, tx: Tx, payment: PaymentRow): Promise<void> {
  if (payment.status !== "completed") return;
  const [link] = await tx.select().from(checkoutPayments).where(eq(checkoutPayments.paymentId, payment.id));
  if (!link?.sessionId) return;
  const at = payment.completedAt ?? payment.updatedAt;
  const [session] = await tx
    .update(checkoutSessions)
    .set({ status: "complete", paymentId: payment.id, completedAt: at, updatedAt: at })
    .where(and(eq(checkoutSessions.id, link.sessionId), eq(checkoutSessions.appId, payment.appId), eq(checkoutSessions.status, "open")))
    .returning();
  if (session) {
    const data = serializeSession(session, await sessionPaymentIds(tx, session.id));
    await recordEvent(tx, { appId: session.appId, livemode: session.livemode, type: "checkout.completed", objectId: session.id, data, at });
    return;
  }
  const [current] = await tx.select({ paymentId: checkoutSessions.paymentId }).from(checkoutSessions).where(eq(checkoutSessions.id, link.sessionId));
  if (current?.paymentId !== payment.id) await flagDuplicateCompletion(ctx, tx, payment);
}
