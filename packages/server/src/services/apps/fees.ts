import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { apps } from "../../db/schema/index.js";
import { ApiError, notFound } from "../../lib/errors.js";
import { isCurrency, MAX_AMOUNT } from "../../lib/money.js";
import type { ServiceContext } from "../context.js";

export const FeePlanSchema = z
  .object({
    bps: z.number().int().min(0).max(10_000).describe("Basis points of the amount (150 = 1.5 %), rounded up"),
    fixed: z
      .record(z.string(), z.number().int().min(0).max(MAX_AMOUNT))
      .describe("A fixed amount per currency, in its minor units (XOF has none: 100 = 100 F CFA)"),
  })
  .meta({ id: "FeePlan" });
export type FeePlan = z.infer<typeof FeePlanSchema>;

export const PutFeePlanBody = z.strictObject({
  bps: FeePlanSchema.shape.bps,
  fixed: z.record(z.string().max(8), z.number().int().min(0).max(MAX_AMOUNT)).default({}),
});

/** The app's fee plan (SPEC §10); the app is already checked to be the caller's. */
export async function getFeePlan(ctx: ServiceContext, appId: string): Promise<FeePlan> {
  const [row] = await ctx.db
    .select({ bps: apps.feeBps, fixed: apps.feeFixed })
    .from(apps)
    .where(and(eq(apps.id, appId), isNull(apps.deletedAt)));
  if (!row) throw notFound("app", "app_id");
  return row;
}

/**
 * Replaces the app's fee plan. It applies to payments completed from now on: the fee is
 * computed and stored when a payment completes, never recomputed.
 */
export async function setFeePlan(ctx: ServiceContext, appId: string, input: z.infer<typeof PutFeePlanBody>): Promise<FeePlan> {
  for (const code of Object.keys(input.fixed)) {
    if (!isCurrency(code)) throw new ApiError("validation_error", `Unknown currency ${code}.`, { param: `fixed.${code}` });
  }
  const [row] = await ctx.db
    .update(apps)
    .set({ feeBps: input.bps, feeFixed: input.fixed, updatedAt: ctx.clock.now() })
    .where(and(eq(apps.id, appId), isNull(apps.deletedAt)))
    .returning({ bps: apps.feeBps, fixed: apps.feeFixed });
  if (!row) throw notFound("app", "app_id");
  return row;
}
