/**
 * Counts the SQL statements each benchmarked request sends (PostgreSQL), to see what a
 * request costs in round trips:
 *
 *   npx tsx bench/payments/queries.ts        # BENCH_DATABASE_URL as for `npm run bench`
 *
 * Builds ZeroFee in this process on a fresh database, wraps `pg.Client#query`, and prints the
 * statements of one create, one get, one list and the checkout catalogue (the create includes the sandbox's own work,
 * which runs in the same process as the provider call).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { buildApp } from "../../packages/server/src/app.js";
import { loadConfig } from "../../packages/server/src/config.js";
import { seedDemo } from "../../packages/server/src/services/demo/seed.js";
import { scratchDatabase } from "../scratch-db.js";
import { http } from "./lib.js";

const scratch = await scratchDatabase();

let log: string[] | null = null;
const original = pg.Client.prototype.query;
// biome-ignore lint/suspicious/noExplicitAny: wrapping an overloaded method
(pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
  const first = args[0];
  const text = typeof first === "string" ? first : (first?.text ?? "?");
  const line = String(text).replace(/\s+/g, " ");
  // The simulators' once-a-second sweep (claimDue) is background work, not the request's.
  if (!/^update "sandbox_records" set "due_at"/.test(line)) log?.push(line.slice(0, 140));
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return (original as any).apply(this, args);
};

const app = await buildApp({
  config: loadConfig(
    {
      PORT: "0",
      LOG_LEVEL: "warn",
      DATABASE_URL: scratch.url,
      ZEROFEE_RATE_LIMIT_PER_KEY: "0",
      ZEROFEE_RATE_LIMIT_PER_IP: "0",
      ZEROFEE_CONCURRENCY_PER_KEY: "0",
    },
    { persistKey: false },
  ),
  workers: false,
});
try {
  const baseUrl = await app.listen();
  const seeded = await seedDemo(app.ctx, null);
  const auth = { authorization: `Bearer ${seeded?.demo.secret_key}` };
  const body = { amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 02" } };
  const measure = async (label: string, run: () => Promise<unknown>) => {
    log = [];
    await run();
    await new Promise((r) => setTimeout(r, 50));
    // Commits: COMMITs, plus every statement that writes outside BEGIN…COMMIT (autocommit).
    let inTx = false;
    let commits = 0;
    for (const q of log) {
      if (q === "begin") inTx = true;
      else if (q === "commit") {
        inTx = false;
        commits++;
      } else if (!inTx && /^(insert|update|delete|with|select pg_notify)/i.test(q.trim())) commits++;
    }
    process.stdout.write(`\n${label}: ${log.length} statements, ${commits} commits\n${log.map((q) => `  ${q}`).join("\n")}\n`);
    log = null;
  };
  let id = "";
  const create = async () => {
    const r = await http(`${baseUrl}/v1/payments`, { method: "POST", headers: { ...auth, "idempotency-key": randomBytes(8).toString("hex") }, body });
    id = (JSON.parse(r.body) as { data: { id: string } }).data.id;
  };
  await measure("POST /v1/payments (first of the process: key and routing set-up read)", create);
  await measure("POST /v1/payments (warm: key and routing set-up cached)", create);
  await measure("GET /v1/payments/{id}", () => http(`${baseUrl}/v1/payments/${id}`, { headers: auth }));
  await measure("GET /v1/payments?limit=20", () => http(`${baseUrl}/v1/payments?limit=20`, { headers: auth }));
  await measure("GET /v1/checkout/methods (publishable key)", () =>
    http(`${baseUrl}/v1/checkout/methods`, { headers: { authorization: `Bearer ${seeded?.demo.publishable_key}` } }),
  );
} finally {
  await app.stop();
  await scratch.drop();
}
