import { and, asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client.js";
import { checkoutPayments, checkoutSessions, payments } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { OPEN } from "../payments/transition.js";
import { type SessionRow, serializeSession } from "./serialize.js";

/** The session of this app and mode; another app's or mode's is "not found". */
export async function loadSession(db: Db | Tx, scope: Scope, id: string, lock = false): Promise<SessionRow> {
  const q = db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.id, id), eq(checkoutSessions.appId, scope.appId), eq(checkoutSessions.livemode, scope.livemode)));
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("checkout session", "id");
  return row;
}

/**
 * The session's payment still under way (its id), or null: a new payment of the session, and
 * its expiry, wait for it (SPEC §8); a page opened anew follows it.
 */
export async function openPaymentOf(db: Db | Tx, session: SessionRow): Promise<string | null> {
  if (!session.currentPaymentId) return null;
  const [current] = await db
    .select({ status: payments.status })
    .from(payments)
    .where(and(eq(payments.id, session.currentPaymentId), eq(payments.appId, session.appId)));
  return current && OPEN.includes(current.status) ? session.currentPaymentId : null;
}

export async function sessionPaymentIds(db: Db | Tx, sessionId: string): Promise<string[]> {
  const rows = await db
    .select({ id: checkoutPayments.paymentId })
    .from(checkoutPayments)
    .where(eq(checkoutPayments.sessionId, sessionId))
    .orderBy(asc(checkoutPayments.createdAt), asc(checkoutPayments.paymentId));
  return rows.map((r) => r.id);
}

/** The session as the API shows it. */
export async function presentSession(db: Db | Tx, row: SessionRow) {
  return serializeSession(row, await sessionPaymentIds(db, row.id));
}

export async function getSession({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }) {
  return presentSession(ctx.db, await loadSession(ctx.db, scope, id));
}
