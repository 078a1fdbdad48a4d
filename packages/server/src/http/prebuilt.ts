import { isDeepStrictEqual } from "node:util";
import type { FastifyReply } from "fastify";
import type { z } from "zod";
import type { ListedPayment } from "../services/payments/list.js";
import { type PaymentRow, serializePayment } from "../services/payments/serialize.js";

/**
 * Answers JSON text built by PostgreSQL as it stands: Fastify sends a string of a JSON type
 * without running the route's serializer. With `check` (ZEROFEE_CHECK_RESPONSES, on under
 * test), the text must parse to exactly what the same row, mapped and serialised in Node,
 * writes, and must fit the route's schema: every read in the suite proves the SQL shape.
 */
export function sendPrebuilt(reply: FastifyReply, text: string, check?: { expected: unknown; schema: z.ZodType }) {
  if (check) {
    const got: unknown = JSON.parse(text);
    const want: unknown = JSON.parse(JSON.stringify(check.schema.parse(check.expected)));
    if (!isDeepStrictEqual(got, want)) {
      // Paths only: the values can hold a customer's phone number, and this message is logged.
      throw new Error(`SQL-built answer of ${reply.request.routeOptions.url} differs from Node's at ${differingPaths(got, want).join(", ")}`);
    }
    check.schema.parse(got);
  }
  return reply.type("application/json; charset=utf-8").send(text);
}

/** A page of payments as the list envelope, spliced from each payment's JSON text. */
export function sendPaymentPage(
  reply: FastifyReply,
  result: { items: ListedPayment[]; has_more: boolean; next_cursor: string | null },
  schema: z.ZodType,
  check: boolean,
) {
  const { items, has_more, next_cursor } = result;
  const text = `{"success":true,"data":[${items.map((p) => p.json).join(",")}],"has_more":${has_more},"next_cursor":${JSON.stringify(next_cursor)}}`;
  if (!check) return sendPrebuilt(reply, text);
  const expected = { success: true, data: items.map((p) => serializePayment(p.row as PaymentRow)), has_more, next_cursor };
  return sendPrebuilt(reply, text, { expected, schema });
}

/** Where two JSON values differ, as dotted paths (the first few). */
export function differingPaths(a: unknown, b: unknown, at = "", out: string[] = []): string[] {
  if (out.length >= 5 || isDeepStrictEqual(a, b)) return out;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differingPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k, out);
  } else {
    out.push(at || "(root)");
  }
  return out;
}
