/**
 * GET /v1/stats (SPEC §10). Every expected figure is worked out by hand from the payments this
 * file makes; the last test checks the live rollup against a rebuild from the payments.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backfillStats } from "../../src/services/stats/rollup.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp, TestClock } from "../harness.js";
import { completedRefund, setFeePlan } from "../money.js";

let t: TestApp;
let m: Merchant;
let other: Merchant;
const clock = new TestClock(new Date("2026-05-18T09:00:00.000Z"));
/** Each payment made, with the status and provider it ended with (provider null while open). */
const made: Array<{ id: string; status: string; provider: string | null; amount: number }> = [];

async function pay(amount: number, opts: { ending?: string; status: string; xaf?: boolean }) {
  const body = opts.xaf ? { amount, payment_method: "PAYIN_MTN_CM", customer: { phone: "+237 6 70 00 00 00" } } : paymentBody(opts.ending ?? "00", { amount });
  const res = await t.call("POST", "/v1/payments", { token: m.sk, body });
  expect(res.status, res.text).toBe(201);
  const id: string = res.body.data.id;
  const p = await eventually(async () => {
    const got = (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
    return got.status === opts.status ? got : null;
  });
  if (!opts.xaf) made.push({ id, status: p.status, provider: p.provider, amount });
  return id;
}

const stats = (query = "", token = m.sk) => t.call("GET", `/v1/stats${query}`, { token });

beforeAll(async () => {
  t = await startTestApp({ clock });
  m = await createMerchant(t);
  other = await createMerchant(t, "other");
  // 1 % + 50 XOF, nothing fixed in XAF.
  await setFeePlan(t, m.appId, 100, { XOF: 50 });
  // 2026-05-18: two completed, one failed in XOF; one completed in XAF.
  const refunded = await pay(2000, { status: "completed" });
  await pay(1000, { status: "completed" });
  await pay(3000, { ending: "01", status: "failed" });
  await pay(500, { xaf: true, status: "completed" });
  // A completed refund of 500 XOF on the 2 000 payment.
  await completedRefund(t, refunded, 500, clock.now());
  // 2026-05-19, last millisecond: one completed, one left open (the customer never answers).
  clock.set(new Date("2026-05-19T23:59:59.999Z"));
  await pay(4000, { status: "completed" });
  await pay(800, { ending: "02", status: "requires_action" });
  // 2026-05-20: one cancelled by the merchant.
  clock.set(new Date("2026-05-20T08:00:00.000Z"));
  const cancelled = await pay(900, { ending: "02", status: "requires_action" });
  expect((await t.call("POST", `/v1/payments/${cancelled}/cancel`, { token: m.sk })).status).toBe(200);
  const after = (await t.call("GET", `/v1/payments/${cancelled}`, { token: m.sk })).body.data;
  const row = made.find((p) => p.id === cancelled);
  if (row) Object.assign(row, { status: after.status, provider: after.provider });
  for (const p of made) if (!["completed", "failed", "expired", "cancelled"].includes(p.status)) p.provider = null;
}, 120_000);
afterAll(() => t.stop());

// Worked out by hand: fees 50 + 1 % → 2 000: 70, 1 000: 60, 4 000: 90.
const XOF_TOTALS = {
  count: 6,
  completed_count: 3,
  failed_count: 1,
  success_rate: 3 / 5, // completed 3 of 5 ended (3 completed, 1 failed, 1 cancelled)
  volume: 7000,
  fee_amount: 220,
  refunded_amount: 500,
  net_amount: 7000 - 220 - 500,
};

describe("GET /v1/stats (SPEC §10)", () => {
  it("totals, every day zero-filled, per provider and per method, in the app's most used currency", async () => {
    const res = await stats("?from=2026-05-17&to=2026-05-21");
    expect(res.status, res.text).toBe(200);
    const d = res.body.data;
    expect(d.currency).toBe("XOF");
    expect(d.currencies).toEqual(["XAF"]);
    expect([d.from, d.to]).toEqual(["2026-05-17", "2026-05-21"]);
    expect(d.totals).toEqual(XOF_TOTALS);
    expect(d.by_day).toEqual([
      { date: "2026-05-17", count: 0, completed_count: 0, volume: 0 },
      { date: "2026-05-18", count: 3, completed_count: 2, volume: 3000 },
      { date: "2026-05-19", count: 2, completed_count: 1, volume: 4000 },
      { date: "2026-05-20", count: 1, completed_count: 0, volume: 0 },
      { date: "2026-05-21", count: 0, completed_count: 0, volume: 0 },
    ]);
    expect(d.by_method).toEqual([{ payment_method: "PAYIN_ORANGE_CI", ...XOF_TOTALS }]);
    // Per provider: the one that ended each payment; the open one under null.
    const providers = new Map<string | null, number>();
    for (const p of made) providers.set(p.provider, (providers.get(p.provider) ?? 0) + 1);
    expect(new Map(d.by_provider.map((r: { provider: string | null; count: number }) => [r.provider, r.count]))).toEqual(providers);
    expect(d.by_provider.find((r: { provider: string | null }) => r.provider === null)).toMatchObject({
      count: 1,
      completed_count: 0,
      volume: 0,
      success_rate: null,
    });
    const sum = (k: string) => d.by_provider.reduce((n: number, r: Record<string, number>) => n + (r[k] ?? 0), 0);
    for (const k of ["count", "completed_count", "failed_count", "volume", "fee_amount", "refunded_amount", "net_amount"]) expect(sum(k), k).toBe(d.totals[k]);
  });

  it("one currency at a time, never summed with another", async () => {
    const d = (await stats("?from=2026-05-18&to=2026-05-18&currency=XAF")).body.data;
    // 500 XAF, fee ceil(500 × 1 %) = 5.
    expect(d.totals).toEqual({
      count: 1,
      completed_count: 1,
      failed_count: 0,
      success_rate: 1,
      volume: 500,
      fee_amount: 5,
      refunded_amount: 0,
      net_amount: 495,
    });
    expect(d.currencies).toEqual(["XOF"]);
    const xof = (await stats("?from=2026-05-18&to=2026-05-18&currency=XOF")).body.data;
    expect(xof.totals).toMatchObject({ count: 3, volume: 3000, refunded_amount: 500 });
  });

  it("defaults to the last 30 days (today included), accepts ISO times, refuses more than 366 days or a reversed range", async () => {
    const d = (await stats()).body.data;
    expect([d.from, d.to]).toEqual(["2026-04-21", "2026-05-20"]);
    expect(d.by_day).toHaveLength(30);
    expect(d.totals).toEqual(XOF_TOTALS);
    const iso = (await stats(`?from=${encodeURIComponent("2026-05-19T23:00:00+00:00")}&to=2026-05-19`)).body.data;
    expect(iso.totals).toMatchObject({ count: 2, volume: 4000 });
    expect((await stats("?from=2025-05-19&to=2026-05-19")).status).toBe(200); // 366 days
    for (const q of ["?from=2025-05-18&to=2026-05-19", "?from=2026-05-20&to=2026-05-19"]) {
      const res = await stats(q);
      expect(res.status, q).toBe(400);
      expect(res.body.error).toMatchObject({ code: "validation_error", param: "from" });
    }
    expect((await stats("?currency=eur")).status).toBe(400);
  });

  it("is scoped to the caller's app and mode; the dashboard user reads it too; /v1/stats/providers still answers", async () => {
    for (const token of [other.sk, m.skLive]) {
      const d = (await stats("?from=2026-05-17&to=2026-05-21", token)).body.data;
      expect(d.currency).toBeNull();
      expect(d.totals.count).toBe(0);
    }
    const asUser = await t.call("GET", "/v1/stats?from=2026-05-17&to=2026-05-21", {
      token: m.token,
      headers: { "x-app-id": m.appId, "x-zerofee-mode": "test" },
    });
    expect(asUser.body.data.totals).toEqual(XOF_TOTALS);
    expect((await t.call("GET", "/v1/stats/providers", { token: m.sk })).status).toBe(200);
  });

  it("the rollup kept at each change equals one rebuilt from the payments (migration 0005's backfill)", async () => {
    const snapshot = async () =>
      (
        (await t.database.db.execute(sql`select * from payment_stats_daily where count <> 0 or refunded_amount <> 0 order by 1, 2, 3, 4, 5, 6`)) as unknown as {
          rows: unknown[];
        }
      ).rows;
    const live = await snapshot();
    expect(live.length).toBeGreaterThan(0);
    await t.database.db.execute(sql`delete from payment_stats_daily`);
    await backfillStats(t.database.db);
    expect(await snapshot()).toEqual(live);
  });
});
