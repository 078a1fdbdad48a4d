import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { payments } from "../../db/schema/index.js";

export type PaymentRow = typeof payments.$inferSelect;

/** The public payment object (SPEC §4). One place, so API, events and webhooks agree. */
export function serializePayment(p: PaymentRow) {
  return {
    id: p.id,
    object: "payment" as const,
    app_id: p.appId,
    livemode: p.livemode,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    payment_method: p.paymentMethod,
    country: p.country,
    operator: p.operator,
    provider: p.provider,
    provider_reference: p.providerReference,
    customer: p.customer,
    reference: p.reference,
    description: p.description,
    metadata: p.metadata,
    amount_source: p.amountSource,
    fee_amount: p.feeAmount,
    net_amount: p.netAmount,
    amount_refunded: p.amountRefunded,
    next_action: p.nextAction ?? null,
    success_url: p.successUrl,
    cancel_url: p.cancelUrl,
    error_url: p.errorUrl,
    pending_url: p.pendingUrl,
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    expires_at: p.expiresAt.toISOString(),
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    completed_at: p.completedAt?.toISOString() ?? null,
    timeline: p.timeline,
  };
}

export type PaymentObject = ReturnType<typeof serializePayment>;

/** A timestamp as `Date.prototype.toISOString` writes it (milliseconds, UTC, `Z`). */
export const isoSql = (column: AnyPgColumn | SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The same object as PostgreSQL builds it, for reads that answer JSON text straight from the
 * query (get, list) instead of mapping rows in Node: one expression per field of
 * `serializePayment`. The type holds the two to the same fields; under ZEROFEE_CHECK_RESPONSES
 * (on under test) every such read also maps the same row through `serializePayment` and must
 * hold the same JSON (`http/prebuilt.ts`).
 */
const PAYMENT_SQL: { [K in keyof PaymentObject]-?: SQL } = {
  id: sql`${payments.id}`,
  object: sql`'payment'::text`,
  app_id: sql`${payments.appId}`,
  livemode: sql`${payments.livemode}`,
  amount: sql`${payments.amount}`,
  currency: sql`${payments.currency}`,
  status: sql`${payments.status}`,
  payment_method: sql`${payments.paymentMethod}`,
  country: sql`${payments.country}`,
  operator: sql`${payments.operator}`,
  provider: sql`${payments.provider}`,
  provider_reference: sql`${payments.providerReference}`,
  customer: sql`${payments.customer}`,
  reference: sql`${payments.reference}`,
  description: sql`${payments.description}`,
  metadata: sql`${payments.metadata}`,
  amount_source: sql`${payments.amountSource}`,
  fee_amount: sql`${payments.feeAmount}`,
  net_amount: sql`${payments.netAmount}`,
  amount_refunded: sql`${payments.amountRefunded}`,
  next_action: sql`${payments.nextAction}`,
  success_url: sql`${payments.successUrl}`,
  cancel_url: sql`${payments.cancelUrl}`,
  error_url: sql`${payments.errorUrl}`,
  pending_url: sql`${payments.pendingUrl}`,
  failure_code: sql`${payments.failureCode}`,
  failure_message: sql`${payments.failureMessage}`,
  expires_at: isoSql(payments.expiresAt),
  created_at: isoSql(payments.createdAt),
  updated_at: isoSql(payments.updatedAt),
  completed_at: isoSql(payments.completedAt),
  timeline: sql`${payments.timeline}`,
};

/**
 * The payment of the current `payments` row as JSON text (`row_to_json`: compact, keys in
 * `serializePayment`'s order), with `extra` fields after them (name → expression).
 */
export function paymentJsonSql(extra: Record<string, SQL> = {}): SQL<string> {
  const fields = Object.entries({ ...PAYMENT_SQL, ...extra }).map(([name, expr]) => sql`${expr} as ${sql.identifier(name)}`);
  return sql<string>`(select row_to_json(j)::text from (select ${sql.join(fields, sql`, `)}) j)`;
}
