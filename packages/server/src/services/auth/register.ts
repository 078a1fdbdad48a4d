import { sql } from "drizzle-orm";
import type { z } from "zod";
import { accounts, users } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { hashPassword } from "../../lib/crypto.js";
import { ApiError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { ServiceContext } from "../context.js";
import type { RegisterBody } from "./schemas.js";
import { openSession, serializeUser } from "./sessions.js";

/** An account with its first user, signed in. */
export async function register({ ctx, input }: { ctx: ServiceContext; input: z.infer<typeof RegisterBody> }) {
  const passwordHash = await hashPassword(input.password, ctx.config.passwordHashLogN);
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const taken = await tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${input.email}`);
    if (taken.length > 0) throw new ApiError("email_taken", "An account already uses this email; sign in instead.", { param: "email" });
    const [account] = await tx
      .insert(accounts)
      .values({ id: newId("account", now), name: input.company, company: input.company, createdAt: now })
      .returning();
    if (!account) throw new Error("account insert returned nothing");
    const [user] = await tx
      .insert(users)
      .values({ id: newId("user", now), accountId: account.id, email: input.email, name: input.name, passwordHash, createdAt: now })
      .returning();
    if (!user) throw new Error("user insert returned nothing");
    const token = await openSession(tx, user.id, now);
    return { token, user: serializeUser(user, account) };
  });
}
