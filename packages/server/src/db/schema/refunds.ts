import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { payments } from "./payments.js";

export const REFUND_STATUSES = ["pending", "completed", "failed"] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** What a merchant may give as a refund's reason (SPEC §10). */
export const MERCHANT_REFUND_REASONS = ["requested_by_customer", "duplicate", "fraudulent"] as const;
/**
 * Every reason a refund can carry: the merchant's, and ZeroFee's own automatic ones —
 * late_success: paid after expiry or cancel (SPEC §3); duplicate_checkout: a second
 * completion in one checkout session (SPEC §8).
 */
export const REFUND_REASONS = [...MERCHANT_REFUND_REASONS, "late_success", "duplicate_checkout"] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/**
 * Money sent back (SPEC §1 `re_…`). The row and its `refund.created` event are committed
 * before the provider is called, with our id as the provider's idempotency key, so a retry
 * after a crash asks for the same refund again rather than a second one.
 */
export const refunds = pgTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    appId: text("app_id").notNull(),
    livemode: boolean("livemode").notNull(),
    paymentId: text("payment_id")
      .notNull()
      .references(() => payments.id),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: REFUND_STATUSES }).notNull(),
    /** Null: the merchant gave none. */
    reason: text("reason", { enum: REFUND_REASONS }),
    provider: text("provider").notNull(),
    providerRefundId: text("provider_refund_id"),
    /** Provider calls made that got no answer; past a bound the refund fails for a human. */
    attempts: integer("attempts").notNull().default(0),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
    /** When the provider reported the money sent back (settlements close on it). */
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
    /** The settlement that holds this completed refund (set once, SPEC §10). */
    settlementId: text("settlement_id"),
  },
  (t) => [
    index("refunds_payment_idx").on(t.paymentId),
    index("refunds_pending_idx").on(t.status),
    index("refunds_app_list_idx").on(t.appId, t.livemode, t.id),
    index("refunds_completed_idx").on(t.appId, t.livemode, t.completedAt),
    index("refunds_unsettled_idx").on(t.appId, t.livemode, t.currency).where(sql`${t.status} = 'completed' and ${t.settlementId} is null`),
    // One automatic refund per late success, however many messages report it.
    uniqueIndex("refunds_late_success_key").on(t.paymentId).where(sql`${t.reason} = 'late_success'`),
  ],
);
