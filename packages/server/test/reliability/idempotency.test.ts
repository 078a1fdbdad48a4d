/**
 * Idempotency (reference/reliability.md §5 A, SPEC §4 "Idempotency-Key", §1.4 of the
 * reliability reference): replay, reuse, races, scope, what is stored, retention and format.
 * Real HTTP to the real app and to the `test` provider's sandbox (and, for live mode, to the
 * `test_live` provider's simulator through a loopback proxy); nothing mocked.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret } from "../../src/lib/crypto.js";
import { sealResponse } from "../../src/services/idempotency/finish.js";
import { reapIdempotencyKeys } from "../../src/services/idempotency/reap.js";
import { countSandboxRecords } from "../../src/services/sandbox/store.js";
import { createMerchant, eventually, type Merchant, onPostgres, paymentBody, startTestApp, type TestApp, TestClock } from "../harness.js";
import { recordingProxy } from "../providers/recording-proxy.js";
import { testRegistry } from "../providers/registry.js";
import { attemptsOf, countPayments, eventCounts, rows, sandboxControl, scalar } from "./helpers.js";

// One app for the file (a fresh PGlite costs seconds to migrate), but for IDEM-4's mode half,
// which needs a live provider and has its own. Its clock only moves in IDEM-6, which runs last.
let t: TestApp;
const clock = new TestClock(new Date("2030-01-01T00:00:00Z"));

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t?.stop());

const sandboxCount = () => countSandboxRecords(t.database.db, "test");

describe("A. idempotency", () => {
  it("IDEM-1 replay returns the stored response", async () => {
    const m = await createMerchant(t, "idem1");
    const before = await sandboxCount();
    const body = paymentBody("00", { reference: "idem-1" });
    const first = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-1-K" });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(first.body.data.id).toMatch(/^txn_/);
    // Let the sandbox complete it: replays must still be the stored answer, not the current state.
    await eventually(async () => (await t.call("GET", `/v1/payments/${first.body.data.id}`, { token: m.sk })).body.data.status === "completed");
    for (let i = 0; i < 3; i++) {
      const again = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-1-K" });
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.text).toBe(first.text);
      expect(JSON.stringify(again.body.data)).toBe(JSON.stringify(first.body.data));
      expect(again.body.data.id).toBe(first.body.data.id);
    }
    expect(await countPayments(t.database.db, m.appId)).toBe(1);
    expect(await sandboxCount()).toBe(before + 1);
  });

  it("IDEM-2 key reused with a different body or path → 409 idempotency_key_reused, no side effect", async () => {
    const m = await createMerchant(t, "idem2");
    const body = paymentBody("02", { reference: "idem-2" });
    const first = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-2-K" });
    expect(first.status).toBe(201);
    const id = first.body.data.id;
    const stored = (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).text;
    const sandboxBefore = await sandboxCount();

    const otherAmount = await t.call("POST", "/v1/payments", { token: m.sk, body: { ...body, amount: 2500 }, idempotencyKey: "idem-2-K" });
    expect(otherAmount.status).toBe(409);
    expect(otherAmount.body.error.code).toBe("idempotency_key_reused");
    expect(otherAmount.body.error.request_id).toEqual(expect.any(String));

    // Same key on another path: the cancel must not happen (the payment is cancellable).
    const otherPath = await t.call("POST", `/v1/payments/${id}/cancel`, { token: m.sk, idempotencyKey: "idem-2-K" });
    expect(otherPath.status).toBe(409);
    expect(otherPath.body.error.code).toBe("idempotency_key_reused");

    expect(await countPayments(t.database.db, m.appId)).toBe(1);
    expect(await sandboxCount()).toBe(sandboxBefore);
    expect((await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).text).toBe(stored);
    expect(await eventCounts(t.database.db, id)).toEqual({ "payment.created": 1 });
    const replay = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-2-K" });
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
    // The payment was cancellable all along: only the reused key was refused.
    expect((await t.call("POST", `/v1/payments/${id}/cancel`, { token: m.sk })).status).toBe(200);
  });

  it.skipIf(!onPostgres)("IDEM-3 concurrent burst, one winner (PostgreSQL only: PGlite is one connection)", async () => {
    const m = await createMerchant(t, "idem3");
    const before = await sandboxCount();
    const body = JSON.stringify(paymentBody("02", { reference: "idem-3" }));
    // Plain fetch: 30 requests in flight at once each take their own keep-alive socket.
    const answers = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const res = await fetch(`${t.url}/v1/payments`, {
          method: "POST",
          headers: { authorization: `Bearer ${m.sk}`, "content-type": "application/json", "idempotency-key": "idem-3-K" },
          body,
        });
        const text = await res.text();
        return { status: res.status, replayed: res.headers.get("idempotent-replayed") === "true", body: JSON.parse(text), text };
      }),
    );
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const winners = answers.filter((a) => a.status === 201 && !a.replayed);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    for (const a of answers) {
      if (a === winner) continue;
      if (a.status === 201) {
        expect(a.replayed).toBe(true);
        expect(a.text).toBe(winner.text);
      } else {
        expect(a.status).toBe(409);
        expect(a.body.error.code).toBe("idempotency_key_in_use");
      }
    }
    expect(await countPayments(t.database.db, m.appId)).toBe(1);
    expect(await eventCounts(t.database.db, winner.body.data.id)).toEqual({ "payment.created": 1 });
    expect(await attemptsOf(t.database.db, winner.body.data.id)).toHaveLength(1);
    expect(await sandboxCount()).toBe(before + 1);
  });

  it("IDEM-4 scope by app: the same key from app A and app B makes 2 payments, each replays its own", async () => {
    const a = await createMerchant(t, "idem4a");
    const b = await createMerchant(t, "idem4b");
    const body = paymentBody("02", { reference: "idem-4" });
    const fromA = await t.call("POST", "/v1/payments", { token: a.sk, body, idempotencyKey: "idem-4-K" });
    const fromB = await t.call("POST", "/v1/payments", { token: b.sk, body, idempotencyKey: "idem-4-K" });
    expect(fromA.status).toBe(201);
    expect(fromB.status).toBe(201);
    expect(fromB.headers.get("idempotent-replayed")).toBeNull();
    expect(fromB.body.data.id).not.toBe(fromA.body.data.id);
    expect(fromB.body.data.app_id).toBe(b.appId);
    expect(await countPayments(t.database.db, a.appId)).toBe(1);
    expect(await countPayments(t.database.db, b.appId)).toBe(1);
    // Each app's replay is its own, byte for byte; A's stored answer never reaches B.
    for (const [m, own, other] of [
      [b, fromB, fromA],
      [a, fromA, fromB],
    ] as const) {
      const replay = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-4-K" });
      expect(replay.status).toBe(201);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.text).toBe(own.text);
      expect(replay.text).not.toContain(other.body.data.id);
    }
    expect(await countPayments(t.database.db, a.appId)).toBe(1);
    expect(await countPayments(t.database.db, b.appId)).toBe(1);
    // The mode half (sk_test and sk_live of one app) needs a live provider: see the next describe.
  });

  it("IDEM-5 what is and isn't saved: 400 not stored, 503 resumed, 422 replayed", async () => {
    const m = await createMerchant(t, "idem5");
    const db = t.database.db;

    // (a) An invalid body (schema, then a semantic 400 raised after the key was claimed) is
    // not an answer: the same key then creates the payment.
    const badSchema = await t.call("POST", "/v1/payments", { token: m.sk, body: { ...paymentBody("02"), amount: "1500" }, idempotencyKey: "idem-5a" });
    expect(badSchema.status).toBe(400);
    const badMethod = await t.call("POST", "/v1/payments", {
      token: m.sk,
      body: paymentBody("02", { payment_method: "PAYIN_NOPE_CI" }),
      idempotencyKey: "idem-5a",
    });
    expect(badMethod.status).toBe(400);
    expect(badMethod.body.error.param).toBe("payment_method");
    const good = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02", { reference: "idem-5a" }), idempotencyKey: "idem-5a" });
    expect(good.status).toBe(201);
    expect(good.headers.get("idempotent-replayed")).toBeNull();
    expect(await countPayments(db, m.appId)).toBe(1);

    // (b) Every candidate down → 503, nothing stored; the retry resumes the same payment.
    const body = paymentBody("00", { reference: "idem-5b" });
    const sandboxBefore = await sandboxCount();
    await sandboxControl(t, { down: true });
    let down: Awaited<ReturnType<TestApp["call"]>>;
    try {
      down = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-5b" });
    } finally {
      await sandboxControl(t, { down: false });
    }
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe("provider_unavailable");
    expect(down.headers.get("retry-after")).not.toBeNull();
    const retried = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-5b" });
    expect(retried.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(await countPayments(db, m.appId)).toBe(2);
    expect(await sandboxCount()).toBe(sandboxBefore + 1);
    const attempts = await attemptsOf(db, retried.body.data.id);
    expect(attempts.map((a) => a.status)).toEqual(["rejected", "accepted"]);
    expect(await eventCounts(db, retried.body.data.id)).toEqual({ "payment.created": 1 });
    const completed = await eventually(async () => {
      const p = (await t.call("GET", `/v1/payments/${retried.body.data.id}`, { token: m.sk })).body.data;
      return p.status === "completed" ? p : null;
    });
    expect(completed.id).toBe(retried.body.data.id);

    // (c) A business-rule answer (422) is stored and replayed as is.
    const forced = paymentBody("02", { reference: "idem-5c", provider: "no-such-provider" });
    const rule = await t.call("POST", "/v1/payments", { token: m.sk, body: forced, idempotencyKey: "idem-5c" });
    expect(rule.status).toBe(422);
    const ruleAgain = await t.call("POST", "/v1/payments", { token: m.sk, body: forced, idempotencyKey: "idem-5c" });
    expect(ruleAgain.status).toBe(422);
    expect(ruleAgain.headers.get("idempotent-replayed")).toBe("true");
    expect(ruleAgain.text).toBe(rule.text);
    expect(await countPayments(db, m.appId)).toBe(2);
  });
  it("IDEM-5 stored answers with a secret are sealed (no client secret in the database), a payment's is kept as is, the replay shows them, answers stored by earlier versions replay as they were", async () => {
    const m = await createMerchant(t, "idem5s");
    const session = await t.call("POST", "/v1/checkout/sessions", {
      token: m.sk,
      body: { amount: 2500, currency: "XOF", reference: "idem-5-sealed", success_url: "http://127.0.0.1:9/ok" },
      idempotencyKey: "idem-5-session",
    });
    expect(session.status, session.text).toBe(201);
    const secret = session.body.data.client_secret as string;
    const payment = await t.call("POST", "/v1/payments", {
      token: m.sk,
      body: paymentBody("00", { reference: "idem-5-phone" }),
      idempotencyKey: "idem-5-phone",
    });
    expect(payment.status).toBe(201);
    const stored = await rows(t.database.db, sql`select id, key, response_body from idempotency_keys where app_id = ${m.appId} order by key`);
    expect(stored).toHaveLength(2);
    const sessionRow = stored.find((r) => r.key === "idem-5-session");
    // Deflated, then sealed: the answer stays inside its row (no TOAST).
    expect(sessionRow?.response_body).toMatch(/^z\.v1\./);
    expect(String(sessionRow?.response_body).length).toBeLessThan(session.text.length);
    expect(sessionRow?.response_body).not.toContain(secret);
    expect(sessionRow?.response_body).not.toContain("client_secret");
    // A payment's answer is kept as sent: what it holds, its own rows hold in clear.
    const paymentKey = stored.find((r) => r.key === "idem-5-phone");
    expect(paymentKey?.response_body).toBe(payment.text);
    const [own] = await rows(t.database.db, sql`select customer, next_action from payments where id = ${payment.body.data.id}`);
    expect(own?.customer).toEqual(payment.body.data.customer);
    expect(own?.next_action).toEqual(payment.body.data.next_action);
    const replay = await t.call("POST", "/v1/checkout/sessions", {
      token: m.sk,
      body: { amount: 2500, currency: "XOF", reference: "idem-5-sealed", success_url: "http://127.0.0.1:9/ok" },
      idempotencyKey: "idem-5-session",
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.text).toBe(session.text);
    expect(replay.body.data.client_secret).toBe(secret);

    // Answers earlier versions stored — deflated and sealed, or sealed without deflating — still replay.
    const earlier = [
      sealResponse(t.app.ctx, String(paymentKey?.id), payment.text),
      encryptSecret(t.app.ctx.config.masterKey, payment.text, `${paymentKey?.id}|idempotent-response`),
    ];
    for (const body of earlier) {
      await t.database.db.execute(sql`update idempotency_keys set response_body = ${body} where app_id = ${m.appId} and key = 'idem-5-phone'`);
      const replayed = await t.call("POST", "/v1/payments", {
        token: m.sk,
        body: paymentBody("00", { reference: "idem-5-phone" }),
        idempotencyKey: "idem-5-phone",
      });
      expect(replayed.headers.get("idempotent-replayed")).toBe("true");
      expect(replayed.text).toBe(payment.text);
    }
  });
});

describe("A. idempotency: scope by mode (a live provider configured)", () => {
  // Live mode routes only to a provider the app has credentials for (SPEC §5), so this app has
  // the `test_live` provider (test/providers/registry.ts). Its live base URL is overridden
  // (ZEROFEE_PROVIDER_TEST_LIVE_URL) to a loopback proxy that forwards to ZeroFee's own
  // simulator for it: a live create really succeeds, and nothing leaves 127.0.0.1.
  let lt: TestApp;
  let m: Merchant;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  beforeAll(async () => {
    proxy = await recordingProxy();
    lt = await startTestApp({ providers: testRegistry(), env: { ZEROFEE_PROVIDER_TEST_LIVE_URL: proxy.url } });
    proxy.forwardTo(`${lt.url}/sandbox/test_live`);
    m = await createMerchant(lt, "idem4-mode");
    const credentials = { api_key: "prov_live_idem4", webhook_secret: lt.app.ctx.providers.sandboxSecret("test_live") };
    const put = await lt.call("PUT", `/v1/apps/${m.appId}/providers/test_live`, { token: m.token, body: { mode: "live", credentials } });
    expect(put.status, put.text).toBe(200);
  });
  afterAll(async () => {
    await lt?.stop();
    await proxy?.close();
  });

  const create = (token: string, key: string, body: Record<string, unknown>) => lt.call("POST", "/v1/payments", { token, body, idempotencyKey: key });
  const liveInitiations = () => proxy.seen.filter((s) => s.method === "POST" && s.path === "/v1/collections").length;
  const statusOf = async (id: string, token: string) => (await lt.call("GET", `/v1/payments/${id}`, { token })).body.data.status;

  it("IDEM-4 scope by mode: the same key with sk_test and sk_live makes 2 payments, each mode replays its own stored 201, in either order", async () => {
    const db = lt.database.db;
    const body = paymentBody("00", { reference: "idem-4-mode" });

    /** A first answer: 201, not a replay, a payment of the key's mode. */
    const fresh = async (live: boolean, key: string) => {
      const res = await create(live ? m.skLive : m.sk, key, body);
      expect(res.status, res.text).toBe(201);
      expect(res.headers.get("idempotent-replayed")).toBeNull();
      expect(res.body.data).toMatchObject({ livemode: live, app_id: m.appId, ...(live ? { provider: "test_live" } : {}) });
      return res;
    };
    // Test first, then live, with the same key K.
    const testK = await fresh(false, "idem-4-K");
    const liveK = await fresh(true, "idem-4-K");
    expect(liveK.body.data.id).not.toBe(testK.body.data.id);
    expect(liveInitiations()).toBe(1); // the live provider (its loopback stand-in) really was called
    // Live first, then test, with another key L.
    const liveL = await fresh(true, "idem-4-L");
    const testL = await fresh(false, "idem-4-L");
    expect(testL.body.data.id).not.toBe(liveL.body.data.id);

    // A key of one mode does not bind the other's body: M with another amount in live is a new payment, not a 409.
    const testM = await create(m.sk, "idem-4-M", body);
    const liveM = await create(m.skLive, "idem-4-M", { ...body, amount: 2500 });
    expect(testM.status).toBe(201);
    expect(liveM.status, liveM.text).toBe(201);
    expect(liveM.headers.get("idempotent-replayed")).toBeNull();
    expect(liveM.body.data).toMatchObject({ livemode: true, amount: 2500 });

    const answers = [
      { token: m.sk, key: "idem-4-K", own: testK, other: liveK },
      { token: m.skLive, key: "idem-4-K", own: liveK, other: testK },
      { token: m.skLive, key: "idem-4-L", own: liveL, other: testL },
      { token: m.sk, key: "idem-4-L", own: testL, other: liveL },
    ];
    const ids = new Set([...answers.map((x) => x.own.body.data.id), testM.body.data.id, liveM.body.data.id]);
    expect(ids.size).toBe(6);
    expect(await countPayments(db, m.appId)).toBe(6);
    const initiationsBefore = liveInitiations();

    // Let every payment complete: a replay must be the stored answer, not the current state.
    for (const x of answers) await eventually(async () => (await statusOf(x.own.body.data.id, x.token)) === "completed");
    for (let i = 0; i < 2; i++) {
      for (const x of answers) {
        const again = await create(x.token, x.key, body);
        expect(again.status).toBe(201);
        expect(again.headers.get("idempotent-replayed")).toBe("true");
        expect(again.text).toBe(x.own.text);
        expect(again.text).not.toContain(x.other.body.data.id);
      }
    }
    // Replays made nothing: no payment, no live provider call.
    expect(await countPayments(db, m.appId)).toBe(6);
    expect(liveInitiations()).toBe(initiationsBefore);
    for (const id of ids) expect(await eventCounts(db, id)).toMatchObject({ "payment.created": 1 });

    // One key per mode, each bound to its own mode's payment.
    const keys = await rows(
      db,
      sql`select k.livemode, k.key, k.resource_id, p.livemode as payment_livemode from idempotency_keys k join payments p on p.id = k.resource_id
        where k.app_id = ${m.appId} order by k.livemode, k.key`,
    );
    expect(keys.map((k) => `${k.livemode}:${k.key}:${k.payment_livemode}`)).toEqual([
      "false:idem-4-K:false",
      "false:idem-4-L:false",
      "false:idem-4-M:false",
      "true:idem-4-K:true",
      "true:idem-4-L:true",
      "true:idem-4-M:true",
    ]);
    const byKey = (livemode: boolean, key: string) => keys.find((k) => k.livemode === livemode && k.key === key)?.resource_id;
    expect(byKey(false, "idem-4-K")).toBe(testK.body.data.id);
    expect(byKey(true, "idem-4-K")).toBe(liveK.body.data.id);
    expect(byKey(true, "idem-4-L")).toBe(liveL.body.data.id);
    expect(byKey(false, "idem-4-L")).toBe(testL.body.data.id);
  });
});

describe("A. idempotency: retention, reaper and key format (injected clock)", () => {
  let c: TestApp;
  let m: Merchant;
  beforeAll(async () => {
    c = t;
    m = await createMerchant(c, "idem6");
  });

  const keyRow = (key: string) => rows(c.database.db, sql`select key, locked_at, finished_at from idempotency_keys where app_id = ${m.appId} and key = ${key}`);

  it("IDEM-6 retention: replay at 23h59m, reaper spares locked keys, a reaped key starts a new request", async () => {
    const HOUR = 3_600_000;
    const body = paymentBody("02", { reference: "idem-6" });
    const first = await c.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-6-K" });
    expect(first.status).toBe(201);

    // A second request stays in flight (slow provider) while time passes: its key is locked.
    await sandboxControl(c, { latency_ms: 2500 });
    const inFlight = c.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02", { reference: "idem-6-slow" }), idempotencyKey: "idem-6-slow" });
    await eventually(async () => (await keyRow("idem-6-slow")).length === 1);

    clock.advance(23 * HOUR + 59 * 60_000);
    const replay = await c.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-6-K" });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.data.id).toBe(first.body.data.id);
    expect(await reapIdempotencyKeys(c.app.ctx)).toBe(0);

    clock.advance(2 * 60_000); // 24 h 01 min after both keys were created
    // Every other test's key in this file is finished and as old: all of them go too.
    expect(await reapIdempotencyKeys(c.app.ctx)).toBeGreaterThanOrEqual(1);
    expect(await keyRow("idem-6-K")).toHaveLength(0);
    const locked = await keyRow("idem-6-slow");
    expect(locked).toHaveLength(1);
    expect(locked[0].locked_at).not.toBeNull();

    await sandboxControl(c, { latency_ms: 0 });
    const slow = await inFlight;
    expect(slow.status).toBe(201);
    // Finished now, and past retention: the next run reaps it.
    expect(await reapIdempotencyKeys(c.app.ctx)).toBe(1);
    expect(await keyRow("idem-6-slow")).toHaveLength(0);

    const fresh = await c.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-6-K" });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
    expect(fresh.body.data.id).not.toBe(first.body.data.id);
    expect(await countPayments(c.database.db, m.appId)).toBe(3);
  });

  it("IDEM-6 key format: 1..255 visible ASCII, quoted sf-string == bare, GET ignores the key", async () => {
    const body = paymentBody("02", { reference: "idem-6-format" });
    const before = await countPayments(c.database.db, m.appId);
    for (const bad of ["k".repeat(256), "", '""', "has space", "caf\u00e9"]) {
      const res = await c.call("POST", "/v1/payments", { token: m.sk, body, headers: { "idempotency-key": bad } });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe("invalid_idempotency_key");
      expect(res.body.error.request_id).toEqual(expect.any(String));
    }
    expect(await countPayments(c.database.db, m.appId)).toBe(before);

    const longest = "k".repeat(255);
    const ok255 = await c.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: longest });
    expect(ok255.status).toBe(201);

    const quoted = await c.call("POST", "/v1/payments", { token: m.sk, body, headers: { "idempotency-key": '"idem-6-sf"' } });
    expect(quoted.status).toBe(201);
    expect(quoted.body.data.id).not.toBe(ok255.body.data.id);
    const bare = await c.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "idem-6-sf" });
    expect(bare.status).toBe(201);
    expect(bare.headers.get("idempotent-replayed")).toBe("true");
    expect(bare.body.data.id).toBe(quoted.body.data.id);
    expect(await keyRow('"idem-6-sf"')).toHaveLength(0);
    expect(await keyRow("idem-6-sf")).toHaveLength(1);

    // GET: the key is neither parsed (an invalid one is fine), stored, nor replayed.
    const keysBefore = await scalar(c.database.db, sql`select count(*)::int from idempotency_keys where app_id = ${m.appId}`);
    for (const key of ["k".repeat(300), "idem-6-sf"]) {
      const get = await c.call("GET", `/v1/payments/${quoted.body.data.id}`, { token: m.sk, headers: { "idempotency-key": key } });
      expect(get.status).toBe(200);
      expect(get.headers.get("idempotent-replayed")).toBeNull();
      expect(get.body.data.id).toBe(quoted.body.data.id);
    }
    expect(await scalar(c.database.db, sql`select count(*)::int from idempotency_keys where app_id = ${m.appId}`)).toBe(keysBefore);
    expect(await countPayments(c.database.db, m.appId)).toBe(before + 2);
  });
});
