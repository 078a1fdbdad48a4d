import { and, eq, gte, sql } from "drizzle-orm";
import { webhookJobs } from "../../db/schema/index.js";
import type { Scope, ServiceContext } from "../context.js";
import { getEvent } from "./get.js";
import { signalEventsWritten } from "./wake.js";

/** Puts a job back in the queue now, with a fresh retry schedule (its attempts stay logged). */
const requeue = (now: Date) => ({
  status: "pending" as const,
  nextAttemptAt: now,
  scheduleStart: sql`${webhookJobs.attempts}`,
  lastError: null,
  updatedAt: now,
});

/**
 * Delivers one event again, whatever its state (delivered, failed, skipped). The receiver
 * sees the same `webhook-id`, so it can tell a resend from a new event.
 */
export async function resendEvent({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }) {
  await getEvent({ ctx, scope, id });
  const now = ctx.clock.now();
  await ctx.db
    .insert(webhookJobs)
    .values({ eventId: id, appId: scope.appId, livemode: scope.livemode, status: "pending", nextAttemptAt: now, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: webhookJobs.eventId, set: requeue(now) });
  signalEventsWritten();
  return getEvent({ ctx, scope, id });
}

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
  if (rows.length > 0) signalEventsWritten();
  return rows.length;
}
