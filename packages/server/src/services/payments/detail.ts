import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { ATTEMPT_STATUSES, paymentAttempts, refunds } from "../../db/schema/index.js";
import type { ServiceContext } from "../context.js";
import { RefundSchema, serializeRefund } from "../refunds/serialize.js";
import { type PaymentRow, serializePayment } from "./serialize.js";

export const AttemptSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    status: z
      .enum(ATTEMPT_STATUSES)
      .describe("created: committed, call pending; accepted; rejected: provably not taken (routing cascaded); ambiguous: outcome unknown"),
    provider_payment_id: z.string().describe("The id ZeroFee generated for the provider, committed before the call"),
    provider_reference: z.string().nullable(),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "PaymentAttempt" });

export const PaymentDetailExtras = {
  attempts: z.array(AttemptSchema).optional().describe("Every provider tried, in order (single-payment answers)"),
  refunds: z.array(RefundSchema).optional().describe("Refunds of this payment (single-payment answers)"),
};

/** A payment with its provider attempts and refunds, for single-payment answers. */
export async function paymentDetail(ctx: ServiceContext, p: PaymentRow) {
  const attempts = await ctx.db
    .select()
    .from(paymentAttempts)
    .where(and(eq(paymentAttempts.paymentId, p.id), eq(paymentAttempts.appId, p.appId)))
    .orderBy(asc(paymentAttempts.createdAt), asc(paymentAttempts.id));
  const given = await ctx.db
    .select()
    .from(refunds)
    .where(and(eq(refunds.paymentId, p.id), eq(refunds.appId, p.appId), eq(refunds.livemode, p.livemode)))
    .orderBy(asc(refunds.createdAt));
  return {
    ...serializePayment(p),
    attempts: attempts.map((a) => ({
      id: a.id,
      provider: a.provider,
      status: a.status,
      provider_payment_id: a.providerPaymentId,
      provider_reference: a.providerReference,
      error_code: a.errorCode,
      error_message: a.errorMessage,
      created_at: a.createdAt.toISOString(),
      updated_at: a.updatedAt.toISOString(),
    })),
    refunds: given.map(serializeRefund),
  };
}
