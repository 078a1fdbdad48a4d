import { and, eq } from "drizzle-orm";
import { checkoutSettings } from "../../db/schema/index.js";
import { ApiError } from "../../lib/errors.js";
import { isPublicSuffix } from "../../lib/public-suffixes.js";
import type { Scope, ServiceContext } from "../context.js";

export interface CheckoutSettings {
  allowedOrigins: string[];
  clientAmount: boolean;
}

/** An app's checkout settings for one mode (defaults: nobody frames the hosted page). */
export async function readSettings(ctx: ServiceContext, scope: Scope): Promise<CheckoutSettings> {
  const [row] = await ctx.db
    .select()
    .from(checkoutSettings)
    .where(and(eq(checkoutSettings.appId, scope.appId), eq(checkoutSettings.livemode, scope.livemode)));
  // Origins stored before wildcards and public suffixes were refused never reach `frame-ancestors`.
  const allowedOrigins = (row?.allowedOrigins ?? []).filter((o) => {
    try {
      return normaliseOrigin(o, 0, scope.livemode) === o;
    } catch {
      return false;
    }
  });
  return { allowedOrigins, clientAmount: row?.clientAmount ?? false };
}

const isIpLiteral = (host: string) => /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith("[");

/**
 * An origin as the browser sends it: scheme, host, port; https in live mode. It goes into the
 * hosted page's `frame-ancestors`, so it must name one site: no wildcard (`https://*`,
 * `https://*.com`) and no bare public suffix (`https://co.uk`), which would let any site
 * frame a page holding the session's client secret. `localhost` only in test mode.
 */
function normaliseOrigin(raw: string, i: number, livemode: boolean): string {
  const bad = (why = "An allowed origin is `https://shop.example` (scheme, host and port only).") =>
    new ApiError("validation_error", why, { param: `allowed_origins.${i}` });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad();
  }
  if (!/^https?:$/.test(url.protocol) || url.origin !== raw.replace(/\/$/, "") || (livemode && url.protocol !== "https:")) throw bad();
  const host = url.hostname;
  if (host.includes("*")) throw bad("An allowed origin names one site: wildcards are not accepted.");
  const testLocal = !livemode && host === "localhost";
  if (!testLocal && !isIpLiteral(host) && isPublicSuffix(host)) throw bad(`An allowed origin names one site, not a public suffix (${host}).`);
  return url.origin;
}

/** Who may frame the hosted page, and whether live mode accepts browser-set amounts. */
export async function writeSettings(ctx: ServiceContext, scope: Scope, input: { allowed_origins: string[]; client_amount?: boolean }) {
  const allowedOrigins = [...new Set(input.allowed_origins.map((o, i) => normaliseOrigin(o, i, scope.livemode)))];
  const now = ctx.clock.now();
  const values = { allowedOrigins, clientAmount: input.client_amount ?? false, updatedAt: now };
  await ctx.db
    .insert(checkoutSettings)
    .values({ appId: scope.appId, livemode: scope.livemode, ...values })
    .onConflictDoUpdate({ target: [checkoutSettings.appId, checkoutSettings.livemode], set: values });
  return { allowedOrigins, clientAmount: values.clientAmount };
}
