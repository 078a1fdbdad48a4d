import { sql } from "drizzle-orm";
import { webhookJobs } from "../../db/schema/index.js";
import type { Scope, ServiceContext } from "../context.js";
import { getEvent } from "./get.js";
import { notifyEventsQueued } from "./wake.js";

/** Puts a job back in the queue now, with a fresh retry schedule (its attempts stay logged). */
export const requeue = (now: Date) => ({
  status: "pending" as const,
  nextAttemptAt: now,
  // Taken from the worker that may hold it: an attempt in flight when the merchant resends
  // must not record over the resend (its outcome only moves a job its worker still holds).
  lockedBy: null,
  lockedUntil: null,
  scheduleStart: sql`${webhookJobs.attempts}`,
  lastError: null,
  updatedAt: now,
});

/**
 * Delivers one event again, whatever its state (delivered, failed, skipped). The receiver
 * sees the same `webhook-id`, so it can tell a resend from a new event. The job is marked
 * `by_hand`: the merchant asked for this event, so it goes even when the endpoint's `events`
 * filter leaves its type out (a `skipped` event, SPEC §7); automatic deliveries and a
 * recovery's requeue keep the filter.
 */
export async function resendEvent({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }) {
  await getEvent({ ctx, scope, id });
  const now = ctx.clock.now();
  await ctx.db
    .insert(webhookJobs)
    .values({ eventId: id, appId: scope.appId, livemode: scope.livemode, status: "pending", nextAttemptAt: now, byHand: true, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: webhookJobs.eventId, set: { ...requeue(now), byHand: true } });
  await notifyEventsQueued(ctx.db);
  return getEvent({ ctx, scope, id });
}
