import { and, eq } from "drizzle-orm";
import { apps, users, webhookEndpoints } from "../../db/schema/index.js";
import type { ServiceContext } from "../context.js";

/** A URL as shown in a mail: scheme, host and path only (a query string may hold a token). */
const showUrl = (raw: string) => {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "(invalid URL)";
  }
};

/**
 * Tells the account's users that an endpoint was disabled: which app and mode, why, when, and
 * how to turn it back on. No secret, no payload.
 */
export async function notifyEndpointDisabled(ctx: ServiceContext, scope: { appId: string; livemode: boolean }): Promise<void> {
  const [row] = await ctx.db
    .select({
      appName: apps.name,
      accountId: apps.accountId,
      url: webhookEndpoints.url,
      at: webhookEndpoints.disabledAt,
      reason: webhookEndpoints.disabledReason,
    })
    .from(webhookEndpoints)
    .innerJoin(apps, eq(apps.id, webhookEndpoints.appId))
    .where(and(eq(webhookEndpoints.appId, scope.appId), eq(webhookEndpoints.livemode, scope.livemode)));
  if (!row) return;
  const to = (await ctx.db.select({ email: users.email }).from(users).where(eq(users.accountId, row.accountId))).map((u) => u.email);
  if (to.length === 0) return;
  const mode = scope.livemode ? "live" : "test";
  await ctx.webhooks.mailer.send({
    to,
    subject: `ZeroFee: webhooks for ${row.appName} (${mode}) were disabled`,
    text: [
      `Webhook deliveries to ${showUrl(row.url)} for the app ${row.appName} (${scope.appId}, ${mode} mode) were disabled at ${row.at?.toISOString()}.`,
      `Reason: ${row.reason}`,
      "",
      "Events raised meanwhile are kept. Fix the endpoint, enable it again in the dashboard",
      `(or POST /v1/apps/${scope.appId}/webhook/enable), then resend the failed events (POST /v1/events/recover).`,
    ].join("\n"),
  });
}
