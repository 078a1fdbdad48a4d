import { and, eq, sql } from "drizzle-orm";
import { prepared } from "../../db/prepared.js";
import { payments } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import type { PaymentRow } from "./serialize.js";

/** A payment of this app and mode; another app's or mode's is "not found", never "forbidden". */
export async function getPayment({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }): Promise<PaymentRow> {
  const query = prepared(ctx.db, "payment_by_id", (db) =>
    db
      .select()
      .from(payments)
      .where(and(eq(payments.id, sql.placeholder("id")), eq(payments.appId, sql.placeholder("appId")), eq(payments.livemode, sql.placeholder("livemode"))))
      .limit(1)
      .prepare("payment_by_id"),
  );
  const [row] = await query.execute({ id, appId: scope.appId, livemode: scope.livemode });
  if (!row) throw notFound("payment", "id");
  return row;
}
