/**
 * Every process migrates as it starts, so `zerofee api` × N and a worker started together on an
 * empty PostgreSQL database race to create drizzle's table and apply the same migrations. They
 * take turns under an advisory lock: all of them start, the schema is applied once.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openPostgres } from "../../src/db/client.js";
import { onPostgres } from "../harness.js";

describe("migrations", () => {
  it.skipIf(!onPostgres)("four processes starting at once on an empty database: every one migrates, each migration once", { timeout: 60_000 }, async () => {
    const base = process.env.TEST_DATABASE_URL as string;
    const name = `zf_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    const processes = await Promise.all(Array.from({ length: 4 }, () => openPostgres(url.toString(), { max: 3 })));
    try {
      const results = await Promise.allSettled(processes.map((db) => db.migrate()));
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok", "ok", "ok"]);
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      const applied = (await c.query("select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash")).rows as Array<{ n: number }>;
      await c.end();
      expect(applied.length).toBeGreaterThan(5);
      expect(applied.every((r) => r.n === 1)).toBe(true);
    } finally {
      await Promise.all(processes.map((db) => db.close()));
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
