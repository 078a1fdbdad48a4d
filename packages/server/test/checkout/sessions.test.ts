/**
 * Checkout sessions over HTTP (SPEC §8, issue #5 item 1): create/get/expire, idempotency,
 * one completed payment per session, retries only after a terminal payment, events written
 * with the change, the expiry job.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutPayments } from "../../src/db/schema/index.js";
import { reconcilePayments } from "../../src/jobs/reconcile.js";
import { expireDueSessions } from "../../src/services/checkout/expire.js";
import { createMerchant, eventually, type Merchant, onPostgres, startTestApp, type TestApp, TestClock } from "../harness.js";
import { createSession, eventsOf, orange, pay, sessionBody } from "./helpers.js";

let t: TestApp;
let m: Merchant;
let clock: TestClock;

beforeAll(async () => {
  clock = new TestClock();
  t = await startTestApp({ clock });
  m = await createMerchant(t, "sessions");
});
afterAll(() => t?.stop());

const getSession = async (id: string) => (await t.call("GET", `/v1/checkout/sessions/${id}`, { token: m.sk })).body.data;

describe("checkout sessions API", () => {
  it("creates a session (cs_ id, client secret, hosted url, open, expiry), replays it for the same Idempotency-Key, and gets it", async () => {
    const key = randomUUID();
    const body = sessionBody({ metadata: { order: "42" }, allowed_countries: ["CI"] });
    const first = await t.call("POST", "/v1/checkout/sessions", { token: m.sk, body, idempotencyKey: key });
    expect(first.status, first.text).toBe(201);
    const s = first.body.data;
    expect(s.id).toMatch(/^cs_/);
    expect(s.client_secret).toMatch(new RegExp(`^${s.id}_secret_[0-9A-Za-z]{32}$`));
    expect(s.status).toBe("open");
    expect(s.url).toBe(`${t.url}/checkout/${s.id}`);
    const lifetime = new Date(s.expires_at).getTime() - clock.now().getTime();
    expect(lifetime).toBe(3600_000);
    const again = await t.call("POST", "/v1/checkout/sessions", { token: m.sk, body, idempotencyKey: key });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.data.id).toBe(s.id);
    const reused = await t.call("POST", "/v1/checkout/sessions", { token: m.sk, body: { ...body, amount: 1 }, idempotencyKey: key });
    expect(reused.status).toBe(409);
    const got = await getSession(s.id);
    expect(got).toMatchObject({
      id: s.id,
      amount: 2500,
      currency: "XOF",
      metadata: { order: "42" },
      allowed_countries: ["CI"],
      payments: [],
      payment_id: null,
    });
    expect(got.client_secret).toBeUndefined();
  });

  it("refuses bad input with 400 naming the param", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ success_url: "javascript:alert(1)" }, "success_url"],
      [{ amount: 0 }, "amount"],
      [{ currency: "ZZZ" }, "currency"],
      [{ allowed_methods: ["PAYIN_NOPE_CI"] }, "allowed_methods.0"],
      [{ expires_at: new Date(clock.now().getTime() + 60_000).toISOString() }, "expires_at"],
    ];
    for (const [extra, param] of cases) {
      const r = await t.call("POST", "/v1/checkout/sessions", { token: m.sk, body: sessionBody(extra) });
      expect(r.status, r.text).toBe(400);
      expect(r.body.error.param).toBe(param);
    }
  });

  it("a USSD payment completes the session once: checkout.completed written with it, payment_id set, further pays refused", async () => {
    const s = await createSession(t, m, { locale: "fr", metadata: { cart: "42" } });
    expect(s).toMatchObject({ locale: "fr", metadata: { cart: "42" } });
    const p = await pay(t, s.client_secret, orange("00"));
    expect(p.status, p.text).toBe(201);
    expect(p.body.data).toMatchObject({ amount: 2500, currency: "XOF", session_id: s.id, next_action: { type: "ussd_push" } });
    const done = await eventually(async () => {
      const got = await getSession(s.id);
      return got.status === "complete" ? got : null;
    });
    expect(done.payment_id).toBe(p.body.data.id);
    expect(done.payments).toEqual([p.body.data.id]);
    const completed = await eventsOf(t, s.id, "checkout.completed");
    expect(completed).toHaveLength(1);
    expect((completed[0]?.data as { payment_id?: string } | undefined)?.payment_id).toBe(p.body.data.id);
    const payment = (await t.call("GET", `/v1/payments/${p.body.data.id}`, { token: m.sk })).body.data;
    // The session's metadata travels with its payment.
    expect(payment).toMatchObject({ status: "completed", reference: done.reference, metadata: { cart: "42", checkout_session: s.id } });
    const again = await pay(t, s.client_secret, orange("00"));
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe("checkout_session_closed");
  });

  it("a failed attempt, then a retry with another method inside the same session; no new start while one is in flight", async () => {
    const s = await createSession(t, m);
    const pending = await pay(t, s.client_secret, orange("02"));
    expect(pending.status).toBe(201);
    const blocked = await pay(t, s.client_secret, { payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 00" } });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe("checkout_payment_in_progress");
    const expireRefused = await t.call("POST", `/v1/checkout/sessions/${s.id}/expire`, { token: m.sk });
    expect(expireRefused.status).toBe(409);

    const s2 = await createSession(t, m);
    const failed = await pay(t, s2.client_secret, orange("01"));
    await eventually(
      async () => (await t.call("GET", `/v1/payments/${failed.body.data.id}/status`, { token: s2.client_secret })).body.data.status === "failed",
    );
    const retry = await pay(t, s2.client_secret, { payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 00" } });
    expect(retry.status, retry.text).toBe(201);
    const done = await eventually(async () => {
      const got = await getSession(s2.id);
      return got.status === "complete" ? got : null;
    });
    expect(done.payment_id).toBe(retry.body.data.id);
    expect(done.payments).toEqual([failed.body.data.id, retry.body.data.id]);
  });

  it("a second completion inside a completed session writes no second checkout.completed and is refunded automatically", async () => {
    const s = await createSession(t, m);
    const first = await pay(t, s.client_secret, orange("03"));
    expect(first.body.data.next_action.type).toBe("otp");
    // The race the start lease prevents (two payments open at once), made by hand: a second
    // OTP payment linked to the same session.
    const second = await pay(t, m.pk, { ...orange("03"), amount: 2500, currency: "XOF" });
    await t.database.db.update(checkoutPayments).set({ sessionId: s.id }).where(eq(checkoutPayments.paymentId, second.body.data.id));
    for (const id of [first.body.data.id, second.body.data.id]) {
      const r = await t.call("POST", `/v1/payments/${id}/authenticate`, { token: m.pk, body: { otp: "123456" } });
      expect(r.status, r.text).toBe(200);
    }
    const got = await eventually(async () => {
      const x = await getSession(s.id);
      return x.status === "complete" ? x : null;
    });
    expect(got.payment_id).toBe(first.body.data.id);
    expect(await eventsOf(t, s.id, "checkout.completed")).toHaveLength(1);
    const [flag] = await t.database.db.select().from(checkoutPayments).where(eq(checkoutPayments.paymentId, second.body.data.id));
    expect(flag?.refundDue).toBe(true);
    const [firstFlag] = await t.database.db.select().from(checkoutPayments).where(eq(checkoutPayments.paymentId, first.body.data.id));
    expect(firstFlag?.refundDue).toBe(false);
    // The refund is written with the completion and the provider asked by the next sweep.
    await reconcilePayments(t.app.ctx);
    // The provider settles it a moment later (ZEROFEE_SANDBOX_CONFIRM_MS) and says so by callback.
    const refunded = await eventually(async () => {
      const p = (await t.call("GET", `/v1/payments/${second.body.data.id}`, { token: m.sk })).body.data;
      return p.refunds[0]?.status === "completed" ? p : null;
    });
    expect(refunded.refunds).toHaveLength(1);
    expect(refunded.amount_refunded).toBe(2500);
    expect(refunded.refunds[0]).toMatchObject({ reason: "duplicate_checkout", amount: 2500, status: "completed" });
    const kept = (await t.call("GET", `/v1/payments/${first.body.data.id}`, { token: m.sk })).body.data;
    expect(kept.refunds).toHaveLength(0);
  });

  it("expire: the merchant closes an open session (checkout.expired once); the job expires due sessions but waits for a payment in flight", async () => {
    const s = await createSession(t, m);
    const r = await t.call("POST", `/v1/checkout/sessions/${s.id}/expire`, { token: m.sk });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data.status).toBe("expired");
    expect((await t.call("POST", `/v1/checkout/sessions/${s.id}/expire`, { token: m.sk })).body.error.code).toBe("checkout_session_closed");
    expect(await eventsOf(t, s.id, "checkout.expired")).toHaveLength(1);
    expect((await pay(t, s.client_secret, orange("00"))).body.error.code).toBe("checkout_session_closed");

    const idle = await createSession(t, m);
    const busy = await createSession(t, m);
    await pay(t, busy.client_secret, orange("02"));
    clock.advance(3600_000 + 1000);
    const pastDeadline = await pay(t, idle.client_secret, orange("00"));
    expect(pastDeadline.body.error.code).toBe("checkout_session_closed");
    await expireDueSessions(t.app.ctx);
    expect((await getSession(idle.id)).status).toBe("expired");
    expect(await eventsOf(t, idle.id, "checkout.expired")).toHaveLength(1);
    expect((await getSession(busy.id)).status).toBe("open");
    await expireDueSessions(t.app.ctx);
    expect(await eventsOf(t, idle.id, "checkout.expired")).toHaveLength(1);
  });

  it.skipIf(!onPostgres)(
    "concurrent starts in one session (PostgreSQL only: PGlite is one connection and cannot race): exactly one payment starts",
    async () => {
      const s = await createSession(t, m);
      const results = await Promise.all(Array.from({ length: 8 }, () => pay(t, s.client_secret, orange("02"))));
      const started = results.filter((r) => r.status === 201);
      expect(started, results.map((r) => `${r.status} ${r.body?.error?.code ?? ""}`).join(", ")).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) expect(r.body.error.code).toBe("checkout_payment_in_progress");
      expect((await getSession(s.id)).payments).toEqual([started[0]?.body.data.id]);
    },
  );
});
