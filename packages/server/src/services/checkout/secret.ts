import { and, eq, isNull } from "drizzle-orm";
import { apps, checkoutSessions } from "../../db/schema/index.js";
import { constantTimeEqual, decryptSecret, encryptSecret, randomBase62, sha256Hex } from "../../lib/crypto.js";
import type { ServiceContext } from "../context.js";

const SECRET_RE = /^(cs_[0-9A-Za-z]{10,40})_secret_([0-9A-Za-z]{32})$/;

/** `cs_…_secret_<32 base62>`: names its session, so a lookup is by primary key. */
export function newClientSecret(sessionId: string): { secret: string; hash: string } {
  const secret = `${sessionId}_secret_${randomBase62(32)}`;
  return { secret, hash: sha256Hex(secret) };
}

export const looksLikeClientSecret = (token: string) => token.startsWith("cs_");

/**
 * The session a client secret opens, or null. Malformed secrets are refused before any
 * query; the stored hash is compared in constant time.
 */
export async function authenticateClientSecret(ctx: ServiceContext, token: string) {
  const m = SECRET_RE.exec(token);
  if (!m?.[1]) return null;
  const [row] = await ctx.db
    .select({
      id: checkoutSessions.id,
      appId: checkoutSessions.appId,
      livemode: checkoutSessions.livemode,
      hash: checkoutSessions.secretHash,
      accountId: apps.accountId,
    })
    .from(checkoutSessions)
    .innerJoin(apps, eq(apps.id, checkoutSessions.appId))
    .where(and(eq(checkoutSessions.id, m[1]), isNull(apps.deletedAt)));
  if (!row || !constantTimeEqual(row.hash, sha256Hex(token))) return null;
  return { sessionId: row.id, appId: row.appId, livemode: row.livemode, accountId: row.accountId };
}

const aad = (sessionId: string) => `checkout_session|${sessionId}`;

export const sealClientSecret = (ctx: ServiceContext, sessionId: string, secret: string) => encryptSecret(ctx.config.masterKey, secret, aad(sessionId));
export const unsealClientSecret = (ctx: ServiceContext, sessionId: string, sealed: string) => decryptSecret(ctx.config.masterKey, sealed, aad(sessionId));
