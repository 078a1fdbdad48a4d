import { sql } from "drizzle-orm";
import { z } from "zod";
import { ApiError } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";

const DAY_MS = 86_400_000;
/** The widest range one call may ask for (SPEC §10). */
export const MAX_STATS_DAYS = 366;

const DayParam = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).describe("A UTC day (YYYY-MM-DD) or an ISO time, whose UTC day is taken");

export const StatsQuery = z.strictObject({
  from: DayParam.optional().describe("First day, inclusive (default: 29 days before `to`)"),
  to: DayParam.optional().describe("Last day, inclusive (default: today, UTC)"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional()
    .describe("Default: the app's most used currency in the range"),
});

const counters = {
  count: z.number().int().describe("Payments created"),
  completed_count: z.number().int(),
  failed_count: z.number().int(),
  success_rate: z.number().min(0).max(1).nullable().describe("completed / terminal (completed, failed, expired, cancelled); null when none ended"),
  volume: z.number().int().describe("Amounts of the completed payments, minor units"),
  fee_amount: z.number().int(),
  refunded_amount: z.number().int().describe("Completed refunds of these payments"),
  net_amount: z.number().int().describe("volume − fee_amount − refunded_amount"),
};

export const StatsSchema = z
  .object({
    currency: z.string().nullable().describe("null only when the app has no payment at all"),
    currencies: z.array(z.string()).describe("The other currencies with payments in the range, most used first"),
    from: z.string(),
    to: z.string(),
    totals: z.object(counters),
    by_day: z.array(z.object({ date: z.string(), count: z.number().int(), completed_count: z.number().int(), volume: z.number().int() })),
    by_provider: z.array(z.object({ provider: z.string().nullable().describe("null: still open, or never reached a provider"), ...counters })),
    by_method: z.array(z.object({ payment_method: z.string(), ...counters })),
  })
  .meta({ id: "Stats" });

type Counters = z.infer<z.ZodObject<typeof counters>>;
type Rows<T> = { rows: T[] };

const dayOf = (value: string): string => (value.length === 10 ? value : new Date(value).toISOString().slice(0, 10));

function range(input: z.infer<typeof StatsQuery>, now: Date): { from: string; to: string; days: number } {
  const to = input.to ? dayOf(input.to) : now.toISOString().slice(0, 10);
  const from = input.from ? dayOf(input.from) : new Date(Date.parse(to) - 29 * DAY_MS).toISOString().slice(0, 10);
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (days < 1) throw new ApiError("validation_error", "from must not be after to.", { param: "from" });
  if (days > MAX_STATS_DAYS) throw new ApiError("validation_error", `At most ${MAX_STATS_DAYS} days per call.`, { param: "from" });
  return { from, to, days };
}

interface Row {
  day: string | null;
  provider: string | null;
  payment_method: string | null;
  g: number;
  count: string;
  completed_count: string;
  failed_count: string;
  terminal_count: string;
  volume: string;
  fee_amount: string;
  refunded_amount: string;
}

function toCounters(r: Row | undefined): Counters {
  const n = (v: string | undefined) => Number(v ?? 0);
  const volume = n(r?.volume);
  const fee = n(r?.fee_amount);
  const refunded = n(r?.refunded_amount);
  const terminal = n(r?.terminal_count);
  return {
    count: n(r?.count),
    completed_count: n(r?.completed_count),
    failed_count: n(r?.failed_count),
    success_rate: terminal ? n(r?.completed_count) / terminal : null,
    volume,
    fee_amount: fee,
    refunded_amount: refunded,
    net_amount: volume - fee - refunded,
  };
}

/**
 * `GET /v1/stats` (SPEC §10): one currency's figures for the payments created in a range of
 * UTC days, read from the daily rollup (services/stats/rollup.ts), never from the payments:
 * at most days × providers × methods rows, whatever the number of payments. The sums are
 * made by PostgreSQL in bigint, never summed across currencies.
 */
export async function paymentStats({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: z.infer<typeof StatsQuery> }) {
  const { from, to, days } = range(input, ctx.clock.now());
  const inScope = sql`app_id = ${scope.appId} and livemode = ${scope.livemode}`;
  const used = (await ctx.db.execute(sql`
    select currency, sum(count) as n from payment_stats_daily
    where ${inScope} and day between ${from}::date and ${to}::date
    group by currency order by n desc, currency`)) as unknown as Rows<{ currency: string }>;
  let currency = input.currency ?? used.rows[0]?.currency ?? null;
  if (!currency) {
    const ever = (await ctx.db.execute(sql`
      select currency from payment_stats_daily where ${inScope} group by currency order by sum(count) desc, currency limit 1`)) as unknown as Rows<{
      currency: string;
    }>;
    currency = ever.rows[0]?.currency ?? null;
  }
  const grouped = currency
    ? ((await ctx.db.execute(sql`
        select to_char(day, 'YYYY-MM-DD') as day, provider, payment_method,
          grouping(day, provider, payment_method)::int as g,
          sum(count)::text as count, sum(completed_count)::text as completed_count, sum(failed_count)::text as failed_count,
          sum(terminal_count)::text as terminal_count, sum(volume)::text as volume, sum(fee_amount)::text as fee_amount,
          sum(refunded_amount)::text as refunded_amount
        from payment_stats_daily
        where ${inScope} and currency = ${currency} and day between ${from}::date and ${to}::date
        group by grouping sets ((), (day), (provider), (payment_method))`)) as unknown as Rows<Row>)
    : { rows: [] };
  // grouping(): a bit set for each column rolled up (day = 4, provider = 2, method = 1).
  const totals = grouped.rows.find((r) => r.g === 7);
  const byDay = new Map(grouped.rows.filter((r) => r.g === 3).map((r) => [r.day, r]));
  const by_day = Array.from({ length: days }, (_, i) => {
    const date = new Date(Date.parse(from) + i * DAY_MS).toISOString().slice(0, 10);
    const c = toCounters(byDay.get(date));
    return { date, count: c.count, completed_count: c.completed_count, volume: c.volume };
  });
  // A key whose payments all moved on (opened under provider '', ended under another) has only zeros.
  const counted = (r: Row) => Number(r.count) !== 0 || Number(r.refunded_amount) !== 0;
  const by_provider = grouped.rows
    .filter((r) => r.g === 5 && counted(r))
    .map((r) => ({ provider: r.provider || null, ...toCounters(r) }))
    .sort((a, b) => b.count - a.count || (a.provider ?? "").localeCompare(b.provider ?? ""));
  const by_method = grouped.rows
    .filter((r) => r.g === 6 && counted(r))
    .map((r) => ({ payment_method: r.payment_method ?? "", ...toCounters(r) }))
    .sort((a, b) => b.count - a.count || a.payment_method.localeCompare(b.payment_method));
  return {
    currency,
    currencies: used.rows.map((r) => r.currency).filter((c) => c !== currency),
    from,
    to,
    totals: toCounters(totals),
    by_day,
    by_provider,
    by_method,
  };
}
