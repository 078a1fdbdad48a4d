/**
 * CF-5 scheduled jobs across processes (PostgreSQL): a `zerofee worker` killed midway through
 * the daily settlement (ZEROFEE_FAULT=settle_after_first) leaves its slot claimed and
 * unfinished; the workers still up take it over once its lease has passed and close the rest,
 * each payment in exactly one settlement, XOF and XAF apart. Two workers over several
 * one-second reconciliation slots run each slot once. (In process, on the injected clock, the
 * same rules are in jobs/reconcile-expire.test.ts.)
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { type Database, openPostgres } from "../../src/db/client.js";
import { cleanupsAfterAll } from "../cleanups.js";
import {
  createMerchant,
  eventually,
  freshDatabase,
  httpCall,
  onPostgres,
  paymentBody,
  type TestApp,
  TestClock,
  testConfig,
  testLogStream,
} from "../harness.js";
import { type Child, runCli } from "../webhooks/child.js";
import { rows, scalar } from "./helpers.js";

const cleanups = cleanupsAfterAll();

let env: Record<string, string> = {};
let db: Database;

/** A worker process; its lease is 2 s and it reconciles every second. */
function worker(extra: Record<string, string> = {}): Child {
  const child = runCli(["worker"], { ...env, ZEROFEE_JOB_LEASE_S: "2", ZEROFEE_RECONCILE_EVERY_S: "1", ...extra });
  cleanups.push(async () => {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill("SIGTERM");
    await child.exited;
  });
  return child;
}

describe.skipIf(!onPostgres)("CF-5 scheduled jobs: crash, rerun, one run per slot (PostgreSQL, worker processes)", () => {
  beforeAll(async () => {
    const fresh = await freshDatabase();
    if (!fresh.url) throw new Error("no database url");
    await fresh.database.close();
    cleanups.push(() => fresh.drop());
    env = { DATABASE_URL: fresh.url, ZEROFEE_MASTER_KEY: randomBytes(32).toString("base64") };
    db = await openPostgres(fresh.url);
    cleanups.push(() => db.close());

    // Payments completed two days ago on the API's injected clock: today's 00:30 settlement
    // (the period ending at 00:00 UTC today) holds them all.
    const app = await buildApp({
      config: testConfig(env),
      clock: new TestClock(new Date(Date.now() - 2 * 86_400_000)),
      workers: false,
      logStream: testLogStream(),
    });
    const url = await app.listen();
    cleanups.push(() => app.stop());
    const t = { call: (method: string, path: string, o?: object) => httpCall(url, method, path, o) } as unknown as TestApp;
    const m = await createMerchant(t);
    const made: string[] = [];
    for (const amount of [1500, 2500, 1000])
      made.push((await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { amount }) })).body.data.id);
    for (const amount of [700, 300]) {
      const body = { amount, payment_method: "PAYIN_MTN_CM", customer: { phone: "+237 6 70 00 00 00" } };
      made.push((await t.call("POST", "/v1/payments", { token: m.sk, body })).body.data.id);
    }
    for (const id of made) await eventually(async () => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data.status === "completed");
  }, 120_000);

  it("CF-5 a worker killed midway through the daily settlement: the others finish it after the lease, each payment once; one run per reconciliation slot", {
    timeout: 120_000,
  }, async () => {
    const crashed = worker({ ZEROFEE_FAULT: "settle_after_first" });
    expect((await crashed.exited).signal).toBe("SIGKILL");
    const [orphan] = await rows<{ worker: string; finished: boolean }>(
      db.db,
      sql`select worker, finished_at is not null as finished from job_runs where name = 'settle'`,
    );
    expect(orphan?.finished).toBe(false);
    expect(await rows(db.db, sql`select currency from settlements`)).toHaveLength(1);

    const started = new Date();
    const others = [worker(), worker()];
    await eventually(async () => {
      const [run] = await rows<{ finished: boolean }>(db.db, sql`select finished_at is not null as finished from job_runs where name = 'settle'`);
      return run?.finished === true;
    }, 60_000);
    // 1500 + 2500 + 1000 XOF and 700 + 300 XAF, each in exactly one settlement of its currency.
    expect(
      await rows(
        db.db,
        sql`select currency, count(*)::int as settlements, sum(count)::int as count, sum(gross_amount)::int as gross
        from settlements group by currency order by currency`,
      ),
    ).toEqual([
      { currency: "XAF", settlements: 1, count: 2, gross: 1000 },
      { currency: "XOF", settlements: 1, count: 3, gross: 5000 },
    ]);
    expect(await rows(db.db, sql`select id from payments where status = 'completed' and settlement_id is null`)).toEqual([]);
    const [settle] = await rows<{ worker: string; result: { settlements: string[] } }>(db.db, sql`select worker, result from job_runs where name = 'settle'`);
    expect(settle?.worker).not.toBe(orphan?.worker);
    expect(settle?.result.settlements).toHaveLength(1);
    const takeovers = others.flatMap((w) => w.output().split("\n")).filter((l) => l.includes("job run taken over"));
    expect(takeovers).toHaveLength(1);
    expect(takeovers[0]).toContain(orphan?.worker);

    // Both workers tick every second over one-second reconciliation slots: each slot is run
    // by one of them (whichever ticks first after the slot begins), once, and finished.
    await eventually(
      async () =>
        (await scalar(db.db, sql`select count(*)::int from job_runs where name = 'reconcile' and started_at >= ${started.toISOString()}::timestamptz`)) >= 6,
      60_000,
    );
    const runs = await rows<{ slot: string; worker: string; finished: boolean; error: string | null }>(
      db.db,
      sql`select slot::text, worker, finished_at is not null as finished, result->>'error' as error from job_runs
        where name = 'reconcile' and started_at >= ${started.toISOString()}::timestamptz order by slot`,
    );
    expect(new Set(runs.map((r) => r.slot)).size).toBe(runs.length);
    for (const r of runs.slice(0, -1)) expect(r, JSON.stringify(r)).toMatchObject({ finished: true, error: null });
    expect(runs.every((r) => others.some((w) => r.worker.endsWith(`:${w.proc.pid}`)))).toBe(true);
    for (const w of others) expect(w.output()).not.toMatch(/"level":(50|60)/);
  });
});
