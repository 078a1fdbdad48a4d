/**
 * A database that refuses new connections for a while (`ALTER DATABASE … ALLOW_CONNECTIONS
 * false` during maintenance: SQLSTATE 55000) is a database away, like a restart: every route
 * answers 503 `service_unavailable` with `Retry-After`, not a 500, and recovers by itself.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, onPostgres, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;
let admin: pg.Client;
let name = "";

beforeAll(async () => {
  if (!onPostgres) return;
  t = await startTestApp();
  m = await createMerchant(t, "refusing");
  name = new URL(t.databaseUrl as string).pathname.slice(1);
  admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
});
afterAll(async () => {
  if (!onPostgres) return;
  await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`).catch(() => {});
  await admin.end();
  await t.stop();
});

describe("a database refusing connections", () => {
  it.skipIf(!onPostgres)("answers 503 service_unavailable with Retry-After while it lasts, then serves again", async () => {
    expect((await t.call("GET", "/v1/payments?limit=1", { token: m.sk })).status).toBe(200);
    await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [name]);
    const refused = await eventually(async () => {
      const r = await t.call("GET", "/v1/payments?limit=1", { token: m.sk });
      return r.status === 200 ? null : r;
    });
    expect(refused.status, refused.text).toBe(503);
    expect(refused.body.error.code).toBe("service_unavailable");
    expect(refused.headers.get("retry-after")).toBe("1");
    await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
    expect((await eventually(async () => (await t.call("GET", "/v1/payments?limit=1", { token: m.sk })).status === 200 || null)) === true).toBe(true);
  });
});
