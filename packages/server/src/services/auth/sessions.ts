import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Db, Tx } from "../../db/client.js";
import { type accounts, sessions, users } from "../../db/schema/index.js";
import { randomToken, sha256Hex } from "../../lib/crypto.js";
import { newId } from "../../lib/ids.js";

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Dashboard session tokens: opaque, random, stored only as SHA-256. */
export const SESSION_PREFIX = "zfs_";

export async function openSession(tx: Tx | Db, userId: string, now: Date): Promise<string> {
  const token = `${SESSION_PREFIX}${randomToken(32)}`;
  await tx.insert(sessions).values({
    id: newId("session", now),
    userId,
    tokenHash: sha256Hex(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  });
  return token;
}

export async function findSession(db: Db, token: string, now: Date) {
  const [row] = await db
    .select({ sessionId: sessions.id, userId: users.id, accountId: users.accountId })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sha256Hex(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)));
  return row ?? null;
}

/** How long an expired session's row is kept (who was signed in, and when) before it is deleted. */
export const EXPIRED_SESSION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Deletes sessions expired more than `EXPIRED_SESSION_RETENTION_MS` ago (signed out or not). */
export async function reapSessions(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - EXPIRED_SESSION_RETENTION_MS);
  const rows = await db.delete(sessions).where(lt(sessions.expiresAt, cutoff)).returning({ id: sessions.id });
  return rows.length;
}

export function serializeUser(user: typeof users.$inferSelect, account: typeof accounts.$inferSelect) {
  return { id: user.id, email: user.email, name: user.name, account_id: account.id, company: account.company, created_at: user.createdAt.toISOString() };
}
