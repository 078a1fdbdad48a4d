import { eq } from "drizzle-orm";
import { payments } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { ServiceContext } from "../context.js";
import type { PaymentRow } from "./serialize.js";
import { syncFromProvider } from "./sync.js";
import { OPEN } from "./transition.js";

export type ReturnOutcome = { kind: "redirect"; location: string; payment: PaymentRow } | { kind: "page"; payment: PaymentRow };

/**
 * A customer comes back from a provider's page (SPEC §3: never trust the browser). The
 * status is asked of the provider and recorded before the customer is sent on, and only to a
 * URL stored at creation: nothing in the query can choose the target.
 */
export async function handleReturn(ctx: ServiceContext, id: string, query: Record<string, string> = {}): Promise<ReturnOutcome> {
  const load = async () => (await ctx.db.select().from(payments).where(eq(payments.id, id)))[0];
  let payment = await load();
  if (!payment) throw notFound("payment", "id");
  if (OPEN.includes(payment.status)) {
    // The query is only a hint to the adapter (e.g. "came back through cancel_url"); the
    // status it answers still comes from the provider's API.
    await syncFromProvider(ctx, payment.id, "return_callback", query);
    // Re-read: the provider's callback may have won the race and applied the same outcome.
    payment = (await load()) ?? payment;
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
