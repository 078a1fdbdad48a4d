import type { ReturnCheckPolicy } from "@zerofee/providers";
import { eq } from "drizzle-orm";
import { payments } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { ServiceContext } from "../context.js";
import { untilEventsWritten } from "../events/wake.js";
import { closePayment } from "./cancel.js";
import type { PaymentRow } from "./serialize.js";
import { applyStatus, liveAttempt, queryProviderStatus } from "./sync.js";
import { OPEN } from "./transition.js";

export type ReturnOutcome = { kind: "redirect"; location: string; payment: PaymentRow } | { kind: "page"; payment: PaymentRow };

const NO_WAIT: ReturnCheckPolicy = { initialDelayMs: 0, retryDelaysMs: [] };
const FINAL = new Set(["completed", "failed", "cancelled"]);

const load = async (ctx: ServiceContext, id: string) => (await ctx.db.select().from(payments).where(eq(payments.id, id)))[0];

/**
 * Waits `ms` before the next check with the provider, re-reading the payment whenever events
 * are written (here or in another process): a callback that settles it ends the wait at once,
 * so the customer is not held for the whole delay. Returns the payment as last read.
 */
async function waitWhileOpen(ctx: ServiceContext, id: string, ms: number): Promise<PaymentRow | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    const left = until - Date.now();
    // Listening before the read: a settlement committed in between still ends this wait.
    const stop = new AbortController();
    const woken = left > 0 ? untilEventsWritten(left, { signal: stop.signal }) : null;
    const fresh = await load(ctx, id);
    if (!fresh || !OPEN.includes(fresh.status) || !woken) {
      stop.abort();
      return fresh;
    }
    await woken;
  }
}

/**
 * Verifies a redirect back with the provider under the adapter's `returnCheck` policy
 * (PaiementPro: wait 3 s, then checks 1/2/4 s apart; default: one check at once). Each round
 * reads the redirect's hints through `verifyReturn`; a final answer is confirmed with
 * `getStatus` (a cancel, as `POST …/cancel` would: the adapter's cancel, else its status) and
 * only the confirmed status is recorded. A callback that settles the payment meanwhile ends
 * the wait at once (`waitWhileOpen`).
 */
async function verifyWithProvider(ctx: ServiceContext, payment: PaymentRow, query: Record<string, string>): Promise<void> {
  const attempt = await liveAttempt(ctx, payment.id);
  if (!attempt || !ctx.providers.has(attempt.provider)) return;
  const policy = ctx.providers.adapter(attempt.provider).metadata.returnCheck ?? NO_WAIT;
  for (const delay of [policy.initialDelayMs, ...policy.retryDelaysMs]) {
    const fresh = delay > 0 ? await waitWhileOpen(ctx, payment.id, delay) : await load(ctx, payment.id);
    if (!fresh || !OPEN.includes(fresh.status)) return;
    const hint = await queryProviderStatus(ctx, fresh, attempt, "return", query);
    if (hint.kind !== "found" || !FINAL.has(hint.status)) continue;
    if (hint.status === "cancelled") {
      // The customer came back through the provider's cancel path: close the payment the way
      // a cancel does, once the provider confirms it can no longer complete (its cancel call,
      // else its status), or apply what it reports instead.
      const closed = await closePayment(ctx, fresh, "cancelled", "return_callback");
      if (closed.kind === "closed" || !OPEN.includes(closed.payment.status)) return;
      continue;
    }
    const confirmed = await queryProviderStatus(ctx, fresh, attempt, "status");
    if (confirmed.kind !== "found") continue;
    await applyStatus(ctx, { paymentId: fresh.id, attempt, status: confirmed, source: "return_callback" });
    if (FINAL.has(confirmed.status)) return;
  }
}

/**
 * A customer comes back from a provider's page (SPEC §3: never trust the browser). The
 * status is asked of the provider and recorded before the customer is sent on, and only to a
 * URL stored at creation: nothing in the query can choose the target, and an unpaid payment
 * never reaches `success_url`.
 */
export async function handleReturn(ctx: ServiceContext, id: string, query: Record<string, string> = {}): Promise<ReturnOutcome> {
  let payment = await load(ctx, id);
  if (!payment) throw notFound("payment", "id");
  if (OPEN.includes(payment.status)) {
    await verifyWithProvider(ctx, payment, query);
    // Re-read: the provider's callback may have won the race and applied the same outcome.
    payment = (await load(ctx, id)) ?? payment;
  }
  const target =
    payment.status === "completed"
      ? payment.successUrl
      : payment.status === "cancelled"
        ? (payment.cancelUrl ?? payment.errorUrl)
        : payment.status === "failed" || payment.status === "expired"
          ? payment.errorUrl
          : (payment.pendingUrl ?? payment.errorUrl);
  if (!target) return { kind: "page", payment };
  const url = new URL(target);
  url.searchParams.set("transaction_id", payment.id);
  url.searchParams.set("status", payment.status);
  return { kind: "redirect", location: url.toString(), payment };
}
