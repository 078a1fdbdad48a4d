import { eq } from "drizzle-orm";
import { payments, type TimelineSource } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { ApiError } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { providerContextFor } from "../providers/credentials.js";
import { processOpenedRefund } from "../refunds/process.js";
import { getPayment } from "./get.js";
import type { PaymentRow } from "./serialize.js";
import { applyProviderStatus, attemptRef, liveAttempt, queryProviderStatus } from "./sync.js";
import { transitionPayment } from "./transition.js";

export type CloseOutcome = { kind: "closed"; payment: PaymentRow } | { kind: "open"; payment: PaymentRow; reason: string };

/**
 * Closes an open payment as `cancelled` or `expired`, but only once the provider confirms it
 * can no longer complete (its cancel call, else a status call that says failed, cancelled or
 * unknown). If the provider reports a final outcome instead, that outcome is applied.
 */
export async function closePayment(ctx: ServiceContext, payment: PaymentRow, to: "cancelled" | "expired", source: TimelineSource): Promise<CloseOutcome> {
  if (payment.status !== "pending" && payment.status !== "requires_action") return { kind: "open", payment, reason: `payment is ${payment.status}` };
  const attempt = await liveAttempt(ctx, payment.id);
  let confirmed = !attempt;
  let reported: { status: "completed" | "failed" | "processing"; failure?: { code: string; message: string } } | null = null;
  if (attempt && !ctx.providers.has(attempt.provider)) return { kind: "open", payment, reason: "its provider is no longer registered" };
  if (attempt) {
    const provider = attempt.provider;
    const adapter = ctx.providers.adapter(provider);
    const ref = attemptRef(attempt);
    if (adapter.cancel) {
      const cancel = adapter.cancel;
      const pctx = await providerContextFor(ctx, { appId: payment.appId, livemode: payment.livemode }, provider);
      const res = await ctx.providers.call(
        { provider, livemode: payment.livemode },
        "cancel",
        () => cancel(pctx, ref),
        (r) => r.kind,
      );
      if (res.kind === "cancelled" || res.kind === "not_found") confirmed = true;
      else if (res.kind === "not_cancellable" && (res.status === "completed" || res.status === "failed" || res.status === "processing")) {
        reported = { status: res.status };
      } else if (res.kind === "not_cancellable" && res.status === "cancelled") confirmed = true;
    } else {
      const res = await queryProviderStatus(ctx, payment, attempt);
      if (res.kind === "not_found" || (res.kind === "found" && res.status === "cancelled")) confirmed = true;
      else if (res.kind === "found" && (res.status === "completed" || res.status === "failed" || res.status === "processing")) {
        reported = { status: res.status, ...(res.failureCode ? { failure: { code: res.failureCode, message: res.failureMessage ?? "" } } : {}) };
      }
    }
  }
  let refundId: string | null | undefined;
  const outcome = await withTransaction(ctx.db, async (tx) => {
    const [fresh] = await tx.select().from(payments).where(eq(payments.id, payment.id));
    if (!fresh) return { kind: "open" as const, payment, reason: "payment vanished" };
    if (reported && attempt) {
      const applied = await applyProviderStatus(ctx, tx, {
        payment: fresh,
        provider: attempt.provider,
        status: reported.status,
        source,
        ...(reported.failure ? { failure: reported.failure } : {}),
      });
      if (applied.kind === "conflict") refundId = applied.refundId;
      return { kind: "open" as const, payment: applied.payment, reason: `provider reports ${reported.status}` };
    }
    if (!confirmed) return { kind: "open" as const, payment: fresh, reason: "provider could not confirm" };
    const moved = await transitionPayment(ctx, tx, { paymentId: fresh.id, appId: fresh.appId, to, source, at: ctx.clock.now() });
    return moved ? { kind: "closed" as const, payment: moved } : { kind: "open" as const, payment: fresh, reason: `payment is ${fresh.status}` };
  });
  await processOpenedRefund(ctx, refundId);
  return outcome;
}

/** `POST /v1/payments/{id}/cancel`: 409 `payment_not_cancellable` unless the provider confirms. */
export async function cancelPayment({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }): Promise<PaymentRow> {
  const payment = await getPayment({ ctx, scope, id });
  const result = await closePayment(ctx, payment, "cancelled", "api");
  if (result.kind === "closed") return result.payment;
  throw new ApiError("payment_not_cancellable", `This payment cannot be cancelled: ${result.reason}.`, { param: "id" });
}
