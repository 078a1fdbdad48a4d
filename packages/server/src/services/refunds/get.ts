import { and, eq } from "drizzle-orm";
import { refunds } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import type { RefundRow } from "./serialize.js";

/** A refund of this app and mode; another app's or mode's is "not found". */
export async function getRefund({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }): Promise<RefundRow> {
  const [row] = await ctx.db
    .select()
    .from(refunds)
    .where(and(eq(refunds.id, id), eq(refunds.appId, scope.appId), eq(refunds.livemode, scope.livemode)));
  if (!row) throw notFound("refund", "id");
  return row;
}
