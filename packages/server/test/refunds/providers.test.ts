/**
 * SPEC §10 with each provider's own refund call on its simulator: Stripe `POST /v1/refunds`
 * (payment intent), PayPal `POST /v2/payments/captures/{id}/refund`, PawaPay `POST /v2/refunds`.
 * Each refund completes after ZEROFEE_SANDBOX_CONFIRM_MS (by the provider's callback or
 * event; PayPal reports a failure only through its status call, which reconciliation makes);
 * an amount ending in 01 fails. Providers without a refund API answer 422 refund_not_supported.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcilePayments } from "../../src/jobs/reconcile.js";
import { CI_PHONE, createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { actOnSandbox } from "../providers/sandbox-page.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t);
});
afterAll(() => t.stop());

const urls = { success_url: "https://merchant.example/success", cancel_url: "https://merchant.example/cancel", error_url: "https://merchant.example/error" };
const get = async (path: string) => (await t.call("GET", path, { token: m.sk })).body.data;

type Provider = "stripe" | "paypal" | "pawapay";
const bodies: Record<Provider, (amount: number) => Record<string, unknown>> = {
  stripe: (amount) => ({ amount, currency: "EUR", payment_method: "PAYIN_CARD", provider: "stripe", ...urls }),
  paypal: (amount) => ({ amount, currency: "EUR", payment_method: "PAYIN_PAYPAL", provider: "paypal", ...urls }),
  pawapay: (amount) => ({ amount, payment_method: "PAYIN_MTN_CI", provider: "pawapay", customer: { phone: CI_PHONE("00").replace("07", "05") } }),
};

async function completed(provider: Provider, amount: number): Promise<string> {
  const res = await t.call("POST", "/v1/payments", { token: m.sk, body: bodies[provider](amount) });
  expect(res.status, res.text).toBe(201);
  expect(res.body.data.provider).toBe(provider);
  if (res.body.data.next_action?.type === "redirect") await actOnSandbox(res.body.data.next_action.redirect_url, new URL(t.url).origin, "approve");
  await eventually(async () => (await get(`/v1/payments/${res.body.data.id}`)).status === "completed");
  return res.body.data.id;
}

/** The refund once final: its provider's callback ends it; PayPal's failures, the status sweep. */
const settled = (id: string) =>
  eventually(async () => {
    const r = await get(`/v1/refunds/${id}`);
    if (r.status === "pending" && r.provider === "paypal") await reconcilePayments(t.app.ctx);
    return r.status !== "pending" ? r : null;
  });

describe.each(["stripe", "paypal", "pawapay"] as const)("%s refunds through its own refund call", (provider) => {
  it("10 000 refunded 3 000 then 7 000: two completed refunds, amount_refunded 10 000; then 1 more is 422", async () => {
    const paymentId = await completed(provider, 10_000);
    const first = await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: paymentId, amount: 3_000 } });
    expect(first.status, first.text).toBe(201);
    expect(first.body.data).toMatchObject({ status: "pending", provider, amount: 3_000 });
    const second = await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: paymentId } });
    expect(second.body.data.amount).toBe(7_000);
    for (const r of [first, second]) {
      const done = await settled(r.body.data.id);
      expect(done.status, JSON.stringify(done)).toBe("completed");
      expect(done.provider_refund_id).toEqual(expect.any(String));
    }
    const third = await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: paymentId, amount: 1 } });
    expect(third.status).toBe(422);
    expect(third.body.error).toMatchObject({ code: "refund_exceeds_payment", param: "amount" });
    const p = await get(`/v1/payments/${paymentId}`);
    expect(p.amount_refunded).toBe(10_000);
    expect(p.refunds.map((r: { status: string }) => r.status)).toEqual(["completed", "completed"]);
  });

  it("a refund of 1 001 fails at the provider: refund.failed, and the amount is free again", async () => {
    const paymentId = await completed(provider, 5_000);
    const res = await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: paymentId, amount: 1_001 } });
    expect(res.status, res.text).toBe(201);
    const failed = await settled(res.body.data.id);
    expect(failed.status).toBe("failed");
    expect(failed.failure_code).toEqual(expect.any(String));
    expect((await get(`/v1/payments/${paymentId}`)).amount_refunded).toBe(0);
    const { events } = await import("../../src/db/schema/index.js");
    const { eq } = await import("drizzle-orm");
    const types = (await t.database.db.select().from(events).where(eq(events.objectId, res.body.data.id))).map((e) => e.type).sort();
    expect(types).toEqual(["refund.created", "refund.failed"]);
  });
});

describe("providers without a refund API", () => {
  it.each([
    ["hub2", "PAYIN_MTN_CI"],
    ["paiementpro", "PAYIN_ORANGE_CI"],
    ["bui", "PAYIN_MTN_CI"],
  ])("%s: a completed payment answers 422 refund_not_supported, nothing written", async (provider, method) => {
    const res = await t.call("POST", "/v1/payments", {
      token: m.sk,
      body: { amount: 1_000, payment_method: method, provider, customer: { phone: CI_PHONE("00") }, ...urls },
    });
    expect(res.status, res.text).toBe(201);
    const id = res.body.data.id;
    if (res.body.data.next_action?.type === "redirect") await actOnSandbox(res.body.data.next_action.redirect_url, new URL(t.url).origin, "approve");
    await eventually(async () => (await get(`/v1/payments/${id}`)).status === "completed");
    const refund = await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: id } });
    expect(refund.status).toBe(422);
    expect(refund.body.error.code).toBe("refund_not_supported");
    expect((await t.call("GET", `/v1/refunds?payment_id=${id}`, { token: m.sk })).body.data).toEqual([]);
    expect((await get(`/v1/payments/${id}`)).amount_refunded).toBe(0);
  });
});
