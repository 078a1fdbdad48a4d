import { and, eq } from "drizzle-orm";
import { events, webhookJobs } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import { hasPrefix } from "../../lib/ids.js";
import type { Scope, ServiceContext } from "../context.js";
import type { EventRow, JobRow } from "./serialize.js";

/** One event of the caller's app and mode with its delivery state; any other is 404. */
export async function getEvent({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }): Promise<{ event: EventRow; job: JobRow | null }> {
  if (!hasPrefix(id, "event")) throw notFound("event", "id");
  const [row] = await ctx.db
    .select({ event: events, job: webhookJobs })
    .from(events)
    .leftJoin(webhookJobs, eq(webhookJobs.eventId, events.id))
    .where(and(eq(events.id, id), eq(events.appId, scope.appId), eq(events.livemode, scope.livemode)));
  if (!row) throw notFound("event", "id");
  return row;
}
