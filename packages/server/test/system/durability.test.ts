import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, type Db, openPostgres, type Tx } from "../../src/db/client.js";
import { judgeSettings, readSettings } from "../../src/db/durability.js";
import { withTransaction } from "../../src/db/tx.js";
import { freshDatabase, onPostgres, startTestApp } from "../harness.js";

describe("PostgreSQL settings judged at start", () => {
  it("fsync or full_page_writes off can lose committed payments (production refuses); autovacuum off slows them", () => {
    expect(judgeSettings({ fsync: "on", full_page_writes: "on", autovacuum: "on" })).toEqual({ unsafe: [], warnings: [] });
    const off = judgeSettings({ fsync: "off", full_page_writes: "off", autovacuum: "off" });
    expect(off.unsafe).toHaveLength(2);
    expect(off.unsafe[0]).toMatch(/fsync = off/);
    expect(off.unsafe[1]).toMatch(/full_page_writes = off/);
    expect(off.warnings).toEqual([expect.stringMatching(/autovacuum = off/)]);
    expect(judgeSettings({})).toEqual({ unsafe: [], warnings: [] });
  });
});

describe.skipIf(!onPostgres)("ZeroFee's PostgreSQL sessions", () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let admin: pg.Client;
  const opened: Database[] = [];
  beforeAll(async () => {
    fresh = await freshDatabase();
    admin = new pg.Client({ connectionString: fresh.url });
    await admin.connect();
  });
  afterAll(async () => {
    for (const d of opened) await d.close();
    await admin.end();
    await fresh.drop();
  });

  const databaseName = () => new URL(fresh.url as string).pathname.slice(1);
  const openNew = async () => {
    const d = await openPostgres(fresh.url as string, { max: 4 });
    opened.push(d);
    return d;
  };
  const seen = async (d: Database) => {
    const show = async (db: Db | Tx) =>
      ((await db.execute(sql`select current_setting('synchronous_commit') as v`)) as unknown as { rows: Array<{ v: string }> }).rows[0]?.v;
    // Four at once, so the pool opens every one of its connections; and inside a transaction.
    return [...(await Promise.all([1, 2, 3, 4].map(() => show(d.db)))), await withTransaction(d.db, show)];
  };

  it("commit durably where the database's default is synchronous_commit = off", async () => {
    await admin.query(`alter database ${databaseName()} set synchronous_commit = off`);
    const other = new pg.Client({ connectionString: fresh.url });
    await other.connect();
    // Any other client of this database commits without waiting for the disk…
    expect((await other.query("show synchronous_commit")).rows[0].synchronous_commit).toBe("off");
    await other.end();
    // …ZeroFee's own connections do not.
    expect(new Set(await seen(await openNew()))).toEqual(new Set(["on"]));
  });

  it("leave any other durable setting (remote_apply) as the operator set it", async () => {
    await admin.query(`alter database ${databaseName()} set synchronous_commit = remote_apply`);
    expect(new Set(await seen(await openNew()))).toEqual(new Set(["remote_apply"]));
  });

  it("read the server's fsync, full_page_writes and autovacuum, and a server with autovacuum off is named in the log", async () => {
    const d = await openNew();
    const settings = await readSettings(d.db);
    for (const name of ["fsync", "full_page_writes", "autovacuum"]) {
      expect(settings[name]).toBe((await admin.query(`show ${name}`)).rows[0][name]);
    }
    const t = await startTestApp();
    try {
      const warned = t.logs.some((line) => line.includes("autovacuum = off"));
      expect(warned).toBe(settings.autovacuum === "off");
    } finally {
      await t.stop();
    }
  });
});
