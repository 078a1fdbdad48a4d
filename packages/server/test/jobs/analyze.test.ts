/**
 * PGlite has no autovacuum: without statistics its planner took an app's thousands of payments
 * for a handful, and listed the newest 20 by sorting them all. The `analyze` job (PGlite only)
 * analyzes each table that grew by a tenth, after which the list walks its index.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeGrownTables } from "../../src/jobs/analyze.js";
import { periodicJobs } from "../../src/jobs/runner.js";
import type { ServiceContext } from "../../src/services/context.js";
import { freshDatabase, onPostgres } from "../harness.js";

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let ctx: ServiceContext;

beforeAll(async () => {
  fresh = await freshDatabase({ migrated: true });
  if (onPostgres) await fresh.database.migrate();
  ctx = { db: fresh.database.db, config: { reconcileEveryS: 60, paymentExpiryS: 1800 } } as unknown as ServiceContext;
});
afterAll(() => fresh?.drop());

/** The plan of the payments list's first page (`services/payments/list.ts`), as text. */
async function listPlan(): Promise<string> {
  const res = (await ctx.db.execute(
    sql`explain select id from payments where app_id = 'app_big' and livemode = false order by id desc limit 21`,
  )) as unknown as { rows: Array<Record<string, string>> };
  return res.rows.map((r) => Object.values(r)[0]).join("\n");
}

describe("analyze job", () => {
  it("runs on PGlite only (PostgreSQL has autovacuum)", () => {
    expect(periodicJobs(ctx, "pglite").map((j) => j.name)).toContain("analyze");
    expect(periodicJobs(ctx, "postgres").map((j) => j.name)).not.toContain("analyze");
  });

  it("analyzes the tables that grew, after which an app's list walks an index instead of sorting every payment", async () => {
    await ctx.db.execute(sql`insert into payments (id, app_id, livemode, amount, currency, status, payment_method, customer, metadata, timeline, expires_at, created_at, updated_at)
      select 'txn_' || lpad(i::text, 8, '0'), case when i % 4 = 0 then 'app_other' else 'app_big' end, false, 1000, 'XOF', 'pending', 'PAYIN_ORANGE_CI',
             jsonb_build_object('phone', '+2250700000002'), jsonb_build_object('order', repeat('x', 400)), '[]'::jsonb, now(), now(), now()
        from generate_series(1, 4000) i`);
    // Never analyzed, PGlite estimates a handful of rows and sorts them all.
    if (!onPostgres) expect(await listPlan()).toMatch(/Sort/);
    const first = await analyzeGrownTables(ctx);
    expect(first.analyzed).toContain("payments");
    // An index gives the order: the newest 21 are read, not every payment of the app.
    const plan = await listPlan();
    expect(plan).toMatch(/Index (Only )?Scan Backward using payments_(app_list_idx|pkey)/);
    expect(plan).not.toMatch(/Sort/);
    // Nothing grew since: nothing analyzed again.
    expect((await analyzeGrownTables(ctx)).analyzed).toEqual([]);
  });
});
