import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { batcherFor } from "../../db/batch.js";
import { prepared } from "../../db/prepared.js";
import { ATTEMPT_STATUSES, paymentAttempts, payments, refunds } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { RefundSchema } from "../refunds/serialize.js";
import { isoSql, type PaymentRow, paymentJsonSql, serializePayment } from "./serialize.js";

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

/**
 * An outer column inside a correlated subquery: a single-table select renders its columns
 * unqualified, and an unqualified `"id"` would name the subquery's own table.
 */
const outer = (column: "id" | "app_id" | "livemode") => sql.raw(`"payments"."${column}"`);

type AttemptJson = z.infer<typeof AttemptSchema>;
type RefundJson = z.infer<typeof RefundSchema>;

/** The payment's attempts, oldest first, shaped in SQL as `serializeAttempt` shapes one. */
function attemptsSql() {
  const a = paymentAttempts;
  return sql<AttemptJson[]>`(select coalesce(json_agg(json_build_object(
      'id', ${a.id}, 'provider', ${a.provider}, 'status', ${a.status}, 'provider_payment_id', ${a.providerPaymentId},
      'provider_reference', ${a.providerReference}, 'error_code', ${a.errorCode}, 'error_message', ${a.errorMessage},
      'created_at', ${isoSql(a.createdAt)}, 'updated_at', ${isoSql(a.updatedAt)}) order by ${a.createdAt}, ${a.id}), '[]'::json)
      from ${a} where ${a.paymentId} = ${outer("id")} and ${a.appId} = ${outer("app_id")})`;
}

/** The payment's refunds, oldest first, shaped in SQL as the refund object. */
function refundsSql() {
  const r = refunds;
  return sql<RefundJson[]>`(select coalesce(json_agg(json_build_object(
      'id', ${r.id}, 'object', 'refund', 'payment_id', ${r.paymentId}, 'livemode', ${r.livemode}, 'amount', ${r.amount},
      'currency', ${r.currency}, 'status', ${r.status}, 'reason', ${r.reason}, 'provider', ${r.provider},
      'provider_refund_id', ${r.providerRefundId}, 'failure_code', ${r.failureCode}, 'failure_message', ${r.failureMessage},
      'created_at', ${isoSql(r.createdAt)}, 'updated_at', ${isoSql(r.updatedAt)},
      'completed_at', ${isoSql(r.completedAt)}, 'settlement_id', ${r.settlementId}) order by ${r.createdAt}, ${r.id}), '[]'::json)
      from ${r} where ${r.paymentId} = ${outer("id")} and ${r.appId} = ${outer("app_id")} and ${r.livemode} = ${outer("livemode")})`;
}

/**
 * What a single-payment read selects. `object`: the payment row, its attempts and refunds
 * (mapped in Node, for the answers of cancel, OTP and a resumed create). `json`: the whole
 * answer as JSON text built in SQL (GET /v1/payments/{id}: nothing mapped or serialised in
 * Node); `checked`: both, from the same row, compared under ZEROFEE_CHECK_RESPONSES.
 */
type DetailShape = "object" | "json" | "checked";
function detailColumns(shape: DetailShape) {
  const key = { id: payments.id, appId: payments.appId, livemode: payments.livemode };
  const object = { payment: payments, attempts: attemptsSql(), refunds: refundsSql() };
  const json = paymentJsonSql({ attempts: attemptsSql(), refunds: refundsSql() });
  if (shape === "object") return { ...key, ...object };
  return shape === "json" ? { ...key, json } : { ...key, ...object, json };
}

/**
 * One prepared statement reads a payment with its attempts and refunds, already shaped as the
 * API answers them (a status poll is the most frequent call: one round trip, not three).
 */
function detailQuery(ctx: ServiceContext, shape: DetailShape) {
  const name = `payment_detail_by_id_${shape}`;
  return prepared(ctx.db, name, (db) =>
    db
      .select(detailColumns(shape))
      .from(payments)
      .where(and(eq(payments.id, sql.placeholder("id")), eq(payments.appId, sql.placeholder("appId")), eq(payments.livemode, sql.placeholder("livemode"))))
      .limit(1)
      .prepare(name),
  );
}

/**
 * The same for many payments at once, each key a full (id, app, mode) triple — tenant scoping
 * stays in the query. Keys travel as one JSON parameter (PostgreSQL and PGlite alike).
 */
function detailBatchQuery(ctx: ServiceContext, shape: DetailShape) {
  const name = `payment_detail_by_ids_${shape}`;
  return prepared(ctx.db, name, (db) =>
    db
      .select(detailColumns(shape))
      .from(payments)
      .where(
        sql`(${payments.id}, ${payments.appId}, ${payments.livemode}) in (select k.id, k.app_id, k.livemode
          from json_to_recordset(${sql.placeholder("keys")}::json) as k(id text, app_id text, livemode boolean))`,
      )
      .prepare(name),
  );
}

/** A detail row: its key, and per shape the mapped row and/or the answer's JSON text. */
interface DetailRow extends DetailKey {
  payment?: PaymentRow;
  attempts?: AttemptJson[];
  refunds?: RefundJson[];
  json?: string;
}
interface DetailKey {
  id: string;
  appId: string;
  livemode: boolean;
}
const keyOf = (k: DetailKey) => `${k.appId}|${k.livemode}|${k.id}`;

/**
 * Reads one payment's detail row, coalesced (`db/batch.ts`): gets that arrive in the same
 * event-loop turn (many connections polling at once) share one statement, `(id, app_id,
 * livemode) in (…)`, up to 200 keys each; a get alone runs the single-row statement. Each
 * caller gets only the row of its own key.
 */
function loadDetail(ctx: ServiceContext, scope: Scope, id: string, shape: DetailShape): Promise<DetailRow | undefined> {
  const load = batcherFor(
    ctx.db,
    `payment_detail_${shape}`,
    async (keys: DetailKey[]): Promise<Array<DetailRow | undefined>> => {
      const [first] = keys;
      if (keys.length === 1 && first) {
        return [(await detailQuery(ctx, shape).execute({ id: first.id, appId: first.appId, livemode: first.livemode }))[0] as DetailRow | undefined];
      }
      const distinct = [...new Map(keys.map((k) => [keyOf(k), { id: k.id, app_id: k.appId, livemode: k.livemode }])).values()];
      const found = new Map<string, DetailRow>();
      for (const row of (await detailBatchQuery(ctx, shape).execute({ keys: JSON.stringify(distinct) })) as DetailRow[]) found.set(keyOf(row), row);
      return keys.map((k) => found.get(keyOf(k)));
    },
    // Every turn's gets go at once, whatever is still running.
    { max: 200, inFlight: Number.POSITIVE_INFINITY },
  );
  return load({ id, appId: scope.appId, livemode: scope.livemode });
}

const detailObject = (row: DetailRow) => ({ ...serializePayment(row.payment as PaymentRow), attempts: row.attempts ?? [], refunds: row.refunds ?? [] });

/** A payment of this app and mode with its attempts and refunds; another app's is "not found". */
export async function getPaymentDetail({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }) {
  const row = await loadDetail(ctx, scope, id, "object");
  if (!row) throw notFound("payment", "id");
  return detailObject(row);
}

/**
 * `getPaymentDetail`'s answer as JSON text built by PostgreSQL; under ZEROFEE_CHECK_RESPONSES
 * also `expected`, the same row mapped and serialised in Node, which the text must equal.
 */
export async function getPaymentDetailJson({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }) {
  const row = await loadDetail(ctx, scope, id, ctx.config.checkResponses ? "checked" : "json");
  if (!row?.json) throw notFound("payment", "id");
  return { json: row.json, expected: row.payment ? detailObject(row) : undefined };
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
