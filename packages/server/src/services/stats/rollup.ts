import { type SQL, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client.js";
import type { PaymentRow } from "../payments/serialize.js";

interface Delta {
  provider: string;
  count: number;
  completed: number;
  failed: number;
  terminal: number;
  volume: number;
  fee: number;
  refunded: number;
}

const ZERO: Omit<Delta, "provider"> = { count: 0, completed: 0, failed: 0, terminal: 0, volume: 0, fee: 0, refunded: 0 };

/** What changed, as the caller's transaction just wrote it. */
export type StatsChange =
  | { kind: "payment_created"; payment: PaymentRow }
  /** A payment reached a terminal status (the row after the update). */
  | { kind: "payment_ended"; payment: PaymentRow }
  /**
   * A refund completed: its amount counts on its payment's row when the payment is completed
   * (a late success's automatic refund gives back what no volume counted: it counts nowhere).
   */
  | { kind: "refund_completed"; refund: { paymentId: string; amount: number } };

const TERMINAL: readonly string[] = ["completed", "failed", "expired", "cancelled"];

function deltas(change: Exclude<StatsChange, { kind: "refund_completed" }>): Delta[] {
  if (change.kind === "payment_created") return [{ provider: "", ...ZERO, count: 1 }];
  const p = change.payment;
  if (!TERMINAL.includes(p.status)) return [];
  const completed = p.status === "completed";
  const ended: Delta = {
    provider: p.provider ?? "",
    ...ZERO,
    completed: completed ? 1 : 0,
    failed: p.status === "failed" ? 1 : 0,
    terminal: 1,
    volume: completed ? p.amount : 0,
    fee: completed ? (p.feeAmount ?? 0) : 0,
  };
  // An open payment counts under provider ''; it moves to the provider that ended it.
  if (ended.provider === "") return [ended];
  return [
    { provider: "", ...ZERO, count: -1 },
    { ...ended, count: 1 },
  ];
}

/**
 * Keeps `payment_stats_daily` (what `GET /v1/stats` reads) in step with the payments: called
 * in the transaction of every state change — payment created, ended (completed, failed,
 * expired, cancelled), refund completed — so the counters are exactly the payments', and a
 * rolled-back change leaves no trace. One statement; rows in a fixed order (provider '' first)
 * so concurrent changes lock them in the same order.
 */
export async function rollupStats(tx: Tx, change: StatsChange): Promise<void> {
  const statement = rollupSql(change);
  if (statement) await tx.execute(statement);
}

/** The rollup's upsert: its head (rows follow as VALUES or a SELECT) and its conflict clause, which adds. */
export const STATS_INSERT = `insert into payment_stats_daily as s (app_id, livemode, currency, day, provider, payment_method, count, completed_count, failed_count, terminal_count, volume, fee_amount, refunded_amount)`;
export const STATS_ON_CONFLICT = `on conflict (app_id, livemode, currency, day, provider, payment_method) do update set
      count = s.count + excluded.count,
      completed_count = s.completed_count + excluded.completed_count,
      failed_count = s.failed_count + excluded.failed_count,
      terminal_count = s.terminal_count + excluded.terminal_count,
      volume = s.volume + excluded.volume,
      fee_amount = s.fee_amount + excluded.fee_amount,
      refunded_amount = s.refunded_amount + excluded.refunded_amount`;

/** The rollup's one statement for `change` (null when it changes nothing). */
function rollupSql(change: StatsChange): SQL | null {
  if (change.kind === "refund_completed") {
    const { paymentId, amount } = change.refund;
    return sql`
      ${sql.raw(STATS_INSERT)}
      select app_id, livemode, currency, (created_at at time zone 'UTC')::date, coalesce(provider, ''), payment_method, 0, 0, 0, 0, 0, 0, ${amount}
      from payments where id = ${paymentId} and status = 'completed'
      ${sql.raw(STATS_ON_CONFLICT)}`;
  }
  const p = change.payment;
  const day = p.createdAt.toISOString().slice(0, 10);
  const rows = deltas(change).map(
    (d) =>
      sql`(${p.appId}, ${p.livemode}, ${p.currency}, ${day}::date, ${d.provider}, ${p.paymentMethod}, ${d.count}, ${d.completed}, ${d.failed}, ${d.terminal}, ${d.volume}, ${d.fee}, ${d.refunded})`,
  );
  if (rows.length === 0) return null;
  return sql`
    ${sql.raw(STATS_INSERT)}
    values ${sql.join(rows, sql`, `)}
    ${sql.raw(STATS_ON_CONFLICT)}`;
}

/**
 * The rollup rebuilt from the payments and refunds themselves: the same statement migration
 * 0005 runs to fill the table, used by the benchmark's seed and by the test that checks the
 * live maintenance against it. Run on an empty table.
 */
export const STATS_BACKFILL_SQL = `INSERT INTO payment_stats_daily (app_id, livemode, currency, day, provider, payment_method, count, completed_count, failed_count, terminal_count, volume, fee_amount, refunded_amount)
SELECT p.app_id, p.livemode, p.currency, (p.created_at AT TIME ZONE 'UTC')::date,
  CASE WHEN p.status IN ('completed', 'failed', 'expired', 'cancelled') THEN coalesce(p.provider, '') ELSE '' END,
  p.payment_method,
  count(*)::int,
  (count(*) FILTER (WHERE p.status = 'completed'))::int,
  (count(*) FILTER (WHERE p.status = 'failed'))::int,
  (count(*) FILTER (WHERE p.status IN ('completed', 'failed', 'expired', 'cancelled')))::int,
  coalesce(sum(p.amount) FILTER (WHERE p.status = 'completed'), 0)::bigint,
  coalesce(sum(p.fee_amount) FILTER (WHERE p.status = 'completed'), 0)::bigint,
  coalesce(sum(r.refunded) FILTER (WHERE p.status = 'completed'), 0)::bigint
FROM payments p
LEFT JOIN (SELECT payment_id, sum(amount) AS refunded FROM refunds WHERE status = 'completed' GROUP BY payment_id) r ON r.payment_id = p.id
GROUP BY 1, 2, 3, 4, 5, 6;`;

export async function backfillStats(db: Db): Promise<void> {
  await db.execute(sql.raw(STATS_BACKFILL_SQL));
}
