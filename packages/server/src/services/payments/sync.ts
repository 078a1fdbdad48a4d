import type { ProviderPaymentStatus, StatusOutput } from "@zerofee/providers";
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { paymentAttempts, payments, type TimelineSource } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import type { ServiceContext } from "../context.js";
import { recordEvent } from "../events/record.js";
import { providerContextFor } from "../providers/credentials.js";
import { openLateSuccessRefund } from "../refunds/open.js";
import { processOpenedRefund } from "../refunds/process.js";
import { type PaymentRow, serializePayment } from "./serialize.js";
import { TERMINAL, transitionPayment } from "./transition.js";

export type AttemptRow = typeof paymentAttempts.$inferSelect;

export type ApplyResult =
  | { kind: "applied"; payment: PaymentRow }
  /** Nothing to change (same status, or a step backwards). */
  | { kind: "unchanged"; payment: PaymentRow }
  /**
   * The payment was already terminal and the provider says otherwise: recorded, not applied.
   * `refundId`: a late success opened an automatic refund, to process once committed.
   */
  | { kind: "conflict"; payment: PaymentRow; refundId?: string | null };

/** Terminal statuses in which no money moved: among themselves they agree, whatever the words. */
const UNPAID = new Set<string>(["failed", "expired", "cancelled"]);

/**
 * Applies a status a provider reported (webhook, return, reconciliation, expiry) through the
 * state machine, inside the caller's transaction. A success for an expired or cancelled
 * payment raises `payment.late_success`; any other contradiction of a terminal status is a
 * conflict, counted for alerting. An unpaid outcome reported for an unpaid payment is no
 * contradiction (an expiry cancels at the provider, whose "cancelled" then arrives for an
 * `expired` payment).
 */
export async function applyProviderStatus(
  ctx: ServiceContext,
  tx: Tx,
  input: { payment: PaymentRow; provider: string; status: ProviderPaymentStatus; source: TimelineSource; failure?: { code: string; message: string } },
): Promise<ApplyResult> {
  const { payment, status } = input;
  const at = ctx.clock.now();
  if (TERMINAL.includes(payment.status)) {
    if (status === payment.status || status === "pending" || status === "requires_action" || status === "processing") {
      return { kind: "unchanged", payment };
    }
    if (UNPAID.has(status) && UNPAID.has(payment.status)) return { kind: "unchanged", payment };
    let refundId: string | null = null;
    if (status === "completed" && (payment.status === "expired" || payment.status === "cancelled")) {
      const first = await recordEvent(tx, {
        appId: payment.appId,
        livemode: payment.livemode,
        type: "payment.late_success",
        objectId: payment.id,
        data: serializePayment(payment),
        at,
      });
      ctx.log.warn({ payment_id: payment.id, provider: input.provider }, "late success for a closed payment");
      if (first) refundId = await openLateSuccessRefund(ctx, tx, payment, input.provider);
    }
    ctx.metrics.conflictingProviderStatus.inc({ provider: input.provider });
    ctx.log.error({ payment_id: payment.id, provider: input.provider, reported: status, status: payment.status }, "provider contradicts a terminal payment");
    return { kind: "conflict", payment, refundId };
  }
  if (status === "pending" || status === payment.status) return { kind: "unchanged", payment };
  const moved = await transitionPayment(ctx, tx, {
    paymentId: payment.id,
    appId: payment.appId,
    to: status,
    source: input.source,
    at,
    ...(input.failure ? { failure: input.failure } : {}),
  });
  if (!moved) return { kind: "unchanged", payment };
  ctx.metrics.paymentTransitions.inc({ status, source: input.source });
  return { kind: "applied", payment: moved };
}

/** The attempt a provider is (or may be) working on: accepted, else ambiguous, else created. */
export async function liveAttempt(ctx: ServiceContext, paymentId: string): Promise<AttemptRow | null> {
  const rows = await ctx.db
    .select()
    .from(paymentAttempts)
    .where(and(eq(paymentAttempts.paymentId, paymentId), inArray(paymentAttempts.status, ["accepted", "ambiguous", "created"])))
    .orderBy(desc(paymentAttempts.createdAt));
  return rows.find((a) => a.status === "accepted") ?? rows.find((a) => a.status === "ambiguous") ?? rows[0] ?? null;
}

export const attemptRef = (attempt: AttemptRow) => ({
  providerPaymentId: attempt.providerPaymentId,
  providerReference: attempt.providerReference,
  data: attempt.data,
});

/**
 * Asks the provider for an attempt's status with the app's context for the payment's mode
 * (no transaction open: PGlite has one connection). `return` goes through the adapter's
 * `verifyReturn` with the redirect's query as hints.
 */
export async function queryProviderStatus(
  ctx: ServiceContext,
  payment: PaymentRow,
  attempt: AttemptRow,
  via: "status" | "return" = "status",
  query: Record<string, string> = {},
): Promise<StatusOutput> {
  const provider = attempt.provider;
  if (!ctx.providers.has(provider)) return { kind: "unavailable", message: `provider ${provider} is no longer registered` };
  const adapter = ctx.providers.adapter(provider);
  const providerCtx = await providerContextFor(ctx, { appId: payment.appId, livemode: payment.livemode }, provider);
  const ref = attemptRef(attempt);
  return ctx.providers.call(
    { provider, livemode: payment.livemode },
    via,
    () => (via === "return" ? adapter.verifyReturn(providerCtx, ref, query) : adapter.getStatus(providerCtx, ref)),
    (r) => r.kind,
  );
}

/** Asks the provider and applies what it says, re-reading the payment inside the transaction. */
export async function syncFromProvider(
  ctx: ServiceContext,
  paymentId: string,
  source: TimelineSource,
): Promise<ApplyResult | { kind: "unknown"; reason: string }> {
  const [payment] = await ctx.db.select().from(payments).where(eq(payments.id, paymentId));
  if (!payment) return { kind: "unknown", reason: "no such payment" };
  const attempt = await liveAttempt(ctx, payment.id);
  if (!attempt) return { kind: "unknown", reason: "no provider attempt" };
  const status = await queryProviderStatus(ctx, payment, attempt);
  if (status.kind !== "found") return { kind: "unknown", reason: status.kind };
  return applyStatus(ctx, { paymentId, attempt, status, source });
}

/**
 * An attempt whose initiation answer never came (ambiguous), now shown taken by the provider —
 * its status call or its own callback: accepted, with the provider's own id on the attempt and,
 * when the payment has none, on the payment. Answers the payment as it now stands.
 */
export async function acceptAttempt(
  tx: Tx,
  input: { payment: PaymentRow; attempt: AttemptRow; providerReference: string | null | undefined; at: Date },
): Promise<PaymentRow> {
  const { payment, attempt } = input;
  const reference = attempt.providerReference ?? input.providerReference ?? null;
  await tx.update(paymentAttempts).set({ status: "accepted", providerReference: reference, updatedAt: input.at }).where(eq(paymentAttempts.id, attempt.id));
  if (payment.providerReference || !reference) return payment;
  const [updated] = await tx.update(payments).set({ provider: attempt.provider, providerReference: reference }).where(eq(payments.id, payment.id)).returning();
  return updated ?? payment;
}

/** Records a status a provider call answered (`found`) for a payment's attempt, in one transaction. */
export async function applyStatus(
  ctx: ServiceContext,
  input: { paymentId: string; attempt: AttemptRow; status: Extract<StatusOutput, { kind: "found" }>; source: TimelineSource },
): Promise<ApplyResult | { kind: "unknown"; reason: string }> {
  const { paymentId, attempt, status, source } = input;
  const result = await withTransaction(ctx.db, async (tx) => {
    const [fresh] = await tx.select().from(payments).where(eq(payments.id, paymentId));
    if (!fresh) return { kind: "unknown" as const, reason: "no such payment" };
    const payment =
      attempt.status === "accepted"
        ? fresh
        : await acceptAttempt(tx, { payment: fresh, attempt, providerReference: status.providerReference, at: ctx.clock.now() });
    return applyProviderStatus(ctx, tx, {
      payment,
      provider: attempt.provider,
      status: status.status,
      source,
      ...(status.failureCode ? { failure: { code: status.failureCode, message: status.failureMessage ?? "payment failed" } } : {}),
    });
  });
  if (result.kind === "conflict") await processOpenedRefund(ctx, result.refundId);
  return result;
}
