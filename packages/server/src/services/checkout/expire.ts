import { and, asc, eq, lte } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { checkoutSessions } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { ApiError } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { recordEvent } from "../events/record.js";
import { loadSession, openPaymentOf, presentSession, sessionPaymentIds } from "./get.js";
import { type SessionRow, serializeSession } from "./serialize.js";

/** open → expired with `checkout.expired`, in one transaction; null when it was not open. */
async function expireRow(tx: Tx, session: SessionRow, at: Date): Promise<SessionRow | null> {
  const [row] = await tx
    .update(checkoutSessions)
    .set({ status: "expired", updatedAt: at })
    .where(and(eq(checkoutSessions.id, session.id), eq(checkoutSessions.status, "open")))
    .returning();
  if (!row) return null;
  const data = serializeSession(row, await sessionPaymentIds(tx, row.id));
  await recordEvent(tx, { appId: row.appId, livemode: row.livemode, type: "checkout.expired", objectId: row.id, data, at });
  return row;
}

/**
 * `POST /v1/checkout/sessions/{id}/expire`: the merchant closes an open session (the order
 * was cancelled). Refused while a payment of the session is still in flight.
 */
export async function expireSession({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }) {
  return withTransaction(ctx.db, async (tx) => {
    const session = await loadSession(tx, scope, id, true);
    if (session.status !== "open") throw new ApiError("checkout_session_closed", `This checkout session is already ${session.status}.`);
    if (await openPaymentOf(tx, session)) {
      throw new ApiError("checkout_payment_in_progress", "A payment of this session is in progress; expire it once that payment is final.", { retryAfter: 5 });
    }
    const row = (await expireRow(tx, session, ctx.clock.now())) ?? session;
    return presentSession(tx, row);
  });
}

/** The expiry job: open sessions past their deadline, except those with a payment still in flight (they wait). */
export async function expireDueSessions(ctx: ServiceContext, opts: { batch?: number } = {}) {
  const now = ctx.clock.now();
  const due = await ctx.db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.status, "open"), lte(checkoutSessions.expiresAt, now)))
    .orderBy(asc(checkoutSessions.expiresAt))
    .limit(opts.batch ?? 200);
  let expired = 0;
  for (const s of due) {
    const done = await withTransaction(ctx.db, async (tx) => {
      const [locked] = await tx.select().from(checkoutSessions).where(eq(checkoutSessions.id, s.id)).for("update");
      if (locked?.status !== "open" || (await openPaymentOf(tx, locked))) return false;
      return Boolean(await expireRow(tx, locked, now));
    });
    if (done) expired++;
  }
  return { checked: due.length, expired };
}
