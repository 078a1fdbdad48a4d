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

describe("upgrade", () => {
  it("events written before 0003_webhooks get a failed delivery job that recovery can resend", async () => {
    const fresh = await freshDatabase();
    try {
      const { db } = fresh.database;
      const before = migrationsBefore("0003_webhooks");
      const folder = { migrationsFolder: before };
      if (fresh.database.kind === "pglite") {
        const { migrate } = await import("drizzle-orm/pglite/migrator");
        await migrate(db as never, folder);
      } else {
        const { migrate } = await import("drizzle-orm/node-postgres/migrator");
        await migrate(db as never, folder);
      }
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
});
