import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { accounts, apps } from "../../db/schema/index.js";
import { randomBase62 } from "../../lib/crypto.js";
import { createApp } from "../apps/apps.js";
import { register } from "../auth/register.js";
import type { ServiceContext } from "../context.js";
import { createKey } from "../keys/keys.js";

export interface DemoLogin {
  email: string;
  password: string;
  app_id: string;
  secret_key: string;
  publishable_key: string;
}

/**
 * On an empty database, a ready demo: account, user, test app and test keys, so a newcomer
 * can pay in the sandbox within a minute. Keys are stored hashed like any other; the
 * plaintext is kept only in the local data directory (`demo.json`, mode 600) to print it again
 * — on PostgreSQL too: a first `serve` that seeded and then could not listen (its port taken)
 * had lost the demo password for good. A `demo.json` whose app this database does not hold (the
 * data directory pointed at another database) is not shown.
 */
export async function seedDemo(ctx: ServiceContext, dataDir: string | null): Promise<{ demo: DemoLogin; created: boolean } | null> {
  // No data directory (the tests' and benchmarks' in-process apps): nothing kept.
  const file = dataDir ? join(dataDir, "demo.json") : null;
  const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(accounts);
  if ((row?.n ?? 0) > 0) {
    if (!file || !existsSync(file)) return null;
    const demo = JSON.parse(readFileSync(file, "utf8")) as DemoLogin;
    const [app] = await ctx.db.select({ id: apps.id }).from(apps).where(eq(apps.id, demo.app_id));
    return app ? { demo, created: false } : null;
  }
  const password = `demo-${randomBase62(12)}`;
  const { user } = await register({ ctx, input: { email: "demo@zerofee.dev", password, name: "Demo Merchant", company: "Demo Shop" } });
  const app = await createApp({ ctx, accountId: user.account_id, name: "Demo shop (test)" });
  const secret = await createKey({ ctx, scope: { appId: app.id, livemode: false }, input: { type: "secret" } });
  const publishable = await createKey({ ctx, scope: { appId: app.id, livemode: false }, input: { type: "publishable" } });
  const demo: DemoLogin = { email: user.email, password, app_id: app.id, secret_key: secret.key, publishable_key: publishable.key };
  if (file) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
    } catch (err) {
      // A read-only directory: the banner still shows it this once.
      ctx.log.warn({ err, file }, "demo login not kept: only this start's banner shows it");
    }
  }
  return { demo, created: true };
}
