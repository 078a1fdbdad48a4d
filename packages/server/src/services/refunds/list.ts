import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { refunds } from "../../db/schema/index.js";
import { decodeCursor, page } from "../../lib/cursor.js";
import type { Scope, ServiceContext } from "../context.js";
import { createdRange } from "../created-range.js";
import type { ListRefundsInput } from "./schemas.js";

/** Newest first, cursor-paginated, filters ANDed, always inside the caller's app and mode. */
export async function listRefunds({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: ListRefundsInput }) {
  const where: SQL[] = [eq(refunds.appId, scope.appId), eq(refunds.livemode, scope.livemode)];
  if (input.cursor) where.push(lt(refunds.id, decodeCursor(input.cursor)));
  if (input.payment_id) where.push(eq(refunds.paymentId, input.payment_id));
  if (input.settlement_id) where.push(eq(refunds.settlementId, input.settlement_id));
  if (input.status) where.push(eq(refunds.status, input.status));
  where.push(...createdRange(refunds.createdAt, input.created_from, input.created_to));
  const rows = await ctx.db
    .select()
    .from(refunds)
    .where(and(...where))
    .orderBy(desc(refunds.id))
    .limit(input.limit + 1);
  return page(rows, input.limit);
}
