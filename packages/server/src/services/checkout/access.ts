import { and, eq } from "drizzle-orm";
import { checkoutPayments } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Principal, ServiceContext } from "../context.js";

/**
 * A client secret reaches only its own session's payments (WG-4): any other payment id,
 * even of the same app, is "not found". Other credentials are scoped by app and mode as usual.
 */
export async function assertPaymentReach(ctx: ServiceContext, principal: Principal | null, paymentId: string): Promise<void> {
  if (principal?.kind !== "client_secret") return;
  const [row] = await ctx.db
    .select({ id: checkoutPayments.paymentId })
    .from(checkoutPayments)
    .where(and(eq(checkoutPayments.paymentId, paymentId), eq(checkoutPayments.sessionId, principal.sessionId)));
  if (!row) throw notFound("payment", "id");
}

/** Where the return page may post a browser payment's result, or null for a server-made payment. */
export async function findBrowserPayment(ctx: ServiceContext, paymentId: string) {
  const [row] = await ctx.db.select().from(checkoutPayments).where(eq(checkoutPayments.paymentId, paymentId));
  return row ?? null;
}
