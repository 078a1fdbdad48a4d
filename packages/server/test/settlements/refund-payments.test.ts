/**
 * A settlement's refunds name their payment's `reference` and `payment_method` (SPEC §10), so
 * a refund is matched to its order even when its payment was settled in an earlier period —
 * the settlement's own payments do not hold it then.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobRunner, periodicJobs } from "../../src/jobs/runner.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp, TestClock } from "../harness.js";
import { completedRefund } from "../money.js";

let t: TestApp;
let m: Merchant;
let other: Merchant;
const clock = new TestClock(new Date("2026-04-01T10:00:00.000Z"));

beforeAll(async () => {
  t = await startTestApp({ clock });
  m = await createMerchant(t);
  other = await createMerchant(t, "other");
});
afterAll(() => t.stop());

async function pay(amount: number, extra: Record<string, unknown> = {}) {
  const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { amount, ...extra }) });
  expect(res.status, res.text).toBe(201);
  const id: string = res.body.data.id;
  await eventually(async () => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data.status === "completed");
  return id;
}

async function settleJobAt(iso: string) {
  clock.set(new Date(iso));
  await new JobRunner(
    t.app.ctx,
    periodicJobs(t.app.ctx).filter((j) => j.name === "settle"),
  ).tick();
}

describe("GET /v1/settlements/{id}/refunds", () => {
  it("gives each refund its payment's reference and payment_method, the payment settled in an earlier period", async () => {
    const early = await pay(5000, { reference: "order-early" });
    const bare = await pay(3000);
    await settleJobAt("2026-04-02T00:30:00.000Z");
    const [first] = (await t.call("GET", "/v1/settlements", { token: m.sk })).body.data;
    expect(first).toMatchObject({ count: 2, refunded_amount: 0 });

    // The next day: both payments are refunded in part, and one new payment completes.
    clock.set(new Date("2026-04-02T09:00:00.000Z"));
    const refundEarly = await completedRefund(t, early, 2000, clock.now());
    const refundBare = await completedRefund(t, bare, 500, clock.now());
    await pay(1000, { reference: "order-late" });
    await settleJobAt("2026-04-03T00:30:00.000Z");
    const [second] = (await t.call("GET", "/v1/settlements", { token: m.sk })).body.data;
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ count: 1, refunded_amount: 2500 });
    const held = (await t.call("GET", `/v1/settlements/${second.id}/payments`, { token: m.sk })).body.data.map((p: { id: string }) => p.id);
    expect(held).not.toContain(early);

    const res = await t.call("GET", `/v1/settlements/${second.id}/refunds`, { token: m.sk });
    expect(res.status, res.text).toBe(200);
    const byId = new Map(res.body.data.map((r: { id: string }) => [r.id, r]));
    expect(byId.get(refundEarly)).toMatchObject({
      object: "refund",
      payment_id: early,
      amount: 2000,
      settlement_id: second.id,
      payment_reference: "order-early",
      payment_method: "PAYIN_ORANGE_CI",
    });
    // A payment with no reference: null, not a missing field.
    expect(byId.get(refundBare)).toMatchObject({ payment_id: bare, payment_reference: null, payment_method: "PAYIN_ORANGE_CI" });

    // Paged: each page names its own refunds' payments.
    const page1 = await t.call("GET", `/v1/settlements/${second.id}/refunds?limit=1`, { token: m.sk });
    expect(page1.body.has_more).toBe(true);
    const page2 = await t.call("GET", `/v1/settlements/${second.id}/refunds?limit=1&cursor=${page1.body.next_cursor}`, { token: m.sk });
    const paged = [...page1.body.data, ...page2.body.data].map((r: { id: string; payment_reference: string | null }): [string, string | null] => [
      r.id,
      r.payment_reference,
    ]);
    expect(new Map(paged)).toEqual(
      new Map([
        [refundEarly, "order-early"],
        [refundBare, null],
      ]),
    );

    // The dashboard user sees the same; another app or mode sees nothing of it.
    const asUser = await t.call("GET", `/v1/settlements/${second.id}/refunds`, {
      token: m.token,
      headers: { "x-app-id": m.appId, "x-zerofee-mode": "test" },
    });
    expect(asUser.status).toBe(200);
    expect(asUser.body.data).toEqual(res.body.data);
    for (const token of [other.sk, m.skLive]) {
      expect((await t.call("GET", `/v1/settlements/${second.id}/refunds`, { token })).status).toBe(404);
    }
  });
});
