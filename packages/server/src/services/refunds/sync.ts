import type { RefundStatusOutput, WebhookOutput } from "@zerofee/providers";
import { and, asc, eq, isNotNull, or } from "drizzle-orm";
import { providerCallbacks, refunds } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import type { ServiceContext } from "../context.js";
import { liveAttempt } from "../payments/sync.js";
import { recordCallback } from "../providers/callbacks.js";
import { providerContextFor } from "../providers/credentials.js";
import type { RefundRow } from "./serialize.js";
import { type RefundOutcome, settleRefund } from "./settle.js";

type Found = Extract<RefundStatusOutput, { kind: "found" }>;

type Reported = Pick<Found, "status" | "failureCode" | "failureMessage" | "providerRefundId">;

/** A final status a provider reported, as the outcome `settleRefund` records. */
const outcomeOf = (s: Reported): RefundOutcome =>
  s.status === "completed"
    ? { status: "completed", ...(s.providerRefundId ? { providerRefundId: s.providerRefundId } : {}) }
    : { status: "failed", code: s.failureCode ?? "refund_failed", message: s.failureMessage ?? "The provider could not refund." };

/** Applies what a provider's status call says of a refund: only a final status changes it. */
function applyRefundStatus(ctx: ServiceContext, refund: RefundRow, status: Reported) {
  if (status.status === "pending") return Promise.resolve(null);
  return withTransaction(ctx.db, (tx) => settleRefund(ctx, tx, refund.id, outcomeOf(status)));
}

/** Asks the provider how one refund it accepted stands, and records a final answer. */
export async function checkRefund(ctx: ServiceContext, refund: RefundRow): Promise<RefundRow | null> {
  if (!ctx.providers.has(refund.provider)) return null;
  const adapter = ctx.providers.adapter(refund.provider);
  const attempt = await liveAttempt(ctx, refund.paymentId);
  if (!adapter.getRefundStatus || !attempt) return null;
  const getStatus = adapter.getRefundStatus.bind(adapter);
  const pctx = await providerContextFor(ctx, { appId: refund.appId, livemode: refund.livemode }, refund.provider);
  const ref = { providerPaymentId: attempt.providerPaymentId, providerReference: attempt.providerReference, data: attempt.data };
  const res = await ctx.providers.call(
    { provider: refund.provider, livemode: refund.livemode },
    "refund_status",
    () => getStatus(pctx, ref, { refundId: refund.id, providerRefundId: refund.providerRefundId, amount: refund.amount, currency: refund.currency }),
    (r) => r.kind,
  );
  return res.kind === "found" ? applyRefundStatus(ctx, refund, res) : null;
}

/**
 * The reconciliation sweep's half for refunds the provider accepted but has not settled (its
 * callback lost, or a provider that sends none): each is asked of the provider, oldest first.
 */
export async function checkPendingRefunds(ctx: ServiceContext, opts: { batch?: number } = {}) {
  const due = await ctx.db
    .select()
    .from(refunds)
    .where(and(eq(refunds.status, "pending"), isNotNull(refunds.providerRefundId)))
    .orderBy(asc(refunds.createdAt))
    .limit(opts.batch ?? 100);
  let settled = 0;
  for (const refund of due) {
    try {
      if (await checkRefund(ctx, refund)) settled++;
    } catch (err) {
      ctx.log.warn({ err, refund_id: refund.id }, "refund status check failed");
    }
  }
  return { refund_status_checked: due.length, refund_status_settled: settled };
}

/**
 * A provider's refund callback, already verified by its adapter: deduplicated by the
 * provider's event id, matched to a refund of that provider and mode (by our id or the
 * provider's), and applied through the same conditional update as every other source.
 */
export async function receiveRefundWebhook(
  ctx: ServiceContext,
  input: { provider: string; livemode: boolean; appId?: string; event: Extract<WebhookOutput, { kind: "refund" }>; payload: unknown },
): Promise<{ received: true; duplicate: boolean; applied: boolean }> {
  const { provider, event } = input;
  const ids = [
    ...(event.refundId ? [eq(refunds.id, event.refundId)] : []),
    ...(event.providerRefundId ? [eq(refunds.providerRefundId, event.providerRefundId)] : []),
  ];
  const [found] = ids.length
    ? await ctx.db
        .select()
        .from(refunds)
        .where(and(eq(refunds.provider, provider), or(...ids)))
    : [];
  const match = found && found.livemode === input.livemode && (!input.appId || found.appId === input.appId) ? found : undefined;
  const now = ctx.clock.now();
  // The callback's record and its effect commit together: a crash between them cannot leave a
  // message marked seen but never applied.
  return withTransaction(ctx.db, async (tx) => {
    const stored = await recordCallback(tx, {
      provider,
      providerEventId: event.eventId,
      paymentId: match?.paymentId ?? null,
      reportedStatus: `refund:${event.status}`,
      note: match ? `refund ${match.id}` : "no matching refund",
      payload: input.payload,
      receivedAt: now,
    });
    if (!stored) return { received: true as const, duplicate: true, applied: false };
    if (!match || event.status === "pending") return { received: true as const, duplicate: false, applied: false };
    const applied = await settleRefund(ctx, tx, match.id, outcomeOf(event));
    if (applied) await tx.update(providerCallbacks).set({ applied: true }).where(eq(providerCallbacks.id, stored));
    return { received: true as const, duplicate: false, applied: Boolean(applied) };
  });
}
