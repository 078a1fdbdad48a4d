import { bigint, boolean, index, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { apps } from "./apps.js";
import type { Customer } from "./payments.js";

export const CHECKOUT_STATUSES = ["open", "complete", "expired"] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

/**
 * A server-created, browser-presented checkout (SPEC §8). It produces payments (rows in
 * `checkout_payments`) and completes with at most one of them: `payment_id`.
 */
export const checkoutSessions = pgTable(
  "checkout_sessions",
  {
    id: text("id").primaryKey(),
    appId: text("app_id")
      .notNull()
      .references(() => apps.id),
    livemode: boolean("livemode").notNull(),
    status: text("status", { enum: CHECKOUT_STATUSES }).notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    reference: text("reference").notNull(),
    description: text("description"),
    customer: jsonb("customer").$type<Customer>().notNull(),
    allowedCountries: jsonb("allowed_countries").$type<string[] | null>(),
    allowedMethods: jsonb("allowed_methods").$type<string[] | null>(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull(),
    successUrl: text("success_url").notNull(),
    cancelUrl: text("cancel_url"),
    locale: text("locale"),
    /** The hosted page, from PUBLIC_URL at creation. */
    url: text("url").notNull(),
    /** SHA-256 of the client secret; the secret itself is shown once, at creation. */
    secretHash: text("secret_hash").notNull(),
    /** The same secret sealed with the master key (AES-256-GCM), for the hosted page to hand to its own widget. */
    secretSealed: text("secret_sealed").notNull(),
    /** The payment that completed the session. */
    paymentId: text("payment_id"),
    /** The latest payment started in the session; another starts only once it is terminal. */
    currentPaymentId: text("current_payment_id"),
    /** Set while a payment is being started, so two starts cannot overlap. */
    payingSince: timestamp("paying_since", { withTimezone: true, mode: "date" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("checkout_sessions_app_idx").on(t.appId, t.livemode, t.id), index("checkout_sessions_open_idx").on(t.status, t.expiresAt)],
);

/**
 * Payments started from the browser (widget or hosted page): which session they belong to,
 * and the origin of the page that started them — the only origin the return page will post
 * the result to (SPEC §8: never `'*'`).
 */
export const checkoutPayments = pgTable(
  "checkout_payments",
  {
    paymentId: text("payment_id").primaryKey(),
    appId: text("app_id").notNull(),
    livemode: boolean("livemode").notNull(),
    sessionId: text("session_id"),
    openerOrigin: text("opener_origin"),
    amountSource: text("amount_source", { enum: ["session", "client"] }).notNull(),
    /** A second completion inside one session: to be refunded (see services/checkout/duplicate.ts). */
    refundDue: boolean("refund_due").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("checkout_payments_session_idx").on(t.sessionId)],
);

/** Per app and mode: who may frame the hosted page, and whether live mode takes browser-set amounts. */
export const checkoutSettings = pgTable(
  "checkout_settings",
  {
    appId: text("app_id")
      .notNull()
      .references(() => apps.id),
    livemode: boolean("livemode").notNull(),
    allowedOrigins: jsonb("allowed_origins").$type<string[]>().notNull(),
    clientAmount: boolean("client_amount").notNull().default(false),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.livemode] })],
);
