import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { events, webhookJobs } from "../../db/schema/index.js";
import { decodeCursor, page } from "../../lib/cursor.js";
import type { Scope, ServiceContext } from "../context.js";
import { createdRange } from "../created-range.js";
import type { ListEventsInput } from "./schemas.js";

/** Newest first, cursor-paginated like `GET /v1/payments`, always inside the caller's app and mode. */
export async function listEvents({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: ListEventsInput }) {
  const where: SQL[] = [eq(events.appId, scope.appId), eq(events.livemode, scope.livemode)];
  if (input.cursor) where.push(lt(events.id, decodeCursor(input.cursor)));
  if (input.type) where.push(eq(events.type, input.type));
  if (input.object_id) where.push(eq(events.objectId, input.object_id));
  if (input.delivery_status) where.push(eq(webhookJobs.status, input.delivery_status));
  where.push(...createdRange(events.createdAt, input.created_from, input.created_to));
  const rows = await ctx.db
    .select({ id: events.id, event: events, job: webhookJobs })
    .from(events)
    .leftJoin(webhookJobs, eq(webhookJobs.eventId, events.id))
    .where(and(...where))
    .orderBy(desc(events.id))
    .limit(input.limit + 1);
  return page(rows, input.limit);
}
