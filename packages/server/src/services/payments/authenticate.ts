import { MAX_OTP_ATTEMPTS } from "@zerofee/providers";
import { and, eq, sql } from "drizzle-orm";
import { payments } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { ApiError } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { providerContextFor } from "../providers/credentials.js";
import { getPayment } from "./get.js";
import type { PaymentRow } from "./serialize.js";
import { applyProviderStatus, attemptRef, liveAttempt } from "./sync.js";
import { transitionPayment } from "./transition.js";

/**
 * The OTP step (`POST /v1/payments/{id}/authenticate`). A wrong code answers 422
 * `invalid_otp` and the payment waits; the third wrong code fails it. The OTP is passed to
 * the provider and never stored or logged.
 */
export async function authenticatePayment({ ctx, scope, id, otp }: { ctx: ServiceContext; scope: Scope; id: string; otp: string }): Promise<PaymentRow> {
  const payment = await getPayment({ ctx, scope, id });
  const attempt = await liveAttempt(ctx, payment.id);
  if (payment.status !== "requires_action" || payment.nextAction?.type !== "otp" || !attempt || !ctx.providers.has(attempt.provider)) {
    throw new ApiError("otp_not_expected", `This payment is ${payment.status} and is not waiting for an OTP.`, { param: "id" });
  }
  const provider = attempt.provider;
  const adapter = ctx.providers.adapter(provider);
  if (!adapter.submitOtp) throw new ApiError("otp_not_expected", "This payment's provider takes no OTP.", { param: "id" });
  const submit = adapter.submitOtp;
  const pctx = await providerContextFor(ctx, { appId: payment.appId, livemode: payment.livemode }, provider);
  const res = await ctx.providers.call(
    { provider, livemode: payment.livemode },
    "otp",
    () => submit(pctx, attemptRef(attempt), otp),
    (r) => r.kind,
  );
  if (res.kind === "unavailable") throw new ApiError("provider_unavailable", "The provider did not answer; submit the code again.", { retryAfter: 2 });
  const outcome = await withTransaction(ctx.db, async (tx) => {
    if (res.kind === "accepted") {
      const [fresh] = await tx.select().from(payments).where(eq(payments.id, payment.id));
      const applied = fresh ? await applyProviderStatus(ctx, tx, { payment: fresh, provider, status: res.status, source: "api" }) : null;
      return { wrong: false, payment: applied?.payment ?? payment };
    }
    const [counted] = await tx
      .update(payments)
      .set({ otpAttempts: sql`${payments.otpAttempts} + 1` })
      .where(and(eq(payments.id, payment.id), eq(payments.status, "requires_action")))
      .returning();
    if (counted && (counted.otpAttempts >= MAX_OTP_ATTEMPTS || res.status === "failed")) {
      const failed = await transitionPayment(ctx, tx, {
        paymentId: payment.id,
        appId: payment.appId,
        to: "failed",
        source: "api",
        at: ctx.clock.now(),
        failure: { code: "invalid_otp", message: "Too many wrong codes." },
      });
      return { wrong: true, payment: failed ?? counted, left: 0 };
    }
    return { wrong: true, payment: counted ?? payment, left: MAX_OTP_ATTEMPTS - (counted?.otpAttempts ?? MAX_OTP_ATTEMPTS) };
  });
  if (outcome.wrong) {
    throw new ApiError(
      "invalid_otp",
      outcome.left && outcome.left > 0 ? `Wrong code; ${outcome.left} attempt(s) left.` : "Wrong code; the payment has failed.",
      { param: "otp" },
    );
  }
  return outcome.payment;
}
