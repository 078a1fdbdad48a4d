import { and, desc, eq, getTableColumns, gte, lt, lte, type SQL, sql } from "drizzle-orm";
import { prepared } from "../../db/prepared.js";
import { payments } from "../../db/schema/index.js";
import { decodeCursor, page } from "../../lib/cursor.js";
import type { Scope, ServiceContext } from "../context.js";
import { createdRange } from "../created-range.js";
import type { ListPaymentsInput } from "./schemas.js";
import { type PaymentRow, paymentJsonSql } from "./serialize.js";

/**
 * One listed payment: its id (the cursor), the payment object as JSON text built by
 * PostgreSQL (the answer is spliced from these, nothing mapped in Node), and under
 * ZEROFEE_CHECK_RESPONSES the row itself, which `serializePayment` must write alike.
 */
export type ListedPayment = { id: string; json: string; row?: PaymentRow };

/** What a list selects: the id and the JSON text; checked, every column too (same row). */
function listColumns(check: boolean) {
  return check ? { ...getTableColumns(payments), json: paymentJsonSql() } : { id: payments.id, json: paymentJsonSql() };
}

function listed(rows: Array<{ id: string; json: string }>, check: boolean): ListedPayment[] {
  return check ? rows.map((r) => ({ id: r.id, json: r.json, row: r as unknown as PaymentRow })) : rows;
}

/** Newest first, cursor-paginated, every filter ANDed, always inside the caller's app and mode. */
export async function listPayments({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: ListPaymentsInput }) {
  const filtered = Object.entries(input).some(([k, v]) => k !== "limit" && k !== "cursor" && v !== undefined);
  if (!filtered) {
    // The dashboard's and most integrations' call: one prepared statement per cursor shape.
    const check = ctx.config.checkResponses;
    const name = `${input.cursor ? "payments_page_after" : "payments_page_first"}${check ? "_checked" : ""}`;
    const query = prepared(ctx.db, name, (db) =>
      db
        .select(listColumns(check))
        .from(payments)
        .where(
          and(
            eq(payments.appId, sql.placeholder("appId")),
            eq(payments.livemode, sql.placeholder("livemode")),
            ...(input.cursor ? [lt(payments.id, sql.placeholder("after"))] : []),
          ),
        )
        .orderBy(desc(payments.id))
        .limit(sql.placeholder("limit"))
        .prepare(name),
    );
    const rows = await query.execute({
      appId: scope.appId,
      livemode: scope.livemode,
      limit: input.limit + 1,
      ...(input.cursor ? { after: decodeCursor(input.cursor) } : {}),
    });
    return page(listed(rows, check), input.limit);
  }
  const where: SQL[] = [eq(payments.appId, scope.appId), eq(payments.livemode, scope.livemode)];
  if (input.cursor) where.push(lt(payments.id, decodeCursor(input.cursor)));
  if (input.status) where.push(eq(payments.status, input.status));
  if (input.provider) where.push(eq(payments.provider, input.provider));
  if (input.payment_method) where.push(eq(payments.paymentMethod, input.payment_method));
  if (input.country) where.push(eq(payments.country, input.country));
  if (input.reference) where.push(eq(payments.reference, input.reference));
  if (input.currency) where.push(eq(payments.currency, input.currency));
  if (input.customer_phone) where.push(phoneMatches(input.customer_phone));
  where.push(...createdRange(payments.createdAt, input.created_from, input.created_to));
  if (input.amount_from !== undefined) where.push(gte(payments.amount, input.amount_from));
  if (input.amount_to !== undefined) where.push(lte(payments.amount, input.amount_to));
  return paymentsPage(ctx, where, input.limit);
}

/**
 * `customer_phone` as a merchant types it. Payments keep the number in E.164 (`+2250700000000`):
 * `+…` or `00…` matches it exactly; national digits (`07 00 00 00 00`) match the numbers that
 * end with them, or with them less a leading trunk `0` (`0712 345 678` → `+254712345678`).
 */
function phoneMatches(typed: string): SQL {
  const phone = sql`${payments.customer}->>'phone'`;
  const digits = typed.replace(/\D/g, "");
  const international = /^\s*(\+|00)/.test(typed);
  if (international) return sql`${phone} = ${`+${typed.trim().startsWith("00") ? digits.slice(2) : digits}`}`;
  const suffixes = [digits, ...(digits.startsWith("0") && digits.length > 1 ? [digits.slice(1)] : [])];
  // Digits only, so no LIKE wildcard can come from the caller.
  return sql`(${sql.join(
    suffixes.map((d) => sql`${phone} like ${`+%${d}`}`),
    sql` or `,
  )})`;
}

/** One page of the payments matching every condition in `where`, newest first. */
export async function paymentsPage(ctx: ServiceContext, where: SQL[], limit: number) {
  const check = ctx.config.checkResponses;
  const rows = await ctx.db
    .select(listColumns(check))
    .from(payments)
    .where(and(...where))
    .orderBy(desc(payments.id))
    .limit(limit + 1);
  return page(listed(rows, check), limit);
}
