import { and, eq, gte } from "drizzle-orm";
import { webhookJobs } from "../../db/schema/index.js";
import type { Scope, ServiceContext } from "../context.js";
import { requeue } from "./resend.js";
import { notifyEventsQueued } from "./wake.js";

/**
 * Recovery: every event of the app and mode that ended `failed` since `since` — after its
 * retries, or while the endpoint was missing or disabled — is queued again.
 * @example await recoverEvents({ ctx, scope, since: new Date(Date.now() - 86_400_000) })
 */
export async function recoverEvents({ ctx, scope, since }: { ctx: ServiceContext; scope: Scope; since: Date }): Promise<number> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .update(webhookJobs)
    .set(requeue(now))
    .where(
      and(eq(webhookJobs.appId, scope.appId), eq(webhookJobs.livemode, scope.livemode), eq(webhookJobs.status, "failed"), gte(webhookJobs.createdAt, since)),
    )
    .returning({ id: webhookJobs.eventId });
  if (rows.length > 0) await notifyEventsQueued(ctx.db);
  return rows.length;
}
