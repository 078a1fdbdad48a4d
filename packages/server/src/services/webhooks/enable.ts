import { webhookEndpoints } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { type EndpointRow, endpointWhere } from "./endpoint.js";

/**
 * Turns a disabled endpoint back on, with a clean failure count. Events that failed meanwhile
 * stay `failed` until resent (one by one, or "all failed since" — `recoverEvents`).
 */
export async function enableEndpoint({ ctx, scope }: { ctx: ServiceContext; scope: Scope }): Promise<EndpointRow> {
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set({ active: true, disabledAt: null, disabledReason: null, consecutiveFailures: 0, updatedAt: ctx.clock.now() })
    .where(endpointWhere(scope))
    .returning();
  if (!row) throw notFound("webhook endpoint for this app and mode");
  return row;
}
