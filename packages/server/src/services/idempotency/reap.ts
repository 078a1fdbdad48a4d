import { and, isNull, lt } from "drizzle-orm";
import { idempotencyKeys } from "../../db/schema/index.js";
import type { ServiceContext } from "../context.js";

export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Deletes keys past the 24 h retention; a key still locked by a request is left alone. */
export async function reapIdempotencyKeys(ctx: ServiceContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - IDEMPOTENCY_RETENTION_MS);
  const rows = await ctx.db
    .delete(idempotencyKeys)
    .where(and(lt(idempotencyKeys.createdAt, cutoff), isNull(idempotencyKeys.lockedAt)))
    .returning({ id: idempotencyKeys.id });
  return rows.length;
}
