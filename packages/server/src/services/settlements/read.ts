import { and, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import { payments, settlements } from "../../db/schema/index.js";
import { decodeCursor, page } from "../../lib/cursor.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { createdRange } from "../created-range.js";
import { paymentsPage } from "../payments/list.js";
import { listRefunds } from "../refunds/list.js";
import { type RefundRow, serializeRefund } from "../refunds/serialize.js";
import type { ListSettlementsInput, SettlementRefund } from "./serialize.js";

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
  const result = await listRefunds({ ctx, scope, input: { ...input, settlement_id: settlement.id } });
  return { ...result, items: await withPayments(ctx, scope, result.items) };
}

/**
 * The refunds with what an accountant matches them to an order by: their payment's
 * `reference` and `payment_method` (the payment may sit in an earlier settlement, so the
 * settlement's own payments do not always hold it). One query a page, in the caller's app and mode.
 */
async function withPayments(ctx: ServiceContext, scope: Scope, rows: RefundRow[]): Promise<SettlementRefund[]> {
  const ids = [...new Set(rows.map((r) => r.paymentId))];
  const found =
    ids.length === 0
      ? []
      : await ctx.db
          .select({ id: payments.id, reference: payments.reference, paymentMethod: payments.paymentMethod })
          .from(payments)
          .where(and(inArray(payments.id, ids), eq(payments.appId, scope.appId), eq(payments.livemode, scope.livemode)));
  const byId = new Map(found.map((p) => [p.id, p]));
  return rows.map((r) => {
    const p = byId.get(r.paymentId);
    // A refund's payment is always of its app and mode; the fallback only keeps the schema's promise.
    return { ...serializeRefund(r), payment_reference: p?.reference ?? null, payment_method: p?.paymentMethod ?? "" };
  });
}

/** The payments a settlement holds, newest first: what a bank line is made of. */
export async function listSettlementPayments({ ctx, scope, id, input }: SettlementPageArgs) {
  const settlement = await getSettlement({ ctx, scope, id });
  const where: SQL[] = [eq(payments.settlementId, settlement.id), eq(payments.appId, scope.appId), eq(payments.livemode, scope.livemode)];
  if (input.cursor) where.push(lt(payments.id, decodeCursor(input.cursor)));
  return paymentsPage(ctx, where, input.limit);
}
