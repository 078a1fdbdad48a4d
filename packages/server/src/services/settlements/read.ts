import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { payments, settlements } from "../../db/schema/index.js";
import { decodeCursor, page } from "../../lib/cursor.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { createdRange } from "../created-range.js";
import { paymentsPage } from "../payments/list.js";
import { listRefunds } from "../refunds/list.js";
import type { ListSettlementsInput } from "./serialize.js";

/** A settlement of this app and mode; another app's or mode's is "not found". */
export async function getSettlement({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }) {
  const [row] = await ctx.db
    .select()
    .from(settlements)
    .where(and(eq(settlements.id, id), eq(settlements.appId, scope.appId), eq(settlements.livemode, scope.livemode)));
  if (!row) throw notFound("settlement", "id");
  return row;
}

/** Newest first, cursor-paginated, inside the caller's app and mode. */
export async function listSettlements({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: ListSettlementsInput }) {
  const where: SQL[] = [eq(settlements.appId, scope.appId), eq(settlements.livemode, scope.livemode)];
  if (input.cursor) where.push(lt(settlements.id, decodeCursor(input.cursor)));
  if (input.currency) where.push(eq(settlements.currency, input.currency));
  where.push(...createdRange(settlements.createdAt, input.created_from, input.created_to));
  const rows = await ctx.db
    .select()
    .from(settlements)
    .where(and(...where))
    .orderBy(desc(settlements.id))
    .limit(input.limit + 1);
  return page(rows, input.limit);
}

/** One page of what a settlement is made of: its payments or its refunds. */
interface SettlementPageArgs {
  ctx: ServiceContext;
  scope: Scope;
  id: string;
  input: { limit: number; cursor?: string | undefined };
}

/**
 * The completed refunds a settlement deducted (its `refunded_amount`), newest first: with its
 * payments, everything its net is made of.
 */
export async function listSettlementRefunds({ ctx, scope, id, input }: SettlementPageArgs) {
  const settlement = await getSettlement({ ctx, scope, id });
  return listRefunds({ ctx, scope, input: { ...input, settlement_id: settlement.id } });
}

/** The payments a settlement holds, newest first: what a bank line is made of. */
export async function listSettlementPayments({ ctx, scope, id, input }: SettlementPageArgs) {
  const settlement = await getSettlement({ ctx, scope, id });
  const where: SQL[] = [eq(payments.settlementId, settlement.id), eq(payments.appId, scope.appId), eq(payments.livemode, scope.livemode)];
  if (input.cursor) where.push(lt(payments.id, decodeCursor(input.cursor)));
  return paymentsPage(ctx, where, input.limit);
}
