import type { WebhookOutput } from "@zerofee/providers";
import { and, eq } from "drizzle-orm";
import { paymentAttempts, payments, providerCallbacks } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { ApiError } from "../../lib/errors.js";
import type { ServiceContext } from "../context.js";
import { acceptAttempt, applyProviderStatus, queryProviderStatus } from "../payments/sync.js";
import { processOpenedRefund } from "../refunds/process.js";
import { receiveRefundWebhook } from "../refunds/sync.js";
import { recordCallback } from "./callbacks.js";
import { providerContextFor } from "./credentials.js";

export type ReceiveResult = { received: true; duplicate: boolean; applied: boolean };

type Event = Extract<WebhookOutput, { kind: "event" | "refund" }>;

function storedPayload(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    return { raw: rawBody.slice(0, 10_000) };
  }
}

/**
 * Verifies a message with the context of the app and mode its callback URL names (live
 * secrets are per app), or the sandbox's in test mode.
 */
async function verify(ctx: ServiceContext, provider: string, input: ReceiveInput): Promise<{ event: Event; livemode: boolean; appId?: string }> {
  const livemode = input.query.mode === "live";
  const appId = input.query.app;
  if (!ctx.providers.usable(provider, livemode) || (livemode && !appId)) {
    throw new ApiError("invalid_credentials", "Webhook signature could not be verified.");
  }
  const pctx = appId ? await providerContextFor(ctx, { appId, livemode }, provider) : ctx.providers.context(provider, livemode);
  const parsed = await ctx.providers.adapter(provider).parseWebhook(pctx, { headers: input.headers, rawBody: input.rawBody });
  if (parsed.kind === "invalid") {
    // An empty secret verifies nothing (verifySignature): say so, where the operator looks.
    const reason = pctx.webhookSecret ? parsed.reason : `${parsed.reason}; no webhook_secret is set for this app and mode`;
    ctx.log.warn({ provider, reason }, "provider webhook refused");
    throw new ApiError("invalid_credentials", "Webhook signature could not be verified.");
  }
  return { event: parsed, livemode, ...(appId ? { appId } : {}) };
}

interface ReceiveInput {
  provider: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** From the callback URL ZeroFee gave the provider: `app` and `mode`. */
  query: { app?: string; mode?: string };
}

/**
 * An inbound provider webhook (`POST /v1/webhooks/providers/{provider}`), for any registered
 * provider: verified on the raw body by its adapter; deduplicated by the provider's event id
 * (unique index); when the provider signs nothing (`confirmWithStatus`) the status is asked of
 * the provider, and a message it does not confirm is refused (400) and changes nothing. Applied through the state machine; late or
 * conflicting messages are stored with `applied = false`.
 */
export async function receiveProviderWebhook(ctx: ServiceContext, input: ReceiveInput): Promise<ReceiveResult> {
  const { provider } = input;
  if (!ctx.providers.has(provider)) throw new ApiError("not_found", `Unknown provider ${provider}.`, { param: "provider" });
  const { event, livemode, appId } = await verify(ctx, provider, input);
  if (event.kind === "refund") {
    return receiveRefundWebhook(ctx, { provider, livemode, ...(appId ? { appId } : {}), event, payload: storedPayload(input.rawBody) });
  }

  const [seen] = await ctx.db
    .select({ id: providerCallbacks.id })
    .from(providerCallbacks)
    .where(and(eq(providerCallbacks.provider, provider), eq(providerCallbacks.providerEventId, event.eventId)));
  if (seen) return { received: true, duplicate: true, applied: false };

  const [found] = await ctx.db
    .select({ attempt: paymentAttempts, payment: payments })
    .from(paymentAttempts)
    .innerJoin(payments, eq(payments.id, paymentAttempts.paymentId))
    .where(and(eq(paymentAttempts.provider, provider), eq(paymentAttempts.providerPaymentId, event.providerPaymentId)));
  // A message verified with one app's (or mode's) secret never touches another's payment.
  const match = found && found.payment.livemode === livemode && (!appId || found.payment.appId === appId) ? found : undefined;

  let reported = {
    status: event.status,
    failure: event.failureCode ? { code: event.failureCode, message: event.failureMessage ?? "payment failed" } : undefined,
  };
  if (event.confirmWithStatus) {
    // Nothing proves the message came from the provider: only its own status call counts.
    if (!match) throw new ApiError("webhook_unconfirmed", "No such payment at this provider.");
    const status = await queryProviderStatus(ctx, match.payment, match.attempt);
    if (status.kind === "unavailable")
      throw new ApiError("provider_unavailable", "The provider could not confirm the status; send it again.", { retryAfter: 30 });
    if (status.kind === "not_found") throw new ApiError("webhook_unconfirmed", "The provider does not know this payment.");
    // A message the provider's own answer contradicts failed its confirmation: 400 and nothing
    // stored or changed (SPEC §4), so it cannot take the event id of the real message either.
    if (status.status !== event.status) {
      ctx.log.warn({ provider, reported: event.status, confirmed: status.status }, "provider webhook not confirmed by the status call");
      throw new ApiError("webhook_unconfirmed", "The provider does not confirm the status this message reports.");
    }
    reported = {
      status: status.status,
      failure: status.failureCode ? { code: status.failureCode, message: status.failureMessage ?? "payment failed" } : undefined,
    };
  }

  const now = ctx.clock.now();
  let refundId: string | null | undefined;
  const result = await withTransaction(ctx.db, async (tx) => {
    const stored = await recordCallback(tx, {
      provider,
      providerEventId: event.eventId,
      paymentId: match?.payment.id ?? null,
      reportedStatus: event.status,
      note: match ? null : found ? "payment of another app or mode" : "no matching payment",
      payload: storedPayload(input.rawBody),
      receivedAt: now,
    });
    if (!stored) return { received: true as const, duplicate: true, applied: false };
    if (!match) return { received: true as const, duplicate: false, applied: false };
    const [read] = await tx.select().from(payments).where(eq(payments.id, match.payment.id));
    if (!read) return { received: true as const, duplicate: false, applied: false };
    // The provider's message proves an attempt whose answer never came took the payment, and names it.
    const payment =
      match.attempt.status === "accepted"
        ? read
        : await acceptAttempt(tx, { payment: read, attempt: match.attempt, providerReference: event.providerReference, at: now });
    const applied = await applyProviderStatus(ctx, tx, {
      payment,
      provider,
      status: reported.status,
      source: "provider_webhook",
      ...(reported.failure ? { failure: reported.failure } : {}),
    });
    if (applied.kind === "conflict") refundId = applied.refundId;
    const note = event.confirmWithStatus ? `${applied.kind}; confirmed ${reported.status}` : applied.kind;
    await tx
      .update(providerCallbacks)
      .set({ applied: applied.kind === "applied", note })
      .where(eq(providerCallbacks.id, stored));
    return { received: true as const, duplicate: false, applied: applied.kind === "applied" };
  });
  await processOpenedRefund(ctx, refundId);
  return result;
}
