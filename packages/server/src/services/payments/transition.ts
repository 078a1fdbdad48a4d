import { and, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { apps, type PaymentStatus, payments, type TimelineSource } from "../../db/schema/index.js";
import { feeAndNet } from "../../lib/money.js";
import { completeSessionForPayment } from "../checkout/complete.js";
import type { ServiceContext } from "../context.js";
import { type EventType, recordEvent } from "../events/record.js";
import { rollupStats } from "../stats/rollup.js";
import { type PaymentRow, serializePayment } from "./serialize.js";

/** SPEC §3: where each status may be reached from. Terminal states appear in no list. */
export const ALLOWED_FROM: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: [],
  requires_action: ["pending"],
  processing: ["pending", "requires_action"],
  completed: ["pending", "requires_action", "processing"],
  failed: ["pending", "requires_action", "processing"],
  expired: ["pending", "requires_action"],
  cancelled: ["pending", "requires_action"],
};

export const TERMINAL: readonly PaymentStatus[] = ["completed", "failed", "expired", "cancelled"];
export const OPEN: readonly PaymentStatus[] = ["pending", "requires_action", "processing"];

export const EVENT_FOR: Partial<Record<PaymentStatus, EventType>> = {
  completed: "payment.completed",
  failed: "payment.failed",
  expired: "payment.expired",
  cancelled: "payment.cancelled",
};

export interface TransitionInput {
  paymentId: string;
  appId: string;
  to: PaymentStatus;
  source: TimelineSource;
  at: Date;
  failure?: { code: string; message: string };
  /** Extra columns set with the change (provider reference, next action…). */
  set?: Partial<Pick<PaymentRow, "provider" | "providerReference" | "nextAction">>;
}

/**
 * Moves a payment to `to` if, and only if, its current status allows it: a conditional
 * UPDATE, so two completion sources racing produce one transition. Appends the timeline and
 * writes the event in the caller's transaction. Returns null when nothing changed.
 */
export async function transitionPayment(ctx: ServiceContext, tx: Tx, input: TransitionInput): Promise<PaymentRow | null> {
  const from = ALLOWED_FROM[input.to];
  if (from.length === 0) return null;
  let fee: { feeAmount: number; netAmount: number } | undefined;
  if (input.to === "completed") {
    const [row] = await tx
      .select({ amount: payments.amount, currency: payments.currency, bps: apps.feeBps, fixed: apps.feeFixed })
      .from(payments)
      .innerJoin(apps, eq(apps.id, payments.appId))
      .where(and(eq(payments.id, input.paymentId), eq(payments.appId, input.appId)));
    if (!row) return null;
    const { fee: feeAmount, net: netAmount } = feeAndNet(row.amount, row.currency, { bps: row.bps, fixed: row.fixed });
    fee = { feeAmount, netAmount };
  }
  const entry = JSON.stringify([{ status: input.to, source: input.source, at: input.at.toISOString() }]);
  const [updated] = await tx
    .update(payments)
    .set({
      status: input.to,
      timeline: sql`${payments.timeline} || ${entry}::jsonb`,
      updatedAt: input.at,
      ...(input.to === "completed" ? { completedAt: input.at, ...fee } : {}),
      ...(input.failure ? { failureCode: input.failure.code, failureMessage: input.failure.message } : {}),
      ...(TERMINAL.includes(input.to) ? { nextAction: null } : {}),
      ...input.set,
    })
    .where(and(eq(payments.id, input.paymentId), eq(payments.appId, input.appId), inArray(payments.status, [...from])))
    .returning();
  if (!updated) return null;
  const type = EVENT_FOR[input.to];
  if (type) {
    await recordEvent(tx, {
      appId: updated.appId,
      livemode: updated.livemode,
      type,
      objectId: updated.id,
      data: serializePayment(updated),
      at: input.at,
    });
  }
  // A checkout session completes with its payment, in this same transaction (SPEC §8).
  if (input.to === "completed") await completeSessionForPayment(ctx, tx, updated);
  await rollupStats(tx, { kind: "payment_ended", payment: updated });
  return updated;
}
