import { webhookEndpoints } from "../../db/schema/index.js";
import type { Scope, ServiceContext } from "../context.js";
import { type EndpointInput, type EndpointRow, endpointWhere, sealSecret } from "./endpoint.js";
import { newWebhookSecret } from "./sign.js";
import { checkWebhookUrl } from "./url.js";

/**
 * Creates the app's endpoint for this mode, or changes its URL and event types. The secret is
 * made on creation and returned only then; an update keeps it.
 * @example await configureEndpoint({ ctx, scope, input: { url: "https://shop.example/hooks" } })
 */
export async function configureEndpoint({
  ctx,
  scope,
  input,
}: {
  ctx: ServiceContext;
  scope: Scope;
  input: EndpointInput;
}): Promise<{ row: EndpointRow; created: boolean; secret?: string }> {
  const url = await checkWebhookUrl(input.url, scope.livemode, ctx.webhooks.resolve);
  const now = ctx.clock.now();
  const events = input.events ? [...new Set(input.events)] : null;
  const secret = newWebhookSecret();
  // Insert first: of two concurrent creations one inserts (and shows its secret), the other updates.
  const [inserted] = await ctx.db
    .insert(webhookEndpoints)
    .values({ appId: scope.appId, livemode: scope.livemode, url, events, secretSealed: sealSecret(ctx, scope, secret), createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  if (inserted) return { row: inserted, created: true, secret };
  const [row] = await ctx.db.update(webhookEndpoints).set({ url, events, updatedAt: now }).where(endpointWhere(scope)).returning();
  if (!row) throw new Error("webhook endpoint vanished during update");
  return { row, created: false };
}
