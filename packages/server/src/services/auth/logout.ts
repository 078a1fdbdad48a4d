import { and, eq, isNull } from "drizzle-orm";
import type { z } from "zod";
import { accounts, sessions, users } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { hashPassword, verifyPassword } from "../../lib/crypto.js";
import { ApiError } from "../../lib/errors.js";
import type { ServiceContext } from "../context.js";
import type { ChangePasswordBody } from "./schemas.js";
import { openSession, serializeUser } from "./sessions.js";

export async function logout({ ctx, sessionId }: { ctx: ServiceContext; sessionId: string }): Promise<void> {
  await ctx.db.update(sessions).set({ revokedAt: ctx.clock.now() }).where(eq(sessions.id, sessionId));
}

export async function me({ ctx, userId }: { ctx: ServiceContext; userId: string }) {
  const [row] = await ctx.db
    .select({ user: users, account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.id, userId));
  if (!row) throw new ApiError("authentication_required", "Sign in again.");
  return serializeUser(row.user, row.account);
}

/** Changing the password revokes every session of the user, then opens a fresh one. */
export async function changePassword({ ctx, userId, input }: { ctx: ServiceContext; userId: string; input: z.infer<typeof ChangePasswordBody> }) {
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user || !(await verifyPassword(input.current_password, user.passwordHash))) {
    throw new ApiError("invalid_credentials", "The current password is incorrect.", { param: "current_password" });
  }
  const passwordHash = await hashPassword(input.new_password, ctx.config.passwordHashLogN);
  const now = ctx.clock.now();
  const token = await withTransaction(ctx.db, async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    return openSession(tx, userId, now);
  });
  return { token, user: await me({ ctx, userId }) };
}
