/** Set-up for the settlement and stats tests: a fee plan and a completed refund, written as the operator and the refunds code write them. */
import { eq } from "drizzle-orm";
import { apps, payments, refunds } from "../src/db/schema/index.js";
import { withTransaction } from "../src/db/tx.js";
import { insertRefund } from "../src/services/refunds/open.js";
import { rollupStats } from "../src/services/stats/rollup.js";
import type { TestApp } from "./harness.js";

export async function setFeePlan(t: TestApp, appId: string, feeBps: number, feeFixed: Record<string, number>): Promise<void> {
  await t.database.db.update(apps).set({ feeBps, feeFixed }).where(eq(apps.id, appId));
}

/**
 * A refund of `amount` on `paymentId`, completed at `at`: its row, then completion and the
 * stats rollup in one transaction, as refund completion does (the refunds API is not this
 * branch's).
 */
export async function completedRefund(t: TestApp, paymentId: string, amount: number, at: Date): Promise<string> {
  return withTransaction(t.database.db, async (tx) => {
    const [p] = await tx.select().from(payments).where(eq(payments.id, paymentId));
    if (!p) throw new Error("no payment");
    const id = await insertRefund(tx, { payment: { ...p, amount }, provider: p.provider ?? "", reason: "duplicate_checkout", at });
    if (!id) throw new Error("no refund");
    await tx.update(refunds).set({ status: "completed", updatedAt: at, completedAt: at }).where(eq(refunds.id, id));
    await rollupStats(tx, { kind: "refund_completed", refund: { paymentId, amount } });
    return id;
  });
}
