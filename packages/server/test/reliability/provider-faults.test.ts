/**
 * CF-4 provider faults at initiation (reference/reliability.md §5 C; SPEC §5): (a) the first
 * candidate is down → cascade with both attempts recorded, or a clean 503 when none is left;
 * (b) it is slower than the timeout, and (c) it accepts but its response is dropped by a TCP
 * proxy → no cascade (it may have accepted): the payment stays pending and reconciliation
 * settles it exactly once. Never two initiations for one payment unless the first provably
 * was not accepted. Candidates: `test_b` (first) and `test` (second), ../providers/registry.ts.
 */
import { connect, createServer, type Socket } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcilePayments } from "../../src/jobs/reconcile.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { testRegistry } from "../providers/registry.js";
import { eventCounts, scalar } from "./helpers.js";

/** Forwards TCP to the app; in `drop` mode the request gets through but the answer never comes back. */
async function responseDroppingProxy() {
  let target = 0;
  let drop = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, "127.0.0.1");
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.pipe(upstream);
    upstream.on("data", (chunk) => {
      if (drop) close();
      else client.write(chunk);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    setTarget: (port: number) => {
      target = port;
    },
    dropResponses: (on: boolean) => {
      drop = on;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let t: TestApp;
let m: Merchant;
let proxy: Awaited<ReturnType<typeof responseDroppingProxy>>;

beforeAll(async () => {
  proxy = await responseDroppingProxy();
  t = await startTestApp({
    providers: testRegistry(),
    env: {
      ZEROFEE_PROVIDER_TIMEOUT_MS: "800",
      ZEROFEE_RECONCILE_AFTER_S: "0",
      // test_b's calls go through the proxy; its simulator is still ZeroFee's own.
      ZEROFEE_PROVIDER_TEST_B_SANDBOX_URL: `http://127.0.0.1:${proxy.port}/sandbox/test_b`,
    },
  });
  proxy.setTarget(Number(new URL(t.url).port));
  m = await createMerchant(t, "cf4");
  const rules = await t.call("PUT", `/v1/apps/${m.appId}/routing`, {
    token: m.token,
    body: { mode: "test", rules: [{ payment_method: "PAYIN_ORANGE_CI", providers: ["test_b", "test"] }] },
  });
  expect(rules.status, rules.text).toBe(200);
});
afterAll(async () => {
  await t?.stop();
  await proxy?.close();
});

const control = (provider: string, body: Record<string, unknown>) => t.call("POST", `/sandbox/${provider}/_control`, { body });
const get = async (id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
/** How many payments each sandbox was asked to start for these provider-side ids. */
/** Every record the provider's sandbox holds: a second initiation anywhere shows here, whatever its id. */
const allRecords = (provider: string) => scalar(t.database.db, sql`select count(*)::int from sandbox_records where provider = ${provider}`);
const sandboxRecords = (provider: string, ids: string[]) =>
  scalar(
    t.database.db,
    sql`select count(*)::int from sandbox_records where provider = ${provider} and id in ${ids.length ? sql.raw(`('${ids.join("','")}')`) : sql.raw("('')")}`,
  );

/** Reconciles until the payment is final; returns it. */
async function settledByReconciliation(id: string) {
  return eventually(
    async () => {
      await reconcilePayments(t.app.ctx);
      const p = await get(id);
      return p.status === "completed" ? p : null;
    },
    15_000,
    200,
  );
}

describe("CF-4 provider faults at initiation", () => {
  it("CF-4 (a) first candidate down: cascade to the next with both attempts recorded; none left: clean 503 provider_unavailable", async () => {
    await control("test_b", { down: true });
    try {
      const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") });
      expect(res.status, res.text).toBe(201);
      expect(res.body.data.attempts.map((a: { provider: string; status: string }) => `${a.provider}:${a.status}`)).toEqual([
        "test_b:rejected",
        "test:accepted",
      ]);
      const ids = res.body.data.attempts.map((a: { provider_payment_id: string }) => a.provider_payment_id);
      expect(await sandboxRecords("test_b", ids)).toBe(0); // down: it kept nothing
      expect(await sandboxRecords("test", ids)).toBe(1);

      await control("test", { down: true });
      const none = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") });
      expect(none.status).toBe(503);
      expect(none.body).toMatchObject({ success: false, error: { code: "provider_unavailable" } });
    } finally {
      await control("test_b", { down: false });
      await control("test", { down: false });
    }
  });

  it("CF-4 (b) first candidate slower than the timeout: no cascade, payment pending, reconciliation completes it once", async () => {
    await control("test_b", { latency_ms: 2_000, drop_callbacks: true });
    let id = "";
    const atTestBefore = await allRecords("test");
    try {
      const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") });
      expect(res.status, res.text).toBe(201);
      id = res.body.data.id;
      expect(res.body.data).toMatchObject({ status: "pending", provider: "test_b" });
      expect(res.body.data.attempts.map((a: { provider: string; status: string }) => `${a.provider}:${a.status}`)).toEqual(["test_b:ambiguous"]);
      const ids = [res.body.data.attempts[0].provider_payment_id];
      expect(await allRecords("test")).toBe(atTestBefore); // never a second initiation elsewhere
      // The slow provider did take it, once its delay passed.
      await eventually(async () => (await sandboxRecords("test_b", ids)) === 1, 10_000, 100);
    } finally {
      await control("test_b", { latency_ms: 0 });
    }
    try {
      const done = await settledByReconciliation(id);
      expect(done.timeline.filter((e: { status: string }) => e.status === "completed")).toHaveLength(1);
      expect(done.timeline.at(-1).source).toBe("reconciliation");
      await reconcilePayments(t.app.ctx);
      expect(await eventCounts(t.database.db, id)).toEqual({ "payment.created": 1, "payment.completed": 1 });
    } finally {
      await control("test_b", { drop_callbacks: false });
    }
  });

  it("CF-4 (b) then the provider's own callback settles it: completed once, with the provider's reference it never answered at initiation", async () => {
    // `test` (ZeroFee's own simulator, whose callbacks verify) slower than the 800 ms timeout.
    await control("test", { latency_ms: 2_000 });
    let id = "";
    try {
      const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { provider: "test" }) });
      expect(res.status, res.text).toBe(201);
      id = res.body.data.id;
      expect(res.body.data).toMatchObject({ status: "pending", provider: "test", provider_reference: null });
      expect(res.body.data.attempts.map((a: { status: string }) => a.status)).toEqual(["ambiguous"]);
    } finally {
      await control("test", { latency_ms: 0 });
    }
    // No reconciliation here: the sandbox customer confirms and the provider calls back.
    const done = await eventually(async () => {
      const p = await get(id);
      return p.status === "completed" ? p : null;
    }, 15_000);
    expect(done.timeline.at(-1).source).toBe("provider_webhook");
    expect(done.provider_reference).toMatch(/\S/);
    expect(done.attempts.map((a: { status: string; provider_reference: string | null }) => [a.status, a.provider_reference])).toEqual([
      ["accepted", done.provider_reference],
    ]);
    expect(await eventCounts(t.database.db, id)).toEqual({ "payment.created": 1, "payment.completed": 1 });
  });

  it("CF-4 (c) first candidate accepts but its response is dropped (TCP proxy): no cascade, pending, reconciliation settles it exactly once", async () => {
    await control("test_b", { drop_callbacks: true });
    proxy.dropResponses(true);
    let id = "";
    const atTestBefore = await allRecords("test");
    try {
      const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") });
      expect(res.status, res.text).toBe(201);
      id = res.body.data.id;
      expect(res.body.data).toMatchObject({ status: "pending", provider: "test_b" });
      expect(res.body.data.attempts.map((a: { provider: string; status: string }) => `${a.provider}:${a.status}`)).toEqual(["test_b:ambiguous"]);
      const ids = [res.body.data.attempts[0].provider_payment_id];
      expect(await sandboxRecords("test_b", ids)).toBe(1); // it did accept
      expect(await allRecords("test")).toBe(atTestBefore); // and nothing was sent elsewhere
      // While answers are lost, reconciliation cannot know and changes nothing.
      await reconcilePayments(t.app.ctx);
      expect((await get(id)).status).toBe("pending");
    } finally {
      proxy.dropResponses(false);
    }
    try {
      const done = await settledByReconciliation(id);
      expect(done.timeline.map((e: { status: string; source: string }) => `${e.status}:${e.source}`)).toEqual(["pending:api", "completed:reconciliation"]);
      await reconcilePayments(t.app.ctx);
      expect(await eventCounts(t.database.db, id)).toEqual({ "payment.created": 1, "payment.completed": 1 });
    } finally {
      await control("test_b", { drop_callbacks: false });
    }
  });
});
