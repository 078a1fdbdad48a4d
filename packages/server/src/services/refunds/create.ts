import { and, eq, sql } from "drizzle-orm";
import { payments } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { ApiError, notFound } from "../../lib/errors.js";
import { majorUnits } from "../../lib/money.js";
import type { Scope, ServiceContext } from "../context.js";
import type { IdempotencyHandle } from "../idempotency/claim.js";
import { setRecoveryPoint } from "../idempotency/finish.js";
import { getRefund } from "./get.js";
import { insertRefundRow, providerRefunds } from "./open.js";
import { processOpenedRefund } from "./process.js";
import type { CreateRefundInput } from "./schemas.js";
import type { RefundRow } from "./serialize.js";

const exceeds = (left: number, currency: string) =>
  new ApiError(
    "refund_exceeds_payment",
    `The refund is more than what is left to refund on this payment: ${left} in minor units (${majorUnits(left, currency)}).`,
    { param: "amount" },
  );

/**
 * Opens a merchant's refund (SPEC §10) in atomic phases: (1) what is left to refund is
 * reserved by a conditional UPDATE of the payment (`amount_refunded + n <= amount`: the
 * database keeps the sum of refunds that are not failed within the amount, whatever runs
 * at once), and the refund row, its `refund.created` event and the idempotency recovery
 * point commit together; (2) the provider is called with the `re_…` id as its idempotency
 * key; (3) its answer is recorded. A retry with the same Idempotency-Key resumes at (2) with
 * the same refund; an unanswered call is asked again by the reconciliation sweep.
 */
export async function createRefund({
  ctx,
  scope,
  input,
  idem,
}: {
  ctx: ServiceContext;
  scope: Scope;
  input: CreateRefundInput;
  idem: IdempotencyHandle | null;
}): Promise<RefundRow> {
  const id = idem?.resourceId ?? (await openRefund(ctx, scope, input, idem));
  await processOpenedRefund(ctx, id);
  return getRefund({ ctx, scope, id });
}

async function openRefund(ctx: ServiceContext, scope: Scope, input: CreateRefundInput, idem: IdempotencyHandle | null): Promise<string> {
  const [payment] = await ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.id, input.payment_id), eq(payments.appId, scope.appId), eq(payments.livemode, scope.livemode)));
  if (!payment) throw notFound("payment", "payment_id");
  if (payment.status !== "completed") {
    throw new ApiError("payment_not_refundable", `Only a completed payment can be refunded; this one is ${payment.status}.`, { param: "payment_id" });
  }
  const provider = payment.provider ?? "";
  if (!providerRefunds(ctx, provider)) {
    throw new ApiError("refund_not_supported", `${provider || "This provider"} has no refund API: refund the customer outside ZeroFee.`, {
      param: "payment_id",
    });
  }
  const left = payment.amount - payment.amountRefunded;
  const amount = input.amount ?? left;
  if (amount < 1) throw exceeds(left, payment.currency);
  const at = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const [reserved] = await tx
      .update(payments)
      .set({ amountRefunded: sql`${payments.amountRefunded} + ${amount}` })
      .where(and(eq(payments.id, payment.id), eq(payments.status, "completed"), sql`${payments.amountRefunded} + ${amount} <= ${payments.amount}`))
      .returning({ amountRefunded: payments.amountRefunded });
    if (!reserved) {
      const [now] = await tx
        .select({ left: sql<number>`${payments.amount} - ${payments.amountRefunded}` })
        .from(payments)
        .where(eq(payments.id, payment.id));
      throw exceeds(Number(now?.left ?? 0), payment.currency);
    }
    const row = await insertRefundRow(tx, { payment, provider, amount, reason: input.reason ?? null, at });
    if (!row) throw new Error("refund insert returned nothing");
    if (idem) await setRecoveryPoint(tx, idem.id, "refund_created", row.id);
    return row.id;
  });
}
