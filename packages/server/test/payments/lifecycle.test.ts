import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t);
});
afterAll(() => t.stop());

const getPayment = async (id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
const eventTypes = async (id: string) => {
  const { events } = await import("../../src/db/schema/index.js");
  const { eq } = await import("drizzle-orm");
  const rows = await t.database.db.select().from(events).where(eq(events.objectId, id));
  return rows.map((r) => r.type).sort();
};

describe("payment lifecycle with the test provider (SPEC §3, §14)", () => {
  it("X-ZeroFee-Latency leaves the provider's time out (SPEC §4): a 400 ms provider adds nothing to it", async () => {
    await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 400 } });
    try {
      const started = performance.now();
      const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02") });
      const wall = performance.now() - started;
      expect(res.status, res.text).toBe(201);
      expect(wall).toBeGreaterThanOrEqual(400);
      // What the caller waited, less the provider's 400 ms at least, bounds ZeroFee's own time.
      expect(Number(res.headers.get("x-zerofee-latency"))).toBeLessThanOrEqual(wall - 400 + 1);
    } finally {
      await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 0 } });
    }
  });

  it("…00 completes through the provider's signed callback, with timeline and events", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { reference: "order-1" }), idempotencyKey: "life-00" });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ status: "requires_action", amount: 1500, currency: "XOF", provider: "test", country: "CI", operator: "ORANGE" });
    expect(res.body.data.customer.phone).toBe("+2250700000000");
    expect(res.body.data.next_action).toEqual({ type: "ussd_push", instructions: expect.any(String) });
    expect(Number(res.headers.get("x-zerofee-latency"))).toBeGreaterThanOrEqual(0);
    const done = await eventually(async () => {
      const p = await getPayment(res.body.data.id);
      return p.status === "completed" ? p : null;
    });
    expect(done.timeline.map((e: { status: string; source: string }) => `${e.status}:${e.source}`)).toEqual([
      "pending:api",
      "requires_action:api",
      "completed:provider_webhook",
    ]);
    expect(done.fee_amount).toBe(0);
    expect(done.net_amount).toBe(1500);
    expect(done.completed_at).not.toBeNull();
    expect(await eventTypes(done.id)).toEqual(["payment.completed", "payment.created"]);
  });

  it("…01 fails (insufficient funds) and says why", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("01") });
    const failed = await eventually(async () => {
      const p = await getPayment(res.body.data.id);
      return p.status === "failed" ? p : null;
    });
    expect(failed.failure_message).toMatch(/insufficient/);
    expect(await eventTypes(failed.id)).toEqual(["payment.created", "payment.failed"]);
  });

  it("…03 needs an OTP: a wrong code is 422 invalid_otp, 123456 completes", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("03") });
    expect(res.body.data.next_action.type).toBe("otp");
    const wrong = await t.call("POST", `/v1/payments/${res.body.data.id}/authenticate`, { token: m.pk, body: { otp: "000000" } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe("invalid_otp");
    expect((await getPayment(res.body.data.id)).status).toBe("requires_action");
    const right = await t.call("POST", `/v1/payments/${res.body.data.id}/authenticate`, { token: m.pk, body: { otp: "123456" } });
    expect(right.status).toBe(200);
    expect(right.body.data).toEqual({ id: res.body.data.id, status: "completed", amount: 1500, currency: "XOF" });
  });

  it("…05: the only candidate answers 5xx and keeps nothing → 503 provider_unavailable, payment failed without a key", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("05") });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("provider_unavailable");
    expect(res.headers.get("retry-after")).not.toBeNull();
    const list = await t.call("GET", "/v1/payments?status=failed&limit=100", { token: m.sk });
    expect(list.body.data.some((p: { failure_code: string }) => p.failure_code === "provider_unavailable")).toBe(true);
  });

  it("…02 never answers: cancel asks the provider first, then cancels; a second cancel is 409", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02") });
    const cancel = await t.call("POST", `/v1/payments/${res.body.data.id}/cancel`, { token: m.sk });
    expect(cancel.status).toBe(200);
    expect(cancel.body.data.status).toBe("cancelled");
    const again = await t.call("POST", `/v1/payments/${res.body.data.id}/cancel`, { token: m.sk });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("payment_not_cancellable");
    expect(await eventTypes(res.body.data.id)).toEqual(["payment.cancelled", "payment.created"]);
  });

  it("a completed payment cannot be cancelled", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") });
    await eventually(async () => (await getPayment(res.body.data.id)).status === "completed");
    const cancel = await t.call("POST", `/v1/payments/${res.body.data.id}/cancel`, { token: m.sk });
    expect(cancel.status).toBe(409);
  });

  it("lists newest first with cursor pagination and filters", async () => {
    for (let i = 0; i < 5; i++) await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02", { reference: `page-${i}`, amount: 100 + i }) });
    const first = await t.call("GET", "/v1/payments?limit=2&amount_from=100&amount_to=104", { token: m.sk });
    expect(first.body.data.map((p: { reference: string }) => p.reference)).toEqual(["page-4", "page-3"]);
    expect(first.body.has_more).toBe(true);
    const second = await t.call("GET", `/v1/payments?limit=2&amount_from=100&amount_to=104&cursor=${first.body.next_cursor}`, { token: m.sk });
    expect(second.body.data.map((p: { reference: string }) => p.reference)).toEqual(["page-2", "page-1"]);
    const third = await t.call("GET", `/v1/payments?limit=2&amount_from=100&amount_to=104&cursor=${second.body.next_cursor}`, { token: m.sk });
    expect(third.body.data.map((p: { reference: string }) => p.reference)).toEqual(["page-0"]);
    expect(third.body.has_more).toBe(false);
    expect(third.body.next_cursor).toBeNull();
    const byRef = await t.call("GET", "/v1/payments?reference=page-3", { token: m.sk });
    expect(byRef.body.data).toHaveLength(1);
    const byPhone = await t.call("GET", `/v1/payments?customer_phone=${encodeURIComponent("+2250700000002")}&limit=100`, { token: m.sk });
    expect(byPhone.body.data.length).toBeGreaterThanOrEqual(5);
  });

  it("list filters as a merchant types them: a phone in national format or with 00, a day for created_from/created_to", async () => {
    const lm = await createMerchant(t, "filters");
    const made: Record<string, string> = {};
    const days = new Set<string>();
    for (const [ref, phone] of [
      ["ci", "+225 07 00 00 00 02"],
      ["ci-other", "+225 05 11 22 33 02"],
      ["sn", "+221 77 123 45 02"],
    ] as const) {
      const method = ref === "sn" ? "PAYIN_ORANGE_SN" : ref === "ci" ? "PAYIN_ORANGE_CI" : "PAYIN_MTN_CI";
      const r = await t.call("POST", "/v1/payments", { token: lm.sk, body: { amount: 1000, payment_method: method, customer: { phone }, reference: ref } });
      expect(r.status, r.text).toBe(201);
      made[ref] = r.body.data.id;
      days.add(String(r.body.data.created_at).slice(0, 10));
    }
    const refsFor = async (query: string) => {
      const r = await t.call("GET", `/v1/payments?${query}&limit=100`, { token: lm.sk });
      expect(r.status, r.text).toBe(200);
      return r.body.data.map((p: { reference: string }) => p.reference).sort();
    };
    for (const typed of ["+2250700000002", "002250700000002", "07 00 00 00 02", "0700000002", "+225 07 00 00 00 02"]) {
      expect(await refsFor(`customer_phone=${encodeURIComponent(typed)}`), typed).toEqual(["ci"]);
    }
    expect(await refsFor(`customer_phone=${encodeURIComponent("77 123 45 02")}`)).toEqual(["sn"]);
    expect(await refsFor("currency=XOF")).toEqual(["ci", "ci-other", "sn"]);
    expect(await refsFor("currency=EUR")).toEqual([]);
    expect((await t.call("GET", "/v1/payments?currency=xof", { token: lm.sk })).status).toBe(400);
    expect(await refsFor(`customer_phone=${encodeURIComponent("+2250500000002")}`)).toEqual([]);
    const bad = await t.call("GET", `/v1/payments?customer_phone=${encodeURIComponent("07%00")}`, { token: lm.sk });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe("customer_phone");
    // Days: created_from from the day's first instant, created_to through its last.
    // The day the payments were made (read from them, so a run across midnight UTC holds).
    if (days.size !== 1) return;
    const today = [...days][0] as string;
    const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(await refsFor(`created_from=${today}&created_to=${today}`)).toEqual(["ci", "ci-other", "sn"]);
    expect(await refsFor(`created_to=${yesterday}`)).toEqual([]);
    expect(await refsFor(`created_from=${today}T00:00:00Z`)).toEqual(["ci", "ci-other", "sn"]);
    for (const path of ["/v1/refunds", "/v1/events", "/v1/settlements"]) {
      const r = await t.call("GET", `${path}?created_from=${today}&created_to=${today}`, { token: lm.sk });
      expect(r.status, `${path}: ${r.text}`).toBe(200);
    }
    expect((await t.call("GET", `/v1/events?type=payment.created&created_to=${yesterday}`, { token: lm.sk })).body.data).toEqual([]);
    expect((await t.call("GET", "/v1/payments?created_from=2026-13-01", { token: lm.sk })).status).toBe(400);
  });

  it("a dashboard user reads the same payments with X-App-Id and the test mode", async () => {
    const res = await t.call("GET", "/v1/payments?limit=1", { token: m.token, headers: { "x-app-id": m.appId } });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    const live = await t.call("GET", "/v1/payments?limit=1", { token: m.token, headers: { "x-app-id": m.appId, "x-zerofee-mode": "live" } });
    expect(live.body.data).toHaveLength(0);
  });
});
