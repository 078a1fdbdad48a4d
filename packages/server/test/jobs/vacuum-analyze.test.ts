/**
 * PGlite has no autovacuum: without statistics its planner took an app's thousands of payments
 * for a handful, and listed the newest 20 by sorting them all; without a vacuum every rewrite
 * of a row made the table grow. The `vacuum_analyze` job (PGlite only) analyzes each table that
 * grew by a tenth, after which the list walks its index, and vacuums each table past
 * autovacuum's thresholds, after which rewriting its rows reuses its pages.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { periodicJobs } from "../../src/jobs/runner.js";
import { vacuumAndAnalyze } from "../../src/jobs/vacuum-analyze.js";
import type { ServiceContext } from "../../src/services/context.js";
import { eventually, freshDatabase, onPostgres } from "../harness.js";

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

/** The payments table's dead row versions as PostgreSQL's statistics count them, and its size. */
async function payments(): Promise<{ dead: number; bytes: number }> {
  const res = (await ctx.db.execute(
    sql`select coalesce(s.n_dead_tup, 0)::int as dead, pg_relation_size('payments')::int as bytes from pg_stat_user_tables s where s.relname = 'payments'`,
  )) as unknown as { rows: Array<{ dead: number; bytes: number }> };
  return res.rows[0] ?? { dead: 0, bytes: 0 };
}

describe("vacuum_analyze job", () => {
  it("runs on PGlite only (PostgreSQL has autovacuum)", () => {
    expect(periodicJobs(ctx, "pglite").map((j) => j.name)).toContain("vacuum_analyze");
    expect(periodicJobs(ctx, "postgres").map((j) => j.name)).not.toContain("vacuum_analyze");
  });

  it("analyzes the tables that grew, after which an app's list walks an index instead of sorting every payment", async () => {
    await ctx.db.execute(sql`insert into payments (id, app_id, livemode, amount, currency, status, payment_method, customer, metadata, timeline, expires_at, created_at, updated_at)
      select 'txn_' || lpad(i::text, 8, '0'), case when i % 4 = 0 then 'app_other' else 'app_big' end, false, 1000, 'XOF', 'pending', 'PAYIN_ORANGE_CI',
             jsonb_build_object('phone', '+2250700000002'), jsonb_build_object('order', repeat('x', 400)), '[]'::jsonb, now(), now(), now()
        from generate_series(1, 4000) i`);
    // Never analyzed, PGlite estimates a handful of rows and sorts them all.
    if (!onPostgres) expect(await listPlan()).toMatch(/Sort/);
    const first = await vacuumAndAnalyze(ctx);
    expect(first.analyzed).toContain("payments");
    // The process's first run also vacuums every table: statistics of dead rows do not survive a restart.
    expect(first.vacuumed).toEqual(expect.arrayContaining(["payments", "events", "webhook_jobs", "job_runs"]));
    // An index gives the order: the newest 21 are read, not every payment of the app.
    const plan = await listPlan();
    expect(plan).toMatch(/Index (Only )?Scan Backward using payments_(app_list_idx|pkey)/);
    expect(plan).not.toMatch(/Sort/);
    // Nothing grew since: nothing analyzed again.
    expect((await vacuumAndAnalyze(ctx)).analyzed).toEqual([]);
  });

  it("vacuums a table whose rows were rewritten, after which rewriting them again reuses its pages instead of growing it", async () => {
    const rewrite = (status: string) => ctx.db.execute(sql`update payments set status = ${status}, updated_at = now() where app_id = 'app_big'`);
    await rewrite("failed");
    // 3,000 dead versions, past 50 + a fifth of 4,000 live rows (once the statistics are in).
    await eventually(async () => (await payments()).dead >= 3000);
    expect((await vacuumAndAnalyze(ctx)).vacuumed).toContain("payments");
    await eventually(async () => (await payments()).dead === 0);
    const before = (await payments()).bytes;
    await rewrite("cancelled");
    // Each new version goes where a dead one was: the table holds two versions of each row at most.
    expect((await payments()).bytes).toBe(before);
    await eventually(async () => (await payments()).dead >= 3000);
    expect((await vacuumAndAnalyze(ctx)).vacuumed).toContain("payments");
    await rewrite("expired");
    expect((await payments()).bytes).toBe(before);
  });
});
