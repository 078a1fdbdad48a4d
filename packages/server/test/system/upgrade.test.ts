/**
 * Upgrading a database made before webhook delivery existed: its events get a delivery job
 * (`failed`, with the reason), so "resend" and "recover since T" reach them like any other
 * failed event, instead of them being silently undeliverable.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { systemClock } from "../../src/lib/clock.js";
import type { ServiceContext } from "../../src/services/context.js";
import { recoverEvents } from "../../src/services/events/recover.js";
import { freshDatabase } from "../harness.js";

const migrations = join(dirname(fileURLToPath(import.meta.url)), "../../src/db/migrations");
const scratch = mkdtempSync(join(tmpdir(), "zf-upgrade-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The migrations folder as it was before `0003_webhooks`. */
function migrationsBefore(tag: string): string {
  const dir = join(scratch, "before");
  cpSync(migrations, dir, { recursive: true });
  const journal = JSON.parse(readFileSync(join(dir, "meta/_journal.json"), "utf8")) as { entries: Array<{ tag: string }> };
  const upTo = journal.entries.findIndex((e) => e.tag === tag);
  journal.entries = journal.entries.slice(0, upTo);
  writeFileSync(join(dir, "meta/_journal.json"), JSON.stringify(journal));
  return dir;
}

/** Applies the migrations that came before `tag`, as a database made then would have them. */
async function migrateUpTo(database: Database, tag: string): Promise<void> {
  const folder = { migrationsFolder: migrationsBefore(tag) };
  if (database.kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(database.db as never, folder);
  } else {
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    await migrate(database.db as never, folder);
  }
}

describe("upgrade", () => {
  // Every migration on a fresh database, twice: slow on a loaded machine (30 s seen at load 25).
  it("events written before 0003_webhooks get a failed delivery job that recovery can resend", { timeout: 120_000 }, async () => {
    const fresh = await freshDatabase();
    try {
      const { db } = fresh.database;
      await migrateUpTo(fresh.database, "0003_webhooks");
      await db.execute(sql`insert into events (id, app_id, livemode, type, object_id, data, created_at)
        values ('evt_old', 'app_old', false, 'payment.completed', 'txn_old', '{}'::jsonb, '2026-11-01T00:00:00Z')`);
      await fresh.database.migrate();
      const jobs = (await db.execute(sql`select event_id, status, last_error from webhook_jobs`)) as unknown as {
        rows: Array<{ event_id: string; status: string; last_error: string }>;
      };
      expect(jobs.rows).toHaveLength(1);
      expect(jobs.rows[0]).toMatchObject({ event_id: "evt_old", status: "failed" });
      expect(jobs.rows[0]?.last_error).toMatch(/before webhook delivery existed/);
      // "Recover everything that failed since T" queues it like any other failed event.
      const ctx = { db, clock: systemClock } as unknown as ServiceContext;
      expect(await recoverEvents({ ctx, scope: { appId: "app_old", livemode: false }, since: new Date("2026-10-01T00:00:00Z") })).toBe(1);
      const requeued = (await db.execute(sql`select status from webhook_jobs where event_id = 'evt_old'`)) as unknown as { rows: Array<{ status: string }> };
      expect(requeued.rows[0]?.status).toBe("pending");
    } finally {
      await fresh.drop();
    }
  });

  it("simple-mode payments made before 0012 read amount_source client after it; every other payment server", { timeout: 120_000 }, async () => {
    const fresh = await freshDatabase();
    try {
      const { db } = fresh.database;
      await migrateUpTo(fresh.database, "0012_amount_source_hand_resend");
      const made = (id: string) => sql`
        insert into payments (id, app_id, livemode, amount, currency, status, payment_method, customer, metadata, timeline, expires_at, created_at, updated_at)
        values (${id}, 'app_old', false, 700, 'XOF', 'completed', 'PAYIN_ORANGE_CI', '{}'::jsonb, '{}'::jsonb, '[]'::jsonb, now(), now(), now())`;
      const linked = (id: string, source: string) => sql`
        insert into checkout_payments (payment_id, app_id, livemode, session_id, amount_source, created_at)
        values (${id}, 'app_old', false, ${source === "session" ? "cs_old" : null}, ${source}, now())`;
      await db.execute(sql`set session_replication_role = replica`); // no app or session rows needed for the set-up
      for (const id of ["txn_api", "txn_simple", "txn_session"]) await db.execute(made(id));
      await db.execute(linked("txn_simple", "client"));
      await db.execute(linked("txn_session", "session"));
      await db.execute(sql`set session_replication_role = origin`);
      await fresh.database.migrate();
      const rows = (await db.execute(sql`select id, amount_source from payments order by id`)) as unknown as { rows: unknown[] };
      expect(rows.rows).toEqual([
        { id: "txn_api", amount_source: "server" },
        { id: "txn_session", amount_source: "server" },
        { id: "txn_simple", amount_source: "client" },
      ]);
    } finally {
      await fresh.drop();
    }
  });

  it("payments made before 0005_settlements are in the stats rollup it builds (counted by hand)", { timeout: 120_000 }, async () => {
    const fresh = await freshDatabase();
    try {
      const { db } = fresh.database;
      await migrateUpTo(fresh.database, "0005_settlements");
      const made = (status: string, amount: number, fee: number | null, provider: string | null, at: string, n: number) => sql`
        insert into payments (id, app_id, livemode, amount, currency, status, payment_method, provider, customer, metadata, fee_amount, timeline, expires_at, created_at, updated_at)
        values (${`txn_old${n}`}, 'app_old', false, ${amount}, 'XOF', ${status}, 'PAYIN_ORANGE_CI', ${provider}, '{}'::jsonb, '{}'::jsonb, ${fee}, '[]'::jsonb, ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz)`;
      await db.execute(sql`set session_replication_role = replica`); // no app row needed: foreign keys off for the set-up
      await db.execute(made("completed", 1000, 60, "hub2", "2026-01-05T10:00:00Z", 1));
      await db.execute(made("completed", 3000, 80, "hub2", "2026-01-05T23:59:59.999Z", 2));
      await db.execute(made("failed", 500, null, "hub2", "2026-01-05T12:00:00Z", 3));
      await db.execute(made("pending", 700, null, "hub2", "2026-01-06T00:00:00Z", 4));
      await db.execute(sql`insert into refunds (id, app_id, livemode, payment_id, amount, currency, status, reason, provider, created_at, updated_at)
        values ('re_old', 'app_old', false, 'txn_old2', 400, 'XOF', 'completed', 'late_success', 'hub2', now(), now())`);
      await db.execute(sql`set session_replication_role = origin`);
      await fresh.database.migrate();
      const rows = (await db.execute(sql`
        select to_char(day, 'YYYY-MM-DD') as day, provider, count, completed_count, failed_count, terminal_count, volume::int, fee_amount::int, refunded_amount::int
        from payment_stats_daily order by day, provider`)) as unknown as { rows: unknown[] };
      expect(rows.rows).toEqual([
        {
          day: "2026-01-05",
          provider: "hub2",
          count: 3,
          completed_count: 2,
          failed_count: 1,
          terminal_count: 3,
          volume: 4000,
          fee_amount: 140,
          refunded_amount: 400,
        },
        // Still open: under no provider until it ends.
        { day: "2026-01-06", provider: "", count: 1, completed_count: 0, failed_count: 0, terminal_count: 0, volume: 0, fee_amount: 0, refunded_amount: 0 },
      ]);
    } finally {
      await fresh.drop();
    }
  });
});
