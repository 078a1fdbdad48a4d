import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const PAYMENT_STATUSES = ["pending", "requires_action", "processing", "completed", "failed", "expired", "cancelled"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const TIMELINE_SOURCES = ["api", "provider_webhook", "return_callback", "reconciliation", "expiry"] as const;
export type TimelineSource = (typeof TIMELINE_SOURCES)[number];

export interface TimelineEntry {
  status: PaymentStatus;
  source: TimelineSource;
  at: string;
}

export type NextAction = { type: "ussd_push"; instructions: string } | { type: "redirect"; redirect_url: string } | { type: "otp"; instructions: string };

export interface Customer {
  phone?: string;
  name?: string;
  email?: string;
}

export const payments = pgTable(
  "payments",
  {
    id: text("id").primaryKey(),
    // No foreign key to apps: its check locks the app's one row for every payment written
    // (a third of a create's PostgreSQL time, issue 14). The app id comes from the caller's
    // authenticated key, and apps are never deleted.
    appId: text("app_id").notNull(),
    livemode: boolean("livemode").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: PAYMENT_STATUSES }).notNull(),
    paymentMethod: text("payment_method").notNull(),
    country: text("country"),
    operator: text("operator"),
    provider: text("provider"),
    providerReference: text("provider_reference"),
    customer: jsonb("customer").$type<Customer>().notNull(),
    reference: text("reference"),
    description: text("description"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull(),
    /** Who set `amount`: the merchant's server (API, checkout session) or the browser (checkout simple mode, SPEC §8). */
    amountSource: text("amount_source", { enum: ["server", "client"] })
      .notNull()
      .default("server"),
    feeAmount: bigint("fee_amount", { mode: "number" }),
    netAmount: bigint("net_amount", { mode: "number" }),
    /**
     * The sum of this payment's refunds that are not failed. Raised by a conditional UPDATE
     * (`… WHERE amount_refunded + n <= amount`) when a refund is opened, lowered when one
     * fails: the database, not a read-then-write, keeps it ≤ amount under concurrent refunds.
     */
    amountRefunded: bigint("amount_refunded", { mode: "number" }).notNull().default(0),
    nextAction: jsonb("next_action").$type<NextAction | null>(),
    successUrl: text("success_url"),
    cancelUrl: text("cancel_url"),
    errorUrl: text("error_url"),
    pendingUrl: text("pending_url"),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    otpAttempts: integer("otp_attempts").notNull().default(0),
    timeline: jsonb("timeline").$type<TimelineEntry[]>().notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
    /** The settlement that holds this completed payment (set once, SPEC §10). */
    settlementId: text("settlement_id"),
  },
  (t) => [
    index("payments_app_list_idx").on(t.appId, t.livemode, t.id),
    index("payments_open_idx").on(t.status, t.createdAt),
    // Only payments that have a reference: a lookup names one, and the rest need no entry.
    index("payments_reference_idx").on(t.appId, t.reference).where(sql`${t.reference} is not null`),
    check("payments_amount_refunded_check", sql`${t.amountRefunded} >= 0 AND ${t.amountRefunded} <= ${t.amount}`),
    index("payments_unsettled_idx").on(t.appId, t.livemode, t.currency, t.completedAt).where(sql`${t.status} = 'completed' and ${t.settlementId} is null`),
    index("payments_settlement_idx").on(t.settlementId, t.id).where(sql`${t.settlementId} is not null`),
  ],
);

export const ATTEMPT_STATUSES = ["created", "accepted", "rejected", "ambiguous"] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/**
 * One try at one provider. The provider-side id is generated and committed *before* the
 * provider is called (recovery point), so a retry after a crash reuses it. Stored with
 * fillfactor 50 (migration 0008): the provider's answer updates the row on its own page.
 */
export const paymentAttempts = pgTable(
  "payment_attempts",
  {
    id: text("id").primaryKey(),
    // No foreign key (its check costs a create as much as the insert it guards): an attempt is
    // written with its payment by phase 1 (joined to the payment rows that statement wrote) or
    // for a payment just read; payments are never deleted.
    paymentId: text("payment_id").notNull(),
    appId: text("app_id").notNull(),
    provider: text("provider").notNull(),
    providerPaymentId: text("provider_payment_id").notNull(),
    providerReference: text("provider_reference"),
    status: text("status", { enum: ATTEMPT_STATUSES }).notNull(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [uniqueIndex("payment_attempts_provider_id_key").on(t.provider, t.providerPaymentId), index("payment_attempts_payment_idx").on(t.paymentId)],
);
