import { eq } from "drizzle-orm";
import { checkoutSessions } from "../../db/schema/index.js";
import { notFound } from "../../lib/errors.js";
import type { ServiceContext } from "../context.js";
import { unsealClientSecret } from "./secret.js";
import { readSettings } from "./settings.js";

/**
 * What the hosted page `GET /checkout/{id}` needs: the session's state and URLs, the client
 * secret for its own widget (the hosted URL is the customer's capability, as the secret is),
 * and the origins allowed to frame it.
 */
export async function hostedSession(ctx: ServiceContext, id: string) {
  const [s] = await ctx.db.select().from(checkoutSessions).where(eq(checkoutSessions.id, id));
  if (!s) throw notFound("checkout session", "id");
  const settings = await readSettings(ctx, { appId: s.appId, livemode: s.livemode });
  const expired = s.status === "expired" || (s.status === "open" && s.expiresAt <= ctx.clock.now());
  return {
    id: s.id,
    status: expired ? ("expired" as const) : s.status,
    livemode: s.livemode,
    locale: s.locale,
    successUrl: s.successUrl,
    cancelUrl: s.cancelUrl,
    paymentId: s.paymentId,
    clientSecret: s.status === "open" ? unsealClientSecret(ctx, s.id, s.secretSealed) : null,
    allowedOrigins: settings.allowedOrigins,
  };
}
