import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { refunds, settlements } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { newId } from "../../lib/ids.js";
import type { ServiceContext } from "../context.js";
import { recordEvent } from "../events/record.js";
import { type SettlementRow, serializeSettlement } from "./serialize.js";

interface Group {
  appId: string;
  livemode: boolean;
  currency: string;
}

type Rows<T> = { rows: T[] };

/**
 * Closes, for every app, mode and currency with money not yet settled, the period from the end
 * of its previous settlement (or its first completed payment) to `until` (SPEC §10). One
 * transaction per settlement: a run that dies midway leaves whole settlements behind, and the
 * next run closes the rest with the same totals. Safe to run twice at once: see `closeOne`.
 */
export async function closeSettlements(ctx: ServiceContext, until: Date): Promise<SettlementRow[]> {
  const at = until.toISOString();
  const groups = (await ctx.db.execute(sql`
    select app_id, livemode, currency from payments
      where status = 'completed' and settlement_id is null and completed_at < ${at}::timestamptz
    union
    select app_id, livemode, currency from refunds
      where status = 'completed' and settlement_id is null and ${refunds.completedAt} < ${at}::timestamptz
    order by 1, 2, 3`)) as unknown as Rows<{ app_id: string; livemode: boolean; currency: string }>;
  const closed: SettlementRow[] = [];
  for (const g of groups.rows) {
    const row = await withTransaction(ctx.db, (tx) => closeOne(ctx, tx, { appId: g.app_id, livemode: g.livemode, currency: g.currency }, until));
    if (!row) continue;
    closed.push(row);
    if (closed.length === 1) ctx.fault("settle_after_first");
  }
  return closed;
}

/**
 * One settlement, in the caller's transaction. Two runs for one group are kept apart three
 * ways: a transaction-scoped advisory lock per group (the second run waits, then sees the
 * first one's settlement and starts after it); the unique `(app, mode, currency,
 * period_start)`; and each payment and refund joining by `UPDATE … WHERE settlement_id IS
 * NULL`, so none can join two settlements whatever the isolation level.
 */
async function closeOne(ctx: ServiceContext, tx: Tx, g: Group, until: Date): Promise<SettlementRow | null> {
  const at = until.toISOString();
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`settle|${g.appId}|${g.livemode}|${g.currency}`}, 0))`);
  // One statement, one snapshot: the previous period's end, or the first completed payment.
  const start = (await tx.execute(sql`
    select coalesce(
      (select max(period_end) from settlements where app_id = ${g.appId} and livemode = ${g.livemode} and currency = ${g.currency}),
      (select min(completed_at) from payments
        where app_id = ${g.appId} and livemode = ${g.livemode} and currency = ${g.currency} and status = 'completed' and settlement_id is null)
    ) as start`)) as unknown as Rows<{ start: string | Date | null }>;
  const raw = start.rows[0]?.start;
  if (!raw) return null;
  const periodStart = new Date(raw);
  if (periodStart.getTime() >= until.getTime()) return null;
  const now = ctx.clock.now();
  const id = newId("settlement", now);
  const [opened] = await tx
    .insert(settlements)
    .values({
      id,
      appId: g.appId,
      livemode: g.livemode,
      currency: g.currency,
      periodStart,
      periodEnd: until,
      count: 0,
      grossAmount: 0,
      feeAmount: 0,
      refundedAmount: 0,
      netAmount: 0,
      status: "paid",
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: settlements.id });
  if (!opened) return null;
  // Everything completed before the end and not yet settled: a completion committed after
  // its own period closed (a straggler) goes into the next settlement, never into none.
  const paid = (await tx.execute(sql`
    with moved as (
      update payments set settlement_id = ${id}
      where app_id = ${g.appId} and livemode = ${g.livemode} and currency = ${g.currency}
        and status = 'completed' and settlement_id is null and completed_at < ${at}::timestamptz
      returning amount, fee_amount
    )
    select count(*)::int as count, coalesce(sum(amount), 0)::text as gross, coalesce(sum(fee_amount), 0)::text as fees from moved`)) as unknown as Rows<{
    count: number;
    gross: string;
    fees: string;
  }>;
  // Refunds of completed payments only. A late success's automatic refund (its payment
  // expired or was cancelled, so no settlement counts it) gave back money that came in after
  // the payment had closed: in and out at the provider, it is in neither gross nor refunds.
  const refunded = (await tx.execute(sql`
    with moved as (
      update refunds set settlement_id = ${id}
      where app_id = ${g.appId} and livemode = ${g.livemode} and currency = ${g.currency}
        and status = 'completed' and settlement_id is null and ${refunds.completedAt} < ${at}::timestamptz
        and exists (select 1 from payments p where p.id = refunds.payment_id and p.status = 'completed')
      returning amount
    )
    select count(*)::int as count, coalesce(sum(amount), 0)::text as amount from moved`)) as unknown as Rows<{ count: number; amount: string }>;
  const p = paid.rows[0];
  const r = refunded.rows[0];
  if (!p || !r || (Number(p.count) === 0 && Number(r.count) === 0)) {
    // Nothing in the period: no settlement (never visible, this transaction wrote it).
    await tx.delete(settlements).where(eq(settlements.id, id));
    return null;
  }
  const gross = Number(p.gross);
  const fees = Number(p.fees);
  const refundedAmount = Number(r.amount);
  const [row] = await tx
    .update(settlements)
    .set({ count: Number(p.count), grossAmount: gross, feeAmount: fees, refundedAmount, netAmount: gross - fees - refundedAmount })
    .where(and(eq(settlements.id, id)))
    .returning();
  if (!row) throw new Error("settlement vanished inside its transaction");
  await recordEvent(tx, { appId: row.appId, livemode: row.livemode, type: "settlement.created", objectId: row.id, data: serializeSettlement(row), at: now });
  ctx.log.info({ settlement_id: row.id, app_id: row.appId, currency: row.currency, count: row.count, net_amount: row.netAmount }, "settlement closed");
  return row;
}

/** The daily job's end of period: 00:00 UTC of the day it runs for (it runs at 00:30). */
export function dailyPeriodEnd(now: Date): Date {
  const day = 86_400_000;
  return new Date(Math.floor((now.getTime() - 30 * 60_000) / day) * day);
}
