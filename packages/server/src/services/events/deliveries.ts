import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import { webhookAttempts } from "../../db/schema/index.js";
import { decodeCursor, page } from "../../lib/cursor.js";
import type { Scope, ServiceContext } from "../context.js";
import { getEvent } from "./get.js";
import type { ListDeliveriesInput } from "./schemas.js";

/** The delivery attempts of one event, oldest first (SPEC §7), cursor-paginated (SPEC §4). */
export async function listDeliveries({ ctx, scope, id, input }: { ctx: ServiceContext; scope: Scope; id: string; input: ListDeliveriesInput }) {
  await getEvent({ ctx, scope, id });
  const where: SQL[] = [eq(webhookAttempts.eventId, id), eq(webhookAttempts.appId, scope.appId), eq(webhookAttempts.livemode, scope.livemode)];
  if (input.cursor) where.push(gt(webhookAttempts.id, decodeCursor(input.cursor)));
  const rows = await ctx.db
    .select()
    .from(webhookAttempts)
    .where(and(...where))
    .orderBy(asc(webhookAttempts.id))
    .limit(input.limit + 1);
  return page(rows, input.limit);
}
