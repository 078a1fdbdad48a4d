/**
 * Refunds over HTTP with the `test` provider (SPEC §10): full and partial, never above what is
 * left, the payment's `amount_refunded` and `refunds`, signed `refund.*` webhooks, the errors,
 * Idempotency-Key, filters and pagination, tenant isolation.
 */
import { signPayload } from "@zerofee/providers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { rows } from "../reliability/helpers.js";
import { setEndpoint, zeroFeeSignatureValid } from "../webhooks/helpers.js";
import { type Receiver, receiverPool } from "../webhooks/receiver.js";
import { completedPayment, settledRefund } from "./helpers.js";

let t: TestApp;
let m: Merchant;
let other: Merchant;
let hooks: Receiver;
let secret: string;
const receivers = receiverPool();

beforeAll(async () => {
  t = await startTestApp({ workers: true });
  m = await createMerchant(t);
  other = await createMerchant(t, "other");
  hooks = await receivers.start();
  secret = await setEndpoint(t, m, hooks.url);
});
afterAll(async () => {
  await t.stop();
  await receivers.closeAll();
});

const refund = (body: Record<string, unknown>, token = m.sk, idempotencyKey?: string) =>
  t.call("POST", "/v1/refunds", { token, body, ...(idempotencyKey ? { idempotencyKey } : {}) });

/** refund.* deliveries the merchant's endpoint got for one refund, each checked against the secret. */
const deliveredFor = (refundId: string) =>
  hooks.received
    .filter((r) => JSON.parse(r.body).data?.id === refundId)
    .map((r) => ({ type: JSON.parse(r.body).type as string, signed: zeroFeeSignatureValid(r, secret) }));

describe("refunds (SPEC §10)", () => {
  it("10 000 XOF refunded 3 000 then 7 000: two completed refunds, amount_refunded 10 000, then nothing is left", async () => {
    const paymentId = await completedPayment(t, m, 10_000);
    const first = await refund({ payment_id: paymentId, amount: 3_000, reason: "requested_by_customer" });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({
      object: "refund",
      payment_id: paymentId,
      amount: 3_000,
      currency: "XOF",
      status: "pending",
      reason: "requested_by_customer",
      provider: "test",
    });
    expect(first.body.data.id).toMatch(/^re_/);
    const second = await refund({ payment_id: paymentId });
    expect(second.status).toBe(201);
    expect(second.body.data.amount).toBe(7_000);
    expect(second.body.data.reason).toBeNull();
    for (const r of [first, second]) {
      const done = await settledRefund(t, m, r.body.data.id);
      expect(done.status).toBe("completed");
      expect(done.completed_at).not.toBeNull();
      expect(done.provider_refund_id).toMatch(/^tref_/);
    }
    const third = await refund({ payment_id: paymentId, amount: 1 });
    expect(third.status).toBe(422);
    expect(third.body.error).toMatchObject({ code: "refund_exceeds_payment", param: "amount" });
    // What is left, in the payment's currency, not only a bare number of minor units.
    expect(third.body.error.message).toContain("0 in minor units (0 XOF)");
    const p = (await t.call("GET", `/v1/payments/${paymentId}`, { token: m.sk })).body.data;
    expect(p.amount_refunded).toBe(10_000);
    expect(p.refunds.map((r: { amount: number; status: string }) => `${r.amount}:${r.status}`)).toEqual(["3000:completed", "7000:completed"]);
    // The merchant's endpoint heard both, signed, created before completed.
    for (const r of [first, second]) {
      const got = await eventually(async () => {
        const d = deliveredFor(r.body.data.id);
        return d.length >= 2 ? d : null;
      });
      expect(got).toEqual([
        { type: "refund.created", signed: true },
        { type: "refund.completed", signed: true },
      ]);
    }
  });

  it("an amount ending in 01 fails at the provider: refund.failed, and its amount can be refunded again", async () => {
    const paymentId = await completedPayment(t, m, 5_000);
    const res = await refund({ payment_id: paymentId, amount: 1_001 });
    expect(res.status).toBe(201);
    const failed = await settledRefund(t, m, res.body.data.id);
    expect(failed).toMatchObject({ status: "failed", failure_code: "refund_failed" });
    expect(failed.completed_at).toBeNull();
    expect((await t.call("GET", `/v1/payments/${paymentId}`, { token: m.sk })).body.data.amount_refunded).toBe(0);
    const all = await refund({ payment_id: paymentId });
    expect(all.body.data.amount).toBe(5_000);
    expect((await settledRefund(t, m, all.body.data.id)).status).toBe("completed");
    const got = await eventually(async () => {
      const d = deliveredFor(res.body.data.id);
      return d.length >= 2 ? d : null;
    });
    expect(got).toEqual([
      { type: "refund.created", signed: true },
      { type: "refund.failed", signed: true },
    ]);
  });

  it("refund callbacks apply once: a replayed one is a duplicate, a late contrary one changes nothing, an unsigned one is refused", async () => {
    const paymentId = await completedPayment(t, m, 3_000);
    const made = await refund({ payment_id: paymentId, amount: 1_000 });
    const done = await settledRefund(t, m, made.body.data.id);
    expect(done.status).toBe("completed");
    const send = (eventId: string, status: string, signed = true) => {
      const body = JSON.stringify({
        event_id: eventId,
        type: "refund.updated",
        data: {
          id: done.provider_refund_id,
          refund_reference: done.id,
          reference: "x",
          amount: 1_000,
          status,
          failure_reason: status === "FAILED" ? "no" : null,
        },
      });
      const sig = signPayload(t.app.ctx.providers.sandboxSecret("test"), body, Math.floor(Date.now() / 1000));
      return t.call("POST", "/v1/webhooks/providers/test", {
        rawBody: body,
        headers: { "content-type": "application/json", ...(signed ? { "x-test-signature": sig } : {}) },
      });
    };
    const late = await send("tevt_late_failed", "FAILED");
    expect(late.body.data).toEqual({ received: true, duplicate: false, applied: false });
    expect((await send("tevt_late_failed", "FAILED")).body.data).toEqual({ received: true, duplicate: true, applied: false });
    expect((await send("tevt_unsigned", "FAILED", false)).status).toBe(401);
    const after = (await t.call("GET", `/v1/refunds/${done.id}`, { token: m.sk })).body.data;
    expect(after.status).toBe("completed");
    expect((await t.call("GET", `/v1/payments/${paymentId}`, { token: m.sk })).body.data.amount_refunded).toBe(1_000);
    const types = await rows(t.database.db, sql`select type from events where object_id = ${done.id} order by id`);
    expect(types.map((e) => e.type)).toEqual(["refund.created", "refund.completed"]);
  });

  it("a payment that is not completed: 422 payment_not_refundable", async () => {
    const pending = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02", { amount: 10_000 }) });
    const res = await refund({ payment_id: pending.body.data.id });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("payment_not_refundable");
  });

  it("another app's payment, an unknown one or the other mode's: 404; bad bodies: 400 with param", async () => {
    const paymentId = await completedPayment(t, m, 2_000);
    expect((await refund({ payment_id: paymentId }, other.sk)).status).toBe(404);
    expect((await refund({ payment_id: "txn_01J00000000000000000000000" })).status).toBe(404);
    expect((await refund({ payment_id: paymentId }, m.skLive)).status).toBe(404);
    for (const [body, param] of [
      [{ payment_id: paymentId, amount: 0 }, "amount"],
      [{ payment_id: paymentId, amount: 1.5 }, "amount"],
      [{ payment_id: paymentId, reason: "late_success" }, "reason"],
      [{ amount: 100 }, "payment_id"],
    ] as const) {
      const res = await refund(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.param).toBe(param);
    }
    const r = await refund({ payment_id: paymentId, amount: 500 });
    expect((await t.call("GET", `/v1/refunds/${r.body.data.id}`, { token: other.sk })).status).toBe(404);
    expect((await t.call("GET", `/v1/refunds?payment_id=${paymentId}`, { token: other.sk })).body.data).toEqual([]);
  });

  it("Idempotency-Key: the same request is replayed, one refund; another body with the key is 409", async () => {
    const paymentId = await completedPayment(t, m, 4_000);
    const a = await refund({ payment_id: paymentId, amount: 1_000 }, m.sk, "rf-idem-1");
    const b = await refund({ payment_id: paymentId, amount: 1_000 }, m.sk, "rf-idem-1");
    expect(b.status).toBe(201);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(b.body.data.id).toBe(a.body.data.id);
    const c = await refund({ payment_id: paymentId, amount: 2_000 }, m.sk, "rf-idem-1");
    expect(c.status).toBe(409);
    expect(c.body.error.code).toBe("idempotency_key_reused");
    // 422 answers are replayed too.
    const over = await refund({ payment_id: paymentId, amount: 9_999 }, m.sk, "rf-idem-2");
    const overAgain = await refund({ payment_id: paymentId, amount: 9_999 }, m.sk, "rf-idem-2");
    expect([over.status, overAgain.status]).toEqual([422, 422]);
    expect(overAgain.headers.get("idempotent-replayed")).toBe("true");
    const list = await t.call("GET", `/v1/refunds?payment_id=${paymentId}`, { token: m.sk });
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([a.body.data.id]);
  });

  it("lists newest first with filters and cursor pages; a dashboard user reaches them with X-App-Id", async () => {
    const paymentId = await completedPayment(t, m, 900);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await refund({ payment_id: paymentId, amount: 100 })).body.data.id);
    const page1 = await t.call("GET", `/v1/refunds?payment_id=${paymentId}&limit=2`, { token: m.sk });
    expect(page1.body.data.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.has_more).toBe(true);
    const page2 = await t.call("GET", `/v1/refunds?payment_id=${paymentId}&limit=2&cursor=${page1.body.next_cursor}`, { token: m.sk });
    expect(page2.body.data.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
    expect(page2.body.has_more).toBe(false);
    await settledRefund(t, m, ids[2] as string);
    const done = await t.call("GET", `/v1/refunds?payment_id=${paymentId}&status=completed`, { token: m.sk });
    expect(done.body.data.every((r: { status: string }) => r.status === "completed")).toBe(true);
    const future = await t.call("GET", `/v1/refunds?created_from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, { token: m.sk });
    expect(future.body.data).toEqual([]);
    const asUser = { token: m.token, headers: { "x-app-id": m.appId, "x-zerofee-mode": "test" } };
    const viaUser = await t.call("GET", `/v1/refunds?payment_id=${paymentId}`, asUser);
    expect(viaUser.body.data).toHaveLength(3);
    const made = await t.call("POST", "/v1/refunds", { ...asUser, body: { payment_id: paymentId, amount: 100, reason: "duplicate" } });
    expect(made.status).toBe(201);
    expect((await t.call("GET", `/v1/refunds/${made.body.data.id}`, asUser)).body.data.reason).toBe("duplicate");
  });
});

describe("Idempotency-Key from the dashboard", () => {
  it("a signed-in merchant's refund retried with its key is replayed, never made twice; the key is the app's own namespace; another account's app stays 404", async () => {
    const paymentId = await completedPayment(t, m, 6_000);
    const asUser = { token: m.token, headers: { "x-app-id": m.appId, "x-zerofee-mode": "test" } };
    const body = { payment_id: paymentId, amount: 1_000, reason: "requested_by_customer" };
    const first = await t.call("POST", "/v1/refunds", { ...asUser, body, idempotencyKey: "dash-refund-1" });
    expect(first.status, first.text).toBe(201);
    const again = await t.call("POST", "/v1/refunds", { ...asUser, body, idempotencyKey: "dash-refund-1" });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.data.id).toBe(first.body.data.id);
    // The same key for another amount is a different request: refused, nothing refunded.
    const reused = await t.call("POST", "/v1/refunds", { ...asUser, body: { ...body, amount: 500 }, idempotencyKey: "dash-refund-1" });
    expect(reused.status, reused.text).toBe(409);
    expect(reused.body.error.code).toBe("idempotency_key_reused");
    // One namespace per app and mode: the app's secret key sees the same key as used.
    const viaKey = await refund(body, m.sk, "dash-refund-1");
    expect(viaKey.headers.get("idempotent-replayed")).toBe("true");
    const listed = await t.call("GET", `/v1/refunds?payment_id=${paymentId}`, asUser);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([first.body.data.id]);
    // Another account naming this app: 404, and its key claims nothing here.
    const stranger = await t.call("POST", "/v1/refunds", {
      token: other.token,
      headers: { "x-app-id": m.appId, "x-zerofee-mode": "test" },
      body,
      idempotencyKey: "dash-refund-2",
    });
    expect(stranger.status).toBe(404);
    const mine = await t.call("POST", "/v1/refunds", { ...asUser, body: { ...body, amount: 700 }, idempotencyKey: "dash-refund-2" });
    expect(mine.status, mine.text).toBe(201);
    expect(mine.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("fee plan (SPEC §10)", () => {
  it("150 bps + 100 XOF: a 10 000 XOF payment completes with fee 250, net 9 750; earlier payments keep their fee", async () => {
    const before = await completedPayment(t, m, 10_000);
    const put = await t.call("PUT", `/v1/apps/${m.appId}/fees`, { token: m.token, body: { bps: 150, fixed: { XOF: 100, EUR: 25 } } });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual({ bps: 150, fixed: { XOF: 100, EUR: 25 } });
    expect((await t.call("GET", `/v1/apps/${m.appId}/fees`, { token: m.token })).body.data).toEqual({ bps: 150, fixed: { XOF: 100, EUR: 25 } });
    const after = (await t.call("GET", `/v1/payments/${await completedPayment(t, m, 10_000)}`, { token: m.sk })).body.data;
    expect([after.fee_amount, after.net_amount]).toEqual([250, 9_750]);
    const old = (await t.call("GET", `/v1/payments/${before}`, { token: m.sk })).body.data;
    expect([old.fee_amount, old.net_amount]).toEqual([0, 10_000]);
    // The fee never passes the amount: 50 XOF with a 100 XOF fixed fee nets 0.
    const tiny = (await t.call("GET", `/v1/payments/${await completedPayment(t, m, 50)}`, { token: m.sk })).body.data;
    expect([tiny.fee_amount, tiny.net_amount]).toEqual([50, 0]);
    await t.call("PUT", `/v1/apps/${m.appId}/fees`, { token: m.token, body: { bps: 0, fixed: {} } });
  });

  it("validation: bps 0–10000, integers ≥ 0, known currencies, 400 with param; users only; another account's app is 404", async () => {
    for (const [body, param] of [
      [{ bps: 10_001, fixed: {} }, "bps"],
      [{ bps: -1, fixed: {} }, "bps"],
      [{ bps: 1.5, fixed: {} }, "bps"],
      [{ bps: 10, fixed: { XOF: -1 } }, "fixed.XOF"],
      [{ bps: 10, fixed: { XOF: 2.5 } }, "fixed.XOF"],
      [{ bps: 10, fixed: { ABC: 1 } }, "fixed.ABC"],
    ] as const) {
      const res = await t.call("PUT", `/v1/apps/${m.appId}/fees`, { token: m.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.param).toBe(param);
    }
    expect((await t.call("PUT", `/v1/apps/${m.appId}/fees`, { token: m.sk, body: { bps: 1, fixed: {} } })).status).toBe(403);
    expect((await t.call("GET", `/v1/apps/${m.appId}/fees`, { token: other.token })).status).toBe(404);
  });
});
