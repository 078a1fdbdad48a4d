import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { apps } from "./apps.js";

/**
 * One closed period of money for one app, mode and currency (SPEC §10 `stl_…`). Payments and
 * refunds point at the settlement that holds them (`settlement_id`, set once by a conditional
 * UPDATE), and the unique `(app, mode, currency, period_start)` makes two runs that race
 * for one period write one settlement.
 */
export const settlements = pgTable(
  "settlements",
  {
    id: text("id").primaryKey(),
    appId: text("app_id")
      .notNull()
      .references(() => apps.id),
    livemode: boolean("livemode").notNull(),
    currency: text("currency").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true, mode: "date" }).notNull(),
    periodEnd: timestamp("period_end", { withTimezone: true, mode: "date" }).notNull(),
    count: integer("count").notNull(),
    grossAmount: bigint("gross_amount", { mode: "number" }).notNull(),
    feeAmount: bigint("fee_amount", { mode: "number" }).notNull(),
    refundedAmount: bigint("refunded_amount", { mode: "number" }).notNull(),
    netAmount: bigint("net_amount", { mode: "number" }).notNull(),
    status: text("status", { enum: ["paid"] }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    uniqueIndex("settlements_period_key").on(t.appId, t.livemode, t.currency, t.periodStart),
    index("settlements_list_idx").on(t.appId, t.livemode, t.id),
    check("settlements_period_check", sql`${t.periodStart} < ${t.periodEnd}`),
  ],
);

/**
 * Daily counters per (app, mode, currency, day the payment was created, provider, method),
 * kept in the transaction of every state change (services/stats/rollup.ts), so
 * `GET /v1/stats` reads at most a few thousand rows whatever the number of payments.
 * `provider` is the one that ended the payment; '' while it is open or never routed.
 */
export const paymentStatsDaily = pgTable(
  "payment_stats_daily",
  {
    appId: text("app_id").notNull(),
    livemode: boolean("livemode").notNull(),
    currency: text("currency").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    provider: text("provider").notNull(),
    paymentMethod: text("payment_method").notNull(),
    count: integer("count").notNull(),
    completedCount: integer("completed_count").notNull(),
    failedCount: integer("failed_count").notNull(),
    terminalCount: integer("terminal_count").notNull(),
    volume: bigint("volume", { mode: "number" }).notNull(),
    feeAmount: bigint("fee_amount", { mode: "number" }).notNull(),
    refundedAmount: bigint("refunded_amount", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ name: "payment_stats_daily_pk", columns: [t.appId, t.livemode, t.currency, t.day, t.provider, t.paymentMethod] })],
);
