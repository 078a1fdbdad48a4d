import { sql } from "drizzle-orm";
import { webhookEndpoints } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { type EndpointRow, endpointWhere, sealSecret } from "./endpoint.js";
import { newWebhookSecret } from "./sign.js";

export const ROTATION_OVERLAP_MS = 24 * 3600_000;

/**
 * A new secret; the current one keeps signing beside it for 24 h (`v1=<new>,v1=<old>`), so
 * receivers can switch without losing a delivery. Returns the new secret once.
 */
export async function rotateSecret({ ctx, scope }: { ctx: ServiceContext; scope: Scope }): Promise<{ row: EndpointRow; secret: string }> {
  const now = ctx.clock.now();
  const secret = newWebhookSecret();
  const [row] = await ctx.db
    .update(webhookEndpoints)
    .set({
      oldSecretSealed: sql`${webhookEndpoints.secretSealed}`,
      oldSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
      secretSealed: sealSecret(ctx, scope, secret),
      updatedAt: now,
    })
    .where(endpointWhere(scope))
    .returning();
  if (!row) throw notFound("webhook endpoint for this app and mode");
  return { row, secret };
}
