import { and, eq } from "drizzle-orm";
import { payments } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import type { PaymentRow } from "./serialize.js";

/** A payment of this app and mode; another app's or mode's is "not found", never "forbidden". */
export async function getPayment({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }): Promise<PaymentRow> {
  const [row] = await ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.id, id), eq(payments.appId, scope.appId), eq(payments.livemode, scope.livemode)))
    .limit(1);
  if (!row) throw notFound("payment", "id");
  return row;
}
