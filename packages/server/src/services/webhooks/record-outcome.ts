import { and, eq, sql } from "drizzle-orm";
import { webhookAttempts, webhookEndpoints, webhookJobs } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import type { ServiceContext } from "../context.js";
import type { ClaimedJob } from "./claim.js";
import type { PostResult } from "./post.js";
import { retryDelayMs } from "./schedule.js";

export interface Outcome {
  /** The event's delivery status after this attempt. */
  status: "delivered" | "pending" | "failed";
  /** Set when this failure disabled the endpoint (the caller sends the email). */
  disabled: boolean;
}

const isSuccess = (r: PostResult) => r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;

function describeError(r: PostResult): string | null {
  if (r.error) return r.error;
  if (r.statusCode !== null && r.statusCode >= 300 && r.statusCode < 400) return `redirect not followed (HTTP ${r.statusCode})`;
  if (!isSuccess(r)) return `HTTP ${r.statusCode}`;
  return null;
}

/**
 * Records one attempt and moves the job on, in one transaction: delivered; or retried on the
 * schedule; or — schedule spent — `failed`, which counts toward disabling the endpoint after
 * `ZEROFEE_WEBHOOK_DISABLE_AFTER` failed events in a row. The job changes only while this
 * worker still holds it (`locked_by`, `attempts`), so a lease lost to another worker cannot
 * move it twice; the attempt is logged either way, since it happened.
 */
export async function recordOutcome(
  ctx: ServiceContext,
  input: { job: ClaimedJob; worker: string; deliveryId: string; url: string; startedAt: Date; result: PostResult },
): Promise<Outcome> {
  const { job, result } = input;
  const now = ctx.clock.now();
  const attempt = job.attempts + 1;
  const error = describeError(result);
  const success = isSuccess(result);
  const delay = success ? null : retryDelayMs(ctx.config.webhook.retryDelaysS, attempt - job.scheduleStart, result.retryAfterS, Math.random);
  const status: Outcome["status"] = success ? "delivered" : delay === null ? "failed" : "pending";
  return withTransaction(ctx.db, async (tx) => {
    await tx.insert(webhookAttempts).values({
      id: input.deliveryId,
      eventId: job.eventId,
      appId: job.appId,
      livemode: job.livemode,
      attempt,
      url: input.url,
      statusCode: result.statusCode,
      responseBody: result.responseBody,
      durationMs: result.durationMs,
      error,
      createdAt: input.startedAt,
    });
    const moved = await tx
      .update(webhookJobs)
      .set({
        status,
        attempts: attempt,
        nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay),
        lockedUntil: null,
        lockedBy: null,
        lastError: error,
        deliveredAt: success ? now : null,
        updatedAt: now,
      })
      .where(and(eq(webhookJobs.eventId, job.eventId), eq(webhookJobs.lockedBy, input.worker), eq(webhookJobs.attempts, job.attempts)))
      .returning({ eventId: webhookJobs.eventId });
    if (moved.length === 0) return { status, disabled: false };
    const endpoint = and(eq(webhookEndpoints.appId, job.appId), eq(webhookEndpoints.livemode, job.livemode));
    if (success) {
      // Only touches the row when there is something to reset: no lock on the hot path.
      await tx
        .update(webhookEndpoints)
        .set({ consecutiveFailures: 0 })
        .where(and(endpoint, sql`${webhookEndpoints.consecutiveFailures} <> 0`));
      return { status, disabled: false };
    }
    if (status !== "failed") return { status, disabled: false };
    const [counted] = await tx
      .update(webhookEndpoints)
      .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
      .where(endpoint)
      .returning({ failures: webhookEndpoints.consecutiveFailures, active: webhookEndpoints.active });
    const limit = ctx.config.webhook.disableAfter;
    if (!counted?.active || limit === 0 || counted.failures < limit) return { status, disabled: false };
    const reason = `${counted.failures} consecutive events failed; last error: ${error ?? "unknown"}`.slice(0, 500);
    const off = await tx
      .update(webhookEndpoints)
      .set({ active: false, disabledAt: now, disabledReason: reason, updatedAt: now })
      .where(and(endpoint, eq(webhookEndpoints.active, true)))
      .returning({ appId: webhookEndpoints.appId });
    return { status, disabled: off.length > 0 };
  });
}
