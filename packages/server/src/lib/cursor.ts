import { z } from "zod";
import { ApiError } from "./errors.js";

/** What every list takes (SPEC §4): `limit` 1–100, default 20, and the `cursor` of the page before. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** Opaque, URL-safe list cursors: the last id of the previous page. */
export const encodeCursor = (id: string): string => Buffer.from(id, "utf8").toString("base64url");

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[a-z]+_[0-9A-Z]{26}$/.test(id)) throw new ApiError("validation_error", "cursor is not one this API gave out.", { param: "cursor" });
  return id;
}

/** Splits a `limit + 1` query result into a page, `has_more` and `next_cursor`. */
export function page<T extends { id: string }>(rows: T[], limit: number): { items: T[]; has_more: boolean; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  const last = items.at(-1);
  return { items, has_more: hasMore, next_cursor: hasMore && last ? encodeCursor(last.id) : null };
}
