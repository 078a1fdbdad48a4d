import type { ServiceContext } from "../services/context.js";
import { closeSettlements, dailyPeriodEnd } from "../services/settlements/close.js";

/**
 * The daily settlement (SPEC §9): at 00:30 UTC, closes every period ending at 00:00 UTC that
 * day. Run once per day across workers by the job runner's slot; a day whose slot was missed
 * (no worker up at 00:30) runs when a worker starts, still ending at that day's 00:00.
 */
export async function settleDaily(ctx: ServiceContext): Promise<Record<string, unknown>> {
  const until = dailyPeriodEnd(ctx.clock.now());
  const closed = await closeSettlements(ctx, until);
  return { until: until.toISOString(), settlements: closed.map((s) => s.id) };
}
