import { and, eq } from "drizzle-orm";
import { webhookJobs } from "../../db/schema/index.js";
import type { ServiceContext } from "../context.js";
import type { ClaimedJob } from "./claim.js";

/**
 * Ends a claimed job without an attempt: `failed` when there is nowhere to deliver (no
 * endpoint, or disabled) — kept, and delivered by a resend or a recovery — or `skipped` when
 * the endpoint does not take this event type.
 */
export async function parkJob(ctx: ServiceContext, job: ClaimedJob, status: "failed" | "skipped", reason: string): Promise<void> {
  const now = ctx.clock.now();
  ctx.metrics.webhookParked.inc({ reason: status === "skipped" ? "not_subscribed" : reason });
  await ctx.db
    .update(webhookJobs)
    .set({ status, nextAttemptAt: null, lockedUntil: null, lockedBy: null, lastError: reason, updatedAt: now })
    .where(and(eq(webhookJobs.eventId, job.eventId), eq(webhookJobs.lockedBy, job.claim), eq(webhookJobs.attempts, job.attempts)));
}
