import { and, eq, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { prepared } from "../../db/prepared.js";
import { ATTEMPT_STATUSES, paymentAttempts, payments, refunds } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { RefundSchema } from "../refunds/serialize.js";
import { type PaymentRow, serializePayment } from "./serialize.js";

export const AttemptSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    status: z
      .enum(ATTEMPT_STATUSES)
      .describe("created: committed, call pending; accepted; rejected: provably not taken (routing cascaded); ambiguous: outcome unknown"),
    provider_payment_id: z.string().describe("The id ZeroFee generated for the provider, committed before the call"),
    provider_reference: z.string().nullable(),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "PaymentAttempt" });

export const PaymentDetailExtras = {
  attempts: z.array(AttemptSchema).optional().describe("Every provider tried, in order (single-payment answers)"),
  refunds: z.array(RefundSchema).optional().describe("Refunds of this payment (single-payment answers)"),
};

const iso = (column: AnyPgColumn) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * An outer column inside a correlated subquery: a single-table select renders its columns
 * unqualified, and an unqualified `"id"` would name the subquery's own table.
 */
const outer = (column: "id" | "app_id" | "livemode") => sql.raw(`"payments"."${column}"`);

type AttemptJson = z.infer<typeof AttemptSchema>;
type RefundJson = z.infer<typeof RefundSchema>;

/**
 * One prepared statement reads a payment with its attempts and refunds, already shaped as the
 * API answers them (a status poll is the most frequent call: one round trip, not three).
 */
function detailQuery(ctx: ServiceContext) {
  const a = paymentAttempts;
  const r = refunds;
  return prepared(ctx.db, "payment_detail_by_id", (db) =>
    db
      .select({
        payment: payments,
        attempts: sql<AttemptJson[]>`(select coalesce(json_agg(json_build_object(
          'id', ${a.id}, 'provider', ${a.provider}, 'status', ${a.status}, 'provider_payment_id', ${a.providerPaymentId},
          'provider_reference', ${a.providerReference}, 'error_code', ${a.errorCode}, 'error_message', ${a.errorMessage},
          'created_at', ${iso(a.createdAt)}, 'updated_at', ${iso(a.updatedAt)}) order by ${a.createdAt}, ${a.id}), '[]'::json)
          from ${a} where ${a.paymentId} = ${outer("id")} and ${a.appId} = ${outer("app_id")})`,
        refunds: sql<RefundJson[]>`(select coalesce(json_agg(json_build_object(
          'id', ${r.id}, 'object', 'refund', 'payment_id', ${r.paymentId}, 'livemode', ${r.livemode}, 'amount', ${r.amount},
          'currency', ${r.currency}, 'status', ${r.status}, 'reason', ${r.reason}, 'provider', ${r.provider},
          'provider_refund_id', ${r.providerRefundId}, 'failure_code', ${r.failureCode}, 'failure_message', ${r.failureMessage},
          'created_at', ${iso(r.createdAt)}, 'updated_at', ${iso(r.updatedAt)}) order by ${r.createdAt}, ${r.id}), '[]'::json)
          from ${r} where ${r.paymentId} = ${outer("id")} and ${r.appId} = ${outer("app_id")} and ${r.livemode} = ${outer("livemode")})`,
      })
      .from(payments)
      .where(and(eq(payments.id, sql.placeholder("id")), eq(payments.appId, sql.placeholder("appId")), eq(payments.livemode, sql.placeholder("livemode"))))
      .limit(1)
      .prepare("payment_detail_by_id"),
  );
}

/** A payment of this app and mode with its attempts and refunds; another app's is "not found". */
export async function getPaymentDetail({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }) {
  const [row] = await detailQuery(ctx).execute({ id, appId: scope.appId, livemode: scope.livemode });
  if (!row) throw notFound("payment", "id");
  return { ...serializePayment(row.payment), attempts: row.attempts, refunds: row.refunds };
}

/** An attempt as the API answers it (what `detailQuery` builds in SQL). */
export function serializeAttempt(a: typeof paymentAttempts.$inferSelect): AttemptJson {
  return {
    id: a.id,
    provider: a.provider,
    status: a.status,
    provider_payment_id: a.providerPaymentId,
    provider_reference: a.providerReference,
    error_code: a.errorCode,
    error_message: a.errorMessage,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
  };
}

/**
 * The single-payment answer of a payment just created, from the rows it wrote (no read
 * back): a new payment has no refund yet, and its attempts are the ones this request made.
 */
export function createdPaymentDetail(p: PaymentRow, attempts: Array<typeof paymentAttempts.$inferSelect>) {
  return { ...serializePayment(p), attempts: attempts.map(serializeAttempt), refunds: [] as RefundJson[] };
}

/** A payment with its provider attempts and refunds, for single-payment answers. */
export function paymentDetail(ctx: ServiceContext, p: PaymentRow) {
  return getPaymentDetail({ ctx, scope: { appId: p.appId, livemode: p.livemode }, id: p.id });
}
