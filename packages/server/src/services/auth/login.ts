import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { accounts, users } from "../../db/schema/index.js";
import { decoyPasswordHash, verifyPassword } from "../../lib/crypto.js";
import { ApiError } from "../../lib/errors.js";
import type { ServiceContext } from "../context.js";
import type { LoginBody } from "./schemas.js";
import { openSession, serializeUser } from "./sessions.js";

/**
 * Same answer, same message and the same hashing work for an unknown email and a wrong
 * password, so login cannot tell which accounts exist. Accounts are never locked; the HTTP
 * layer rate-limits per IP and per email instead.
 */
export async function login({ ctx, input }: { ctx: ServiceContext; input: z.infer<typeof LoginBody> }) {
  const [row] = await ctx.db
    .select({ user: users, account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(sql`lower(${users.email}) = ${input.email}`);
  const ok = await verifyPassword(input.password, row?.user.passwordHash ?? (await decoyPasswordHash(ctx.config.passwordHashLogN)));
  if (!row || !ok) throw new ApiError("invalid_credentials", "Email or password is incorrect.");
  const token = await openSession(ctx.db, row.user.id, ctx.clock.now());
  return { token, user: serializeUser(row.user, row.account) };
}
