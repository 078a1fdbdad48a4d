/**
 * Group commit (issue 14, `db/batch.ts`): the create path's writes of the moment share one
 * statement each, and every create still gets exactly its own rows — payment, attempt,
 * event and job, recovery point, stored answer, sandbox record, stats — as if it ran alone.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type BatchStats, batcher, planGeneration, recordOf, refusedByDatabase } from "../../src/db/batch.js";
import { payments } from "../../src/db/schema/index.js";
import { createMerchant, type Merchant, metricValue, onPostgres, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { rows, scalar } from "../reliability/helpers.js";

describe("planGeneration", () => {
  it("names a statement anew each time its runs double, so PostgreSQL plans it again for the tables as they have grown", () => {
    const names = Array.from({ length: 70 }, () => planGeneration("generation_test"));
    expect(names[0]).toBe("generation_test_g0");
    expect(names.slice(1, 3)).toEqual(["generation_test_g1", "generation_test_g1"]);
    expect(new Set(names.slice(3, 7))).toEqual(new Set(["generation_test_g2"]));
    expect(names[63]).toBe("generation_test_g6");
    // Seven names for 70 runs: each prepared once per connection, planned for the size of the day.
    expect(new Set(names).size).toBe(7);
    // The last generation starts at the 4,096th run.
    const later = Array.from({ length: 9000 }, () => planGeneration("generation_test_cap"));
    expect(later[4094]).toBe("generation_test_cap_g11");
    expect(later[4095]).toBe("generation_test_cap_g12");
    expect(later[8999]).toBe("generation_test_cap_g12");
    // Another statement counts on its own.
    expect(planGeneration("generation_test_other")).toBe("generation_test_other_g0");
  });
});

describe("batcher", () => {
  it("calls made in one event-loop turn share one flush, in order; a call made while it runs joins the next", async () => {
    const flushes: number[][] = [];
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const run = batcher(
      async (items: number[]) => {
        flushes.push(items);
        if (flushes.length === 1) await gate;
        return items.map((n) => n * 10);
      },
      { inFlight: 1 },
    );
    const first = [run(1), run(2), run(3)];
    await new Promise((r) => setImmediate(r));
    // The first batch is running (held at the gate): these wait and go together.
    const second = [run(4), run(5)];
    await new Promise((r) => setImmediate(r));
    expect(flushes).toEqual([[1, 2, 3]]);
    release();
    expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
    expect(flushes).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it("tells its observer of each statement: rows, how long the oldest row waited, how long it ran, whether it was split", async () => {
    const seen: BatchStats[] = [];
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    // When each flush began (the batcher notes a statement's start just before calling it).
    const starts: number[] = [];
    const run = batcher(
      async (items: number[]) => {
        starts.push(performance.now());
        if (starts.length === 1) await gate;
        if (items.includes(13)) throw Object.assign(new Error("row 13 refused"), { code: "23505" });
        return items;
      },
      { inFlight: 1, onBatch: (stats) => seen.push(stats) },
    );
    const first = run(1);
    await new Promise((r) => setImmediate(r));
    // The second batch's rows wait while the first is held.
    const queuedFrom = performance.now();
    const waiting = [run(2), run(13)];
    const queuedBy = performance.now();
    await new Promise((r) => setImmediate(r));
    const releasedAt = performance.now();
    release();
    await first;
    await Promise.allSettled(waiting);
    // The observer hears of a split batch once its rows have run again one at a time.
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect(seen.map(({ rows, split }) => ({ rows, split }))).toEqual([
      { rows: 1, split: false },
      { rows: 2, split: true },
    ]);
    const [held, next] = seen as [BatchStats, BatchStats];
    expect(held.waitedMs).toBeGreaterThanOrEqual(0);
    // The first ran at least until it was let go.
    expect(held.ranMs).toBeGreaterThanOrEqual(releasedAt - (starts[0] as number));
    // The second statement's oldest row, queued while the first was held, waited at least until
    // the first was let go, and at most until its own statement began (the batcher starts the
    // next statement a tick after the first ends, so that tick counts as waiting too).
    expect(next.waitedMs).toBeGreaterThanOrEqual(releasedAt - queuedBy);
    expect(next.waitedMs).toBeLessThanOrEqual((starts[1] as number) - queuedFrom);
    expect(next.ranMs).toBeGreaterThan(0);
  });

  it("an observer that throws fails nobody: the batch's callers have their answers", async () => {
    const run = batcher(async (items: number[]) => items.map((n) => n * 2), {
      onBatch: () => {
        throw new Error("metrics broke");
      },
    });
    expect(await Promise.all([run(1), run(2)])).toEqual([2, 4]);
    // The next batch still runs (the failure did not leave the batcher stuck).
    expect(await run(3)).toBe(6);
  });

  it("splits at max rows per statement", async () => {
    const sizes: number[] = [];
    const run = batcher(
      async (items: number[]) => {
        sizes.push(items.length);
        return items;
      },
      { max: 4, inFlight: 8 },
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => run(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("a batch the database refuses runs again row by row: only the row that breaks it fails, with its own error", async () => {
    const calls: number[][] = [];
    const run = batcher(async (items: number[]) => {
      calls.push(items);
      if (items.includes(13)) throw Object.assign(new Error(`row 13 refused (batch of ${items.length})`), { code: "23505" });
      return items.map((n) => n + 1);
    });
    const results = await Promise.allSettled([run(1), run(13), run(2)]);
    expect(results).toEqual([
      { status: "fulfilled", value: 2 },
      { status: "rejected", reason: expect.objectContaining({ message: "row 13 refused (batch of 1)", code: "23505" }) },
      { status: "fulfilled", value: 3 },
    ]);
    expect(calls).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it("a batch whose connection was lost is not run again (it may have committed): every caller gets that error", async () => {
    for (const lost of [
      new Error("Connection terminated unexpectedly"),
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
      Object.assign(new Error("wrapped"), { cause: Object.assign(new Error("connection failure"), { code: "08006" }) }),
    ]) {
      const calls: number[][] = [];
      const run = batcher(async (items: number[]) => {
        calls.push(items);
        throw lost;
      });
      const results = await Promise.allSettled([run(1), run(2), run(3)]);
      expect(results.map((r) => (r.status === "rejected" ? r.reason : r.value))).toEqual([lost, lost, lost]);
      expect(calls, lost.message).toEqual([[1, 2, 3]]);
    }
    expect(refusedByDatabase(Object.assign(new Error("deadlock detected"), { code: "40P01" }))).toBe(true);
    expect(refusedByDatabase(Object.assign(new Error("drizzle"), { cause: Object.assign(new Error("dup"), { code: "23505" }) }))).toBe(true);
  });

  it("a flush that answers the wrong number of results fails its callers instead of mismatching them", async () => {
    const run = batcher(async (items: number[]) => items.slice(1));
    await expect(run(1)).rejects.toThrow("batch answered 0 results for 1 rows");
  });
});

describe("group commit on the create path", () => {
  let t: TestApp;
  let a: Merchant;
  let b: Merchant;
  beforeAll(async () => {
    t = await startTestApp();
    a = await createMerchant(t, "a");
    b = await createMerchant(t, "b");
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("30 concurrent creates in two apps share statements, and each has exactly its own rows", async () => {
    // Count the create's phase-1 statements as the driver receives them (the real client runs them).
    const client = (t.database.db as unknown as { $client: { query: (...args: unknown[]) => Promise<unknown> } }).$client;
    const query = client.query;
    let phaseOne = 0;
    // Statements a fresh create no longer needs: the key's claim (phase 1 claims it) and its
    // finish (phase 3 stores the answer).
    const keyStatements: string[] = [];
    client.query = function (this: unknown, ...args: unknown[]) {
      const first = args[0] as string | { text?: string };
      const text = typeof first === "string" ? first : (first?.text ?? "");
      if (text.startsWith("with kin as")) phaseOne++;
      if (/^(insert into|update) idempotency_keys|idempotency_keys k set response_status/.test(text) && !text.startsWith("with kin as")) {
        if (!text.includes("update payment_attempts")) keyStatements.push(text.slice(0, 60));
      }
      return query.apply(this, args);
    };
    const before = await scalar(t.database.db, sql`select coalesce(sum(count), 0)::int from payment_stats_daily`);
    const metricsBefore = (await t.call("GET", "/metrics")).text;
    // Each its own answer to store, with what JSON escapes (quotes, U+2028, a surrogate pair).
    const bodyOf = (i: number) => paymentBody("02", { amount: 1000 + i, description: `Order ${i} «é» "quoted" \u2028 \ud83d\ude00` });
    let created: Array<{
      status: number;
      text: string;
      body: { data: { id: string; amount: number; status: string } };
      merchant: Merchant;
      key: string;
    }>;
    try {
      created = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const merchant = i % 2 ? a : b;
          const key = `group-${i}`;
          const r = await t.call("POST", "/v1/payments", { token: merchant.sk, body: bodyOf(i), idempotencyKey: key });
          return { ...r, merchant, key };
        }),
      );
    } finally {
      client.query = query;
    }
    expect(created.map((c) => c.status)).toEqual(Array(30).fill(201));
    expect(phaseOne).toBeGreaterThan(0);
    expect(keyStatements).toEqual([]);
    // PostgreSQL: statements overlap on the pool, and creates arriving meanwhile share the next.
    // PGlite runs each statement to its end on this thread, so creates seldom meet there.
    if (onPostgres) expect(phaseOne).toBeLessThan(30);

    for (const c of created) {
      const id = c.body.data.id;
      expect(c.body.data.amount).toBe(1000 + Number(c.key.slice(6)));
      const [row] = await rows(
        t.database.db,
        sql`select p.app_id, p.amount::int as amount, p.status,
          (select count(*)::int from payment_attempts where payment_id = p.id and status = 'accepted') as attempts,
          (select count(*)::int from events e join webhook_jobs j on j.event_id = e.id where e.object_id = p.id and e.type = 'payment.created') as events,
          (select count(*)::int from sandbox_records s where s.id = (select provider_payment_id from payment_attempts where payment_id = p.id)) as sandbox,
          (select count(*)::int from idempotency_keys k where k.app_id = p.app_id and k.key = ${c.key}
             and k.resource_id = p.id and k.recovery_point = 'payment_created' and k.response_status = 201 and k.locked_at is null) as key_done
          from payments p where p.id = ${id}`,
      );
      expect(row).toEqual({
        app_id: c.merchant.appId,
        amount: 1000 + Number(c.key.slice(6)),
        status: c.body.data.status,
        attempts: 1,
        events: 1,
        sandbox: 1,
        key_done: 1,
      });
    }
    const after = await scalar(t.database.db, sql`select coalesce(sum(count), 0)::int from payment_stats_daily`);
    expect(after - before).toBe(30);

    // /metrics shows the group commit: 30 rows over the phase-1 statements counted above, each
    // statement timed; the sandbox's and phase 3's statements carry the same 30 creates.
    const metricsAfter = (await t.call("GET", "/metrics")).text;
    const added = (series: string, statement: string) => {
      const named = `${series}{statement="${statement}"}`;
      return metricValue(metricsAfter, named) - metricValue(metricsBefore, named);
    };
    expect(added("zerofee_db_batch_rows_sum", "payment_phase_one")).toBe(30);
    expect(added("zerofee_db_batch_rows_count", "payment_phase_one")).toBe(phaseOne);
    expect(added("zerofee_db_batch_duration_seconds_count", "payment_phase_one")).toBe(phaseOne);
    expect(added("zerofee_db_batch_duration_seconds_sum", "payment_phase_one")).toBeGreaterThan(0);
    expect(added("zerofee_db_batch_wait_seconds_count", "payment_phase_one")).toBe(phaseOne);
    expect(added("zerofee_db_batch_rows_sum", "sandbox_insert")).toBe(30);
    expect(added("zerofee_db_batch_rows_sum", "payment_accepted_open_answered")).toBe(30);
    expect(metricsAfter).not.toMatch(/^zerofee_db_batches_split_total\{/m);

    // Each stored answer replays byte for byte as it was sent to its own caller.
    const replays = await Promise.all(created.map((c, i) => t.call("POST", "/v1/payments", { token: c.merchant.sk, body: bodyOf(i), idempotencyKey: c.key })));
    for (const [i, replay] of replays.entries()) {
      expect(replay.status).toBe(201);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.text).toBe(created[i]?.text);
    }
  });

  it("the update phase 3 makes to a create's key and attempt is a HOT update: the page kept room for it (migration 0008)", async () => {
    // 40 creates' worth of keys and attempts as phase 1 writes them, then updated as phase 3
    // does (the key gains a sealed answer of ~850 B, a payment's as the bench measures it),
    // counted in the transaction and rolled back.
    const rollback = new Error("rollback");
    let counts: { keys: number; attempts: number } | undefined;
    await t.database.db
      .transaction(async (tx) => {
        const db = tx as unknown as typeof t.database.db;
        // This backend's counts not yet reported include earlier transactions': count the difference.
        const updates = async () =>
          (
            await rows(
              db,
              sql`select pg_stat_get_xact_tuples_updated('idempotency_keys'::regclass)::int as key_updates,
                pg_stat_get_xact_tuples_hot_updated('idempotency_keys'::regclass)::int as keys,
                pg_stat_get_xact_tuples_updated('payment_attempts'::regclass)::int as attempt_updates,
                pg_stat_get_xact_tuples_hot_updated('payment_attempts'::regclass)::int as attempts`,
            )
          )[0] as Record<string, number>;
        const before = await updates();
        await db.execute(sql`insert into idempotency_keys (id, app_id, livemode, key, method, path, fingerprint, locked_at, created_at, recovery_point, resource_id)
          select 'hot-key-' || i, ${a.appId}, false, 'hot-' || i, 'POST', '/v1/payments', repeat('f', 64), now(), now(), 'payment_created', 'pay_hot_' || i
          from generate_series(1, 40) i`);
        await db.execute(sql`insert into payment_attempts (id, payment_id, app_id, provider, provider_payment_id, status, data, created_at, updated_at)
          select 'hot-attempt-' || i, 'pay_hot_' || i, ${a.appId}, 'test', gen_random_uuid()::text, 'created', '{}', now(), now()
          from generate_series(1, 40) i`);
        await db.execute(sql`update idempotency_keys set response_status = 201, response_body = 'z.' || repeat(md5(id), 26), finished_at = now(), locked_at = null
          where id like 'hot-key-%'`);
        await db.execute(sql`update payment_attempts set status = 'accepted', provider_reference = gen_random_uuid()::text, data = '{"channel": "ussd"}', updated_at = now()
          where id like 'hot-attempt-%'`);
        const after = await updates();
        const row = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
        expect(row).toMatchObject({ key_updates: 40, attempt_updates: 40 });
        counts = { keys: row.keys ?? 0, attempts: row.attempts ?? 0 };
        throw rollback;
      })
      .catch((err) => {
        if (err !== rollback) throw err;
      });
    // Packed full (fillfactor 100), 0 of the 40 keys and 7 of the 40 attempts stayed on their
    // page; with the room kept, 35 and 34 (the rest began on a page earlier rows had filled).
    expect(counts?.keys).toBeGreaterThanOrEqual(30);
    expect(counts?.attempts).toBeGreaterThanOrEqual(30);
  });

  it("recordOf sends no NULLs, and PostgreSQL reads the row back exactly as stored", async () => {
    const created = await t.call("POST", "/v1/payments", { token: a.sk, body: paymentBody("02"), idempotencyKey: "record-of" });
    expect(created.status).toBe(201);
    const [payment] = await t.database.db.select().from(payments).where(eq(payments.id, created.body.data.id));
    if (!payment) throw new Error("payment not found");
    // A new payment has NULL columns (no reference, not settled, not completed…).
    expect(Object.values(payment).filter((v) => v === null).length).toBeGreaterThan(3);
    const record = recordOf(payments, payment);
    expect(Object.values(record).filter((v) => v === null || v === undefined)).toEqual([]);
    const [same] = await rows(
      t.database.db,
      sql`select (json_populate_record(null::payments, ${JSON.stringify(record)}::json))::text = (p.*)::text as same from payments p where p.id = ${payment.id}`,
    );
    expect(same).toEqual({ same: true });
  });

  it("one key sent twice at once: one create, the other refused while it runs or replayed after", async () => {
    const body = paymentBody("02", { amount: 777 });
    const both = await Promise.all([1, 2].map(() => t.call("POST", "/v1/payments", { token: a.sk, body, idempotencyKey: "twice-at-once" })));
    const statuses = both.map((r) => r.status).sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    const ids = new Set(both.filter((r) => r.status === 201).map((r) => r.body.data.id));
    expect(ids.size).toBe(1);
    expect(await scalar(t.database.db, sql`select count(*)::int from payments where app_id = ${a.appId} and amount = 777`)).toBe(1);
  });
});
