import { type AnyColumn, gte, lt, lte, type SQL } from "drizzle-orm";
import { z } from "zod";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A list's `created_from` / `created_to`: an ISO 8601 time with its offset, or a UTC day
 * (`2026-12-07`) as `GET /v1/stats` counts days — from its first instant, to its last.
 */
export const CreatedBound = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .describe("An ISO 8601 time with its offset, or a UTC day (YYYY-MM-DD): created_from from its first instant, created_to through its last");

/** The conditions `created_from` and `created_to` put on `column`: a day given as `to` includes all of it. */
export function createdRange(column: AnyColumn, from: string | undefined, to: string | undefined): SQL[] {
  const where: SQL[] = [];
  if (from) where.push(gte(column, new Date(DAY.test(from) ? `${from}T00:00:00Z` : from)));
  if (to) {
    if (DAY.test(to)) where.push(lt(column, new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000)));
    else where.push(lte(column, new Date(to)));
  }
  return where;
}
