/**
 * `npx zerofee settle` as an operator runs it, in child processes on the same data as a
 * server: killed midway (ZEROFEE_FAULT=settle_after_first) then run again, it gives the same
 * totals; two runs at once give one settlement per currency (PostgreSQL only).
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp, type ZeroFee } from "../../src/app.js";
import { type Database, openPglite, openPostgres } from "../../src/db/client.js";
import { cleanupsAfterAll } from "../cleanups.js";
import {
  createMerchant,
  eventually,
  freshDatabase,
  httpCall,
  type Merchant,
  migratedDataDir,
  onPostgres,
  paymentBody,
  type TestApp,
  testConfig,
  testLogStream,
} from "../harness.js";
import { runCli } from "../webhooks/child.js";

const cleanups = cleanupsAfterAll();

/** Where the server and the CLI meet: a data directory on PGlite, a database on PostgreSQL. */
const env: Record<string, string> = { ZEROFEE_MASTER_KEY: randomBytes(32).toString("base64") };
let app: ZeroFee | undefined;
let m: Merchant;
const amounts = { XOF: [1500, 2500, 1000], XAF: [700, 300] };

async function openShared(): Promise<Database> {
  return env.DATABASE_URL ? openPostgres(env.DATABASE_URL) : openPglite(env.ZEROFEE_DATA_DIR);
}

/** Reads the shared data with one connection (on PGlite, one open of the data directory) for all the queries. */
async function read<R>(fn: (q: <T>(query: ReturnType<typeof sql>) => Promise<T[]>) => Promise<R>): Promise<R> {
  const db = await openShared();
  try {
    return await fn(async <T>(query: ReturnType<typeof sql>) => ((await db.db.execute(query)) as unknown as { rows: T[] }).rows);
  } finally {
    await db.close();
  }
}
const rows = <T>(query: ReturnType<typeof sql>) => read((q) => q<T>(query));

beforeAll(async () => {
  if (onPostgres) {
    // Already migrated (the run's template): the app below would migrate it anyway.
    const fresh = await freshDatabase({ migrated: true });
    if (!fresh.url) throw new Error("no database url");
    env.DATABASE_URL = fresh.url;
    await fresh.database.close();
    cleanups.push(() => fresh.drop());
  } else {
    // Already migrated (the run's image): no initdb and migrations before the app below starts.
    env.ZEROFEE_DATA_DIR = await migratedDataDir("zf-settle-");
    cleanups.push(() => rmSync(env.ZEROFEE_DATA_DIR as string, { recursive: true, force: true }));
  }
  app = await buildApp({ config: testConfig(env), workers: false, logStream: testLogStream() });
  const url = await app.listen();
  t = { call: (method: string, path: string, o?: object) => httpCall(url, method, path, o) } as unknown as TestApp;
  m = await createMerchant(t);
  await payAll(amounts);
  cleanups.push(() => app?.stop());
}, 120_000);

let t: TestApp;

/** Payments made through the API and waited on until completed. */
async function payAll(which: { XOF: number[]; XAF: number[] }) {
  const made: string[] = [];
  for (const amount of which.XOF) made.push((await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { amount }) })).body.data.id);
  for (const amount of which.XAF) {
    const body = { amount, payment_method: "PAYIN_MTN_CM", customer: { phone: "+237 6 70 00 00 00" } };
    made.push((await t.call("POST", "/v1/payments", { token: m.sk, body })).body.data.id);
  }
  for (const id of made) await eventually(async () => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data.status === "completed");
}

const settle = (args: string[], extra: Record<string, string> = {}) => runCli(["settle", ...args], { ...env, ...extra });

interface Totals {
  currency: string;
  settlements: number;
  count: number;
  gross: number;
}
const TOTALS = sql`select currency, count(*)::int as settlements, sum(count)::int as count, sum(gross_amount)::int as gross
    from settlements group by currency order by currency`;
const totals = () => rows<Totals>(TOTALS);

describe("npx zerofee settle", () => {
  // These two run at once (neither writes): the refusal while the server (started above) still
  // holds the data directory, and the bad --until values, refused before any database is opened.
  it.skipIf(onPostgres).concurrent("on PGlite, refuses while a server holds the data directory, saying so", async ({ expect }) => {
    const run = settle([]);
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.output()).toMatch(/is in use by process \d+/);
  });

  it.concurrent("refuses an --until that is not a time or is in the future", { timeout: 90_000 }, async ({ expect }) => {
    const runs = ["yesterday", new Date(Date.now() + 3_600_000).toISOString()].map((bad) => settle(["--until", bad]));
    for (const run of runs) {
      expect((await run.exited).code).toBe(1);
      expect(run.output()).toMatch(/--until/);
    }
  });

  it("killed after its first settlement, run again with the same --until: the same totals, each payment once", { timeout: 120_000 }, async () => {
    if (!onPostgres) {
      await app?.stop();
      app = undefined;
    }
    const until = new Date().toISOString();
    const crashed = settle(["--until", until], { ZEROFEE_FAULT: "settle_after_first" });
    expect((await crashed.exited).signal).toBe("SIGKILL");
    expect(await totals()).toHaveLength(1);

    const again = settle(["--until", until]);
    expect((await again.exited).code, again.output()).toBe(0);
    expect(again.output()).toMatch(/1 settlement closed up to /);
    const [after, [unsettled]] = await read((q) =>
      Promise.all([q<Totals>(TOTALS), q<{ n: number }>(sql`select count(*)::int as n from payments where status = 'completed' and settlement_id is null`)]),
    );
    // Worked out from the payments made above: 1500 + 2500 + 1000 XOF, 700 + 300 XAF.
    expect(after).toEqual([
      { currency: "XAF", settlements: 1, count: 2, gross: 1000 },
      { currency: "XOF", settlements: 1, count: 3, gross: 5000 },
    ]);
    expect(unsettled?.n).toBe(0);

    const nothing = settle([]);
    expect((await nothing.exited).code).toBe(0);
    expect(nothing.output()).toMatch(/0 settlements closed/);
  });

  it.skipIf(!onPostgres)(
    "two runs started at the same moment give one settlement per currency (a real race: PostgreSQL only)",
    { timeout: 120_000 },
    async () => {
      // More money, completed after the periods closed above (the server still runs on PostgreSQL).
      await payAll({ XOF: [400, 600], XAF: [250] });
      const until = new Date().toISOString();
      const a = settle(["--until", until]);
      const b = settle(["--until", until]);
      const [ra, rb] = await Promise.all([a.exited, b.exited]);
      expect([ra.code, rb.code], a.output() + b.output()).toEqual([0, 0]);
      // One new settlement per currency, holding only the new payments.
      expect(await totals()).toEqual([
        { currency: "XAF", settlements: 2, count: 3, gross: 1250 },
        { currency: "XOF", settlements: 2, count: 5, gross: 6000 },
      ]);
      const [events] = await rows<{ n: number }>(sql`select count(*)::int as n from events where type = 'settlement.created'`);
      expect(events?.n).toBe(4);
      // Between them the two runs closed both, whichever took each currency (one may take both).
      const closed = [a.output(), b.output()].reduce((n, out) => n + Number(/(\d+) settlements? closed/.exec(out)?.[1] ?? Number.NaN), 0);
      expect(closed, a.output() + b.output()).toBe(2);
    },
  );
});
