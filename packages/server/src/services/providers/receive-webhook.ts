import { isProviderName } from "@zerofee/providers";
import { and, eq } from "drizzle-orm";
import { paymentAttempts, payments, providerCallbacks } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { ApiError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { ServiceContext } from "../context.js";
import { applyProviderStatus } from "../payments/sync.js";

export type ReceiveResult = { received: true; duplicate: boolean; applied: boolean };

/**
 * An inbound provider webhook (`POST /v1/webhooks/providers/{provider}`): signature checked
 * on the raw body, deduplicated by the provider's event id (unique index), applied through
 * the state machine. Late or conflicting messages are stored with `applied = false`.
 */
export async function receiveProviderWebhook(
  ctx: ServiceContext,
  input: { provider: string; headers: Record<string, string | string[] | undefined>; rawBody: string },
): Promise<ReceiveResult> {
  if (!isProviderName(input.provider)) throw new ApiError("not_found", `Unknown provider ${input.provider}.`, { param: "provider" });
  const provider = input.provider;
  const adapter = ctx.providers.adapter(provider);
  // Which mode's secret applies is only known from the payment; sandbox callbacks are test mode.
  const parsed = await adapter.parseWebhook(ctx.providers.context(provider, false), { headers: input.headers, rawBody: input.rawBody });
  if (parsed.kind === "invalid") {
    ctx.log.warn({ provider, reason: parsed.reason }, "provider webhook refused");
    throw new ApiError("invalid_credentials", "Webhook signature could not be verified.");
  }
  const [attempt] = await ctx.db
    .select()
    .from(paymentAttempts)
    .where(and(eq(paymentAttempts.provider, provider), eq(paymentAttempts.providerPaymentId, parsed.providerPaymentId)));
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const [stored] = await tx
      .insert(providerCallbacks)
      .values({
        id: newId("providerCallback", now),
        provider,
        providerEventId: parsed.eventId,
        paymentId: attempt?.paymentId ?? null,
        reportedStatus: parsed.status,
        applied: false,
        payload: JSON.parse(input.rawBody) as unknown,
        receivedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: providerCallbacks.id });
    if (!stored) return { received: true, duplicate: true, applied: false };
    const [payment] = attempt ? await tx.select().from(payments).where(eq(payments.id, attempt.paymentId)) : [];
    if (!attempt || !payment) {
      await tx.update(providerCallbacks).set({ note: "no matching payment" }).where(eq(providerCallbacks.id, stored.id));
      return { received: true, duplicate: false, applied: false };
    }
    if (attempt.status !== "accepted") {
      await tx.update(paymentAttempts).set({ status: "accepted", updatedAt: now }).where(eq(paymentAttempts.id, attempt.id));
    }
    const result = await applyProviderStatus(ctx, tx, {
      payment,
      provider,
      status: parsed.status,
      source: "provider_webhook",
      ...(parsed.failureCode ? { failure: { code: parsed.failureCode, message: parsed.failureMessage ?? "payment failed" } } : {}),
    });
    await tx
      .update(providerCallbacks)
      .set({ applied: result.kind === "applied", note: result.kind })
      .where(eq(providerCallbacks.id, stored.id));
    return { received: true, duplicate: false, applied: result.kind === "applied" };
  });
}
