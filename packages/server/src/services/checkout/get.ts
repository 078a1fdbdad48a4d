import { and, asc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../db/client.js";
import { checkoutPayments, checkoutSessions } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
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
