import type { RefundOutput } from "@zerofee/providers";
import { and, asc, eq, isNull } from "drizzle-orm";
import { refunds } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import type { ServiceContext } from "../context.js";
import { liveAttempt } from "../payments/sync.js";
import { providerContextFor } from "../providers/credentials.js";
import type { RefundRow } from "./serialize.js";
import { settleRefund } from "./settle.js";

/** Provider calls without an answer before a refund is failed for a human to settle. */
export const MAX_REFUND_TRIES = 10;

/**
 * Asks the provider for one pending refund, with our `re_…` id as its idempotency key, and
 * records the answer with its event in one transaction. Safe to run again: a refund the
 * provider answered is never asked twice, and one it did not answer is asked with the same id
 * (the provider sees one refund).
 */
export async function processRefund(ctx: ServiceContext, refundId: string): Promise<RefundRow | null> {
  const [refund] = await ctx.db.select().from(refunds).where(eq(refunds.id, refundId));
  if (refund?.status !== "pending" || refund.providerRefundId) return refund ?? null;
  const attempt = await liveAttempt(ctx, refund.paymentId);
  let res: RefundOutput;
  if (!attempt || !ctx.providers.has(refund.provider)) {
    res = { kind: "rejected", code: "no_provider_payment", message: "No provider payment to refund." };
  } else {
    const adapter = ctx.providers.adapter(refund.provider);
    const pctx = await providerContextFor(ctx, { appId: refund.appId, livemode: refund.livemode }, refund.provider);
    const ref = { providerPaymentId: attempt.providerPaymentId, providerReference: attempt.providerReference, data: attempt.data };
    res = await ctx.providers.call(
      { provider: refund.provider, livemode: refund.livemode },
      "refund",
      () =>
        adapter.refund(pctx, ref, {
          refundId: refund.id,
          amount: refund.amount,
          currency: refund.currency,
          ...(refund.reason ? { reason: refund.reason } : {}),
        }),
      (r) => r.kind,
    );
  }
  // Test-only crash point: the provider has the refund, ZeroFee has not recorded its answer.
  ctx.fault("after_refund_initiate");
  const attempts = refund.attempts + 1;
  return withTransaction(ctx.db, async (tx) => {
    if (res.kind === "accepted" && res.status === "completed") {
      return (await settleRefund(ctx, tx, refund.id, { status: "completed", providerRefundId: res.providerRefundId }, { attempts })) ?? refund;
    }
    if (res.kind === "accepted" || (res.kind === "unavailable" && attempts < MAX_REFUND_TRIES)) {
      // Accepted and pending: its callback or the status sweep ends it. Unanswered: asked again.
      const [updated] = await tx
        .update(refunds)
        .set({ attempts, updatedAt: ctx.clock.now(), ...(res.kind === "accepted" ? { providerRefundId: res.providerRefundId } : {}) })
        .where(and(eq(refunds.id, refund.id), eq(refunds.status, "pending"), isNull(refunds.providerRefundId)))
        .returning();
      return updated ?? refund;
    }
    const failure =
      res.kind === "unavailable"
        ? { code: "provider_unavailable", message: res.message }
        : res.kind === "unsupported"
          ? { code: "refund_unsupported", message: res.message }
          : { code: res.code, message: res.message };
    return (await settleRefund(ctx, tx, refund.id, { status: "failed", ...failure }, { attempts })) ?? refund;
  });
}

/** Refunds never answered (provider down, crash after commit): asked again, oldest first. */
export async function retryPendingRefunds(ctx: ServiceContext, opts: { batch?: number } = {}) {
  const due = await ctx.db
    .select({ id: refunds.id })
    .from(refunds)
    .where(and(eq(refunds.status, "pending"), isNull(refunds.providerRefundId)))
    .orderBy(asc(refunds.createdAt))
    .limit(opts.batch ?? 100);
  let settled = 0;
  for (const { id } of due) {
    try {
      const r = await processRefund(ctx, id);
      if (r && r.status !== "pending") settled++;
    } catch (err) {
      ctx.log.warn({ err, refund_id: id }, "refund retry failed");
    }
  }
  return { refunds_checked: due.length, refunds_settled: settled };
}

/** After a transaction that may have opened a refund: ask the provider now, not at the next sweep. */
export async function processOpenedRefund(ctx: ServiceContext, refundId: string | null | undefined): Promise<void> {
  if (!refundId) return;
  try {
    await processRefund(ctx, refundId);
  } catch (err) {
    ctx.log.warn({ err, refund_id: refundId }, "refund left for the next sweep");
  }
}
