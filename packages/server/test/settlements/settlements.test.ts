/**
 * Settlements (SPEC §10): periods per app, mode and currency, closed by the daily job at
 * 00:30 UTC; every figure below is worked out by hand from the payments this file makes.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, webhookJobs } from "../../src/db/schema/index.js";
import { JobRunner, periodicJobs } from "../../src/jobs/runner.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp, TestClock } from "../harness.js";
import { completedRefund, setFeePlan } from "../money.js";

let t: TestApp;
let m: Merchant;
let other: Merchant;
const clock = new TestClock(new Date("2026-03-10T10:00:00.000Z"));

beforeAll(async () => {
  t = await startTestApp({ clock });
  m = await createMerchant(t);
  other = await createMerchant(t, "other");
  // 1.5 % + 100 XOF (nothing fixed in XAF), set as the operator would.
  await setFeePlan(t, m.appId, 150, { XOF: 100 });
});
afterAll(() => t.stop());

const XAF = { payment_method: "PAYIN_MTN_CM", customer: { phone: "+237 6 70 00 00 00" } };

/** A payment made at the clock's time, waited on until it reaches `status` (completed at that same time). */
async function pay(amount: number, opts: { currency?: "XAF"; ending?: string; status?: string } = {}) {
  const body = opts.currency === "XAF" ? { amount, ...XAF } : paymentBody(opts.ending ?? "00", { amount });
  const res = await t.call("POST", "/v1/payments", { token: m.sk, body });
  expect(res.status, res.text).toBe(201);
  const id: string = res.body.data.id;
  await eventually(async () => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data.status === (opts.status ?? "completed"));
  return id;
}

async function settleJobAt(iso: string) {
  clock.set(new Date(iso));
  await new JobRunner(
    t.app.ctx,
    periodicJobs(t.app.ctx).filter((j) => j.name === "settle"),
  ).tick();
}

const list = async (query = "", token = m.sk) => t.call("GET", `/v1/settlements${query}`, { token });

describe("settlements (SPEC §10)", () => {
  let xofFirst: string[] = [];
  let xafPayment = "";
  let midnight = "";

  it("the daily job closes one period per currency: XOF and XAF never mix, a payment at 23:59:59.999 is in its day", async () => {
    xofFirst = [await pay(1500), await pay(2500)];
    await pay(3000, { ending: "01", status: "failed" });
    xafPayment = await pay(700, { currency: "XAF" });
    // A completed refund of 200 XAF on the XAF payment.
    await completedRefund(t, xafPayment, 200, clock.now());
    clock.set(new Date("2026-03-10T23:59:59.999Z"));
    xofFirst.push(await pay(1000));
    clock.set(new Date("2026-03-11T00:00:00.000Z"));
    midnight = await pay(4000);

    await settleJobAt("2026-03-11T00:29:00.000Z");
    // Before 00:30 the slot is the previous day's: it closes periods ending 2026-03-10 00:00,
    // where nothing had completed yet.
    expect((await list()).body.data).toEqual([]);

    await settleJobAt("2026-03-11T00:30:00.000Z");
    const all = (await list()).body.data;
    expect(all.map((s: { currency: string }) => s.currency).sort()).toEqual(["XAF", "XOF"]);
    const xof = all.find((s: { currency: string }) => s.currency === "XOF");
    const xaf = all.find((s: { currency: string }) => s.currency === "XAF");
    // Fees: 100 + ceil(1500 × 1.5 %) = 123; 100 + ceil(37.5) = 138; 100 + 15 = 115.
    expect(xof).toMatchObject({
      object: "settlement",
      livemode: false,
      period_start: "2026-03-10T10:00:00.000Z",
      period_end: "2026-03-11T00:00:00.000Z",
      count: 3,
      gross_amount: 5000,
      fee_amount: 376,
      refunded_amount: 0,
      net_amount: 4624,
      status: "paid",
    });
    expect(xof.id).toMatch(/^stl_/);
    // 700 XAF, fee ceil(10.5) = 11, refund 200.
    expect(xaf).toMatchObject({ count: 1, gross_amount: 700, fee_amount: 11, refunded_amount: 200, net_amount: 489 });

    const held = await t.call("GET", `/v1/settlements/${xof.id}/payments?limit=2`, { token: m.sk });
    expect(held.status).toBe(200);
    expect(held.body.has_more).toBe(true);
    const rest = await t.call("GET", `/v1/settlements/${xof.id}/payments?limit=2&cursor=${held.body.next_cursor}`, { token: m.sk });
    const ids = [...held.body.data, ...rest.body.data].map((p: { id: string }) => p.id);
    expect(ids.sort()).toEqual([...xofFirst].sort());
    expect(ids).not.toContain(midnight);

    // The refunds behind refunded_amount: listed by the settlement, each naming it.
    const deducted = await t.call("GET", `/v1/settlements/${xaf.id}/refunds`, { token: m.sk });
    expect(deducted.status, deducted.text).toBe(200);
    expect(
      deducted.body.data.map((r: { payment_id: string; amount: number; status: string; settlement_id: string }) => [
        r.payment_id,
        r.amount,
        r.status,
        r.settlement_id,
      ]),
    ).toEqual([[xafPayment, 200, "completed", xaf.id]]);
    expect(deducted.body.data.reduce((n: number, r: { amount: number }) => n + r.amount, 0)).toBe(xaf.refunded_amount);
    expect((await t.call("GET", `/v1/settlements/${xof.id}/refunds`, { token: m.sk })).body.data).toEqual([]);
    const byFilter = await t.call("GET", `/v1/refunds?settlement_id=${xaf.id}`, { token: m.sk });
    expect(byFilter.body.data.map((r: { id: string }) => r.id)).toEqual(deducted.body.data.map((r: { id: string }) => r.id));
    const onPayment = await t.call("GET", `/v1/payments/${xafPayment}`, { token: m.sk });
    expect(onPayment.body.data.refunds.map((r: { settlement_id: string }) => r.settlement_id)).toEqual([xaf.id]);
    expect((await t.call("GET", "/v1/settlements/stl_nope/refunds", { token: m.sk })).status).toBe(404);

    // One settlement.created per settlement, queued for webhook delivery in the same transaction.
    const created = await t.database.db.select().from(events).where(eq(events.type, "settlement.created"));
    expect(created.map((e) => e.objectId).sort()).toEqual([xaf.id, xof.id].sort());
    const jobs = await t.database.db
      .select()
      .from(webhookJobs)
      .where(eq(webhookJobs.eventId, created[0]?.id ?? ""));
    expect(jobs).toHaveLength(1);
    expect(created.find((e) => e.objectId === xof.id)?.data).toMatchObject({ id: xof.id, net_amount: 4624 });

    // Another worker on the same slot runs nothing.
    await settleJobAt("2026-03-11T09:00:00.000Z");
    expect((await list()).body.data).toHaveLength(2);
  });

  it("the next period starts where the previous ended and holds only what completed since; an empty one makes no settlement", async () => {
    await settleJobAt("2026-03-12T00:30:00.000Z");
    const all = (await list()).body.data;
    expect(all).toHaveLength(3);
    const [next] = all; // newest first
    expect(next).toMatchObject({
      currency: "XOF",
      period_start: "2026-03-11T00:00:00.000Z",
      period_end: "2026-03-12T00:00:00.000Z",
      count: 1,
      gross_amount: 4000,
      fee_amount: 160,
      net_amount: 3840,
    });
    const held = await t.call("GET", `/v1/settlements/${next.id}/payments`, { token: m.sk });
    expect(held.body.data.map((p: { id: string }) => p.id)).toEqual([midnight]);
    // Every completed payment is in exactly one settlement.
    const unsettled = await t.database.db.execute(
      sql`select count(*)::int as n from payments where app_id = ${m.appId} and status = 'completed' and settlement_id is null`,
    );
    expect((unsettled as unknown as { rows: Array<{ n: number }> }).rows[0]?.n).toBe(0);
  });

  it("filters by currency and creation time, pages with a cursor, and is scoped to app and mode (404 for others')", async () => {
    const xaf = await list("?currency=XAF");
    expect(xaf.body.data).toHaveLength(1);
    const page1 = await list("?limit=2");
    expect(page1.body.has_more).toBe(true);
    const page2 = await list(`?limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.has_more).toBe(false);
    const late = await list(`?created_from=${encodeURIComponent("2026-03-12T00:00:00.000Z")}`);
    expect(late.body.data).toHaveLength(1);
    const early = await list(`?created_to=${encodeURIComponent("2026-03-11T23:00:00.000Z")}`);
    expect(early.body.data).toHaveLength(2);

    const id = xaf.body.data[0].id;
    expect((await t.call("GET", `/v1/settlements/${id}`, { token: m.sk })).body.data.id).toBe(id);
    // The dashboard user, naming the app and mode.
    const asUser = await t.call("GET", `/v1/settlements/${id}`, { token: m.token, headers: { "x-app-id": m.appId, "x-zerofee-mode": "test" } });
    expect(asUser.status).toBe(200);
    for (const [token, label] of [
      [other.sk, "another app"],
      [m.skLive, "live mode"],
    ] as const) {
      const one = await t.call("GET", `/v1/settlements/${id}`, { token });
      expect(one.status, label).toBe(404);
      expect(one.body.error.code).toBe("not_found");
      expect((await t.call("GET", `/v1/settlements/${id}/payments`, { token })).status, label).toBe(404);
      expect((await list("", token)).body.data, label).toEqual([]);
    }
    expect((await list("?currency=xof")).status).toBe(400);
  });
});
