/**
 * Stripe and PayPal over HTTP through the real server, beyond the SPEC §14 scenarios: signed
 * webhooks verified the provider's way, auth schemes, idempotency, 3-D Secure, cancel and
 * expiry through the provider, refunds, and outages.
 */
import { PROVIDERS, type ProviderContext } from "@zerofee/providers";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentAttempts, providerCallbacks } from "../../src/db/schema/index.js";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { actOnSandbox } from "./sandbox-page.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t);
});
afterAll(() => t.stop());

const MERCHANT = "https://merchant.example";
const urls = { success_url: `${MERCHANT}/success`, cancel_url: `${MERCHANT}/cancel`, error_url: `${MERCHANT}/error` };
const get = async (id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
const create = async (provider: "stripe" | "paypal", extra: Record<string, unknown> = {}) => {
  const res = await t.call("POST", "/v1/payments", {
    token: m.sk,
    body: { amount: 2500, currency: "EUR", payment_method: provider === "stripe" ? "PAYIN_CARD" : "PAYIN_PAYPAL", ...urls, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.data;
};
const origin = () => new URL(t.url).origin;
const callbacks = (provider: string, paymentId: string) =>
  t.database.db
    .select()
    .from(providerCallbacks)
    .where(and(eq(providerCallbacks.provider, provider), eq(providerCallbacks.paymentId, paymentId)));
const attemptOf = async (paymentId: string) => {
  const [a] = await t.database.db.select().from(paymentAttempts).where(eq(paymentAttempts.paymentId, paymentId));
  if (!a) throw new Error("no attempt");
  return { providerPaymentId: a.providerPaymentId, providerReference: a.providerReference, data: a.data };
};
const providerCtx = (name: "stripe" | "paypal"): ProviderContext => ({
  baseUrl: `${t.url}/sandbox/${name}`,
  credentials: {},
  livemode: false,
  timeoutMs: 5000,
  webhookSecret: t.app.ctx.providers.sandboxSecret(name),
});

describe("stripe", () => {
  it("test mode sends PAYIN_CARD to Stripe by default, and its session page pre-fills 4242", async () => {
    const p = await t.call("POST", "/v1/payments", { token: m.sk, body: { amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD", ...urls } });
    expect(p.body.data.provider).toBe("stripe");
    expect(p.body.data.provider_reference).toMatch(/^cs_test_/);
    const page = await fetch(p.body.data.next_action.redirect_url).then((r) => r.text());
    expect(page).toContain('name="card_number" value="4242 4242 4242 4242"');
  });

  it("a paid session's checkout.session.completed webhook arrives signed and is accepted", async () => {
    const p = await create("stripe");
    await actOnSandbox(p.next_action.redirect_url, origin(), "approve");
    expect((await get(p.id)).status).toBe("completed");
    const rows = await eventually(async () => {
      const r = await callbacks("stripe", p.id);
      return r.length > 0 ? r : null;
    });
    expect(rows[0]?.reportedStatus).toBe("completed");
    expect(t.logs.filter((l) => l.includes("provider webhook refused") && l.includes('"stripe"'))).toEqual([]);
  });

  it("a webhook with a forged Stripe-Signature is refused and stores nothing", async () => {
    const body = JSON.stringify({ id: "evt_forged", object: "event", type: "checkout.session.completed", created: 1, livemode: false, data: { object: {} } });
    const res = await t.call("POST", "/v1/webhooks/providers/stripe", {
      rawBody: body,
      headers: { "content-type": "application/json", "stripe-signature": `t=${Math.floor(Date.now() / 1000)},v1=${"ab".repeat(32)}` },
    });
    expect(res.status).toBe(401);
    const [row] = await t.database.db.select().from(providerCallbacks).where(eq(providerCallbacks.providerEventId, "evt_forged"));
    expect(row).toBeUndefined();
  });

  it("the sandbox takes any sk_test_ key as Bearer or Basic, refuses others, and replays an Idempotency-Key", async () => {
    const body = new URLSearchParams({
      mode: "payment",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "1000",
      "line_items[0][price_data][product_data][name]": "T-shirt",
      "line_items[0][quantity]": "2",
      success_url: "https://example.com/ok",
      cancel_url: "https://example.com/no",
    }).toString();
    const post = (authorization: string, key?: string) =>
      fetch(`${t.url}/sandbox/stripe/v1/checkout/sessions`, {
        method: "POST",
        headers: { authorization, "content-type": "application/x-www-form-urlencoded", ...(key ? { "idempotency-key": key } : {}) },
        body,
      });
    const basic = await post(`Basic ${Buffer.from("sk_test_anything:").toString("base64")}`, "idem-1");
    expect(basic.status).toBe(200);
    const session = await basic.json();
    expect(session).toMatchObject({ object: "checkout.session", status: "open", payment_status: "unpaid", amount_total: 2000, currency: "eur" });
    const replay = await post("Bearer sk_test_other", "idem-1");
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await replay.json()).id).toBe(session.id);
    const refused = await post("Bearer sk_live_nope");
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.type).toBe("invalid_request_error");
  });

  it("the sandbox takes what Stripe takes: cancel_url is optional (no way back then), success_url is required and named", async () => {
    const create = (fields: Record<string, string>) =>
      fetch(`${t.url}/sandbox/stripe/v1/checkout/sessions`, {
        method: "POST",
        headers: { authorization: "Bearer sk_test_x", "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          mode: "payment",
          "line_items[0][price_data][currency]": "eur",
          "line_items[0][price_data][unit_amount]": "900",
          "line_items[0][quantity]": "1",
          ...fields,
        }).toString(),
      });
    const noSuccess = await create({ cancel_url: "https://example.com/no" });
    expect(noSuccess.status).toBe(400);
    expect((await noSuccess.json()).error.message).toContain("success_url");
    const made = await create({ success_url: "https://example.com/ok" });
    expect(made.status).toBe(200);
    const session = await made.json();
    expect(session).toMatchObject({ status: "open" });
    // Declined without a cancel_url: the page says the session ended instead of sending the customer nowhere.
    const declined = await fetch(session.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ session: session.id, step: "card", card_number: "4000 0000 0000 0002", action: "approve" }).toString(),
      redirect: "manual",
    });
    expect(declined.status).toBe(200);
    expect(await declined.text()).toContain("This checkout session has ended");
  });

  it("4000 0000 0000 3220 shows a 3-D Secure challenge; failing it fails the payment with the intent's error", async () => {
    const p = await create("stripe");
    const page = await fetch(p.next_action.redirect_url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ session: p.provider_reference, step: "card", card_number: "4000 0000 0000 3220", action: "approve" }).toString(),
    });
    const challenge = await page.text();
    expect(challenge).toContain("3-D Secure");
    expect(challenge).toContain('data-action="decline"');
    const journey = await actOnSandbox(p.next_action.redirect_url, origin(), "approve", { card_number: "4000 0000 0000 3220" });
    expect(journey.visited.length).toBeGreaterThan(2);
    const failed = await create("stripe");
    const form = new URLSearchParams({ session: failed.provider_reference, step: "3ds", card_number: "4000000000003220", action: "decline" });
    const back = await fetch(failed.next_action.redirect_url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      redirect: "manual",
    });
    expect(back.status).toBe(303);
    await fetch(back.headers.get("location") ?? "", { redirect: "manual" });
    const after = await get(failed.id);
    expect(after.status).toBe("failed");
  });

  it("cancel through the API expires the session at Stripe; the page then refuses to pay", async () => {
    const p = await create("stripe");
    const res = await t.call("POST", `/v1/payments/${p.id}/cancel`, { token: m.sk });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("cancelled");
    const session = await fetch(`${t.url}/sandbox/stripe/v1/checkout/sessions/${p.provider_reference}`, {
      headers: { authorization: "Bearer sk_test_x" },
    }).then((r) => r.json());
    expect(session.status).toBe("expired");
    const again = await fetch(p.next_action.redirect_url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "action=approve&step=card&card_number=4242424242424242",
      redirect: "manual",
    });
    expect(new URL(again.headers.get("location") ?? "").searchParams.get("stripe_cancel")).toBe((await attemptOf(p.id)).providerPaymentId);
    expect((await get(p.id)).status).toBe("cancelled");
  });

  it("a return claiming a cancel without the payment's own provider-side id cancels nothing", async () => {
    const p = await create("stripe");
    const forged = await fetch(`${t.url}/v1/payments/${p.id}/return?stripe_cancel=anything`, { redirect: "manual" });
    expect(new URL(forged.headers.get("location") ?? "").pathname).toBe("/error");
    expect((await get(p.id)).status).toBe("requires_action");
    const pp = await create("paypal");
    await fetch(`${t.url}/v1/payments/${pp.id}/return?paypal_cancel=${pp.provider_reference}`, { redirect: "manual" });
    expect((await get(pp.id)).status).toBe("requires_action");
    // The page still pays.
    await actOnSandbox(p.next_action.redirect_url, origin(), "approve");
    expect((await get(p.id)).status).toBe("completed");
  });

  it("a session expires at its expires_at and says so with a signed checkout.session.expired", async () => {
    const created = await fetch(`${t.url}/sandbox/stripe/v1/checkout/sessions`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_x", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        mode: "payment",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "700",
        "line_items[0][quantity]": "1",
        success_url: "https://example.com/ok",
        cancel_url: "https://example.com/no",
        client_reference_id: "expiry-probe",
        expires_at: String(Math.floor(Date.now() / 1000) + 1),
      }).toString(),
    }).then((r) => r.json());
    expect(created.status).toBe("open");
    const read = () =>
      fetch(`${t.url}/sandbox/stripe/v1/checkout/sessions/${created.id}`, { headers: { authorization: "Bearer sk_test_x" } }).then((r) => r.json());
    await eventually(async () => (await read()).status === "expired", 10_000);
    // Delivered to ZeroFee, verified, and recorded (no payment has this reference).
    const [row] = await eventually(async () => {
      const rows = await t.database.db.select().from(providerCallbacks).where(eq(providerCallbacks.provider, "stripe"));
      const mine = rows.filter((r) => (r.payload as { data?: { object?: { id?: string } } }).data?.object?.id === created.id);
      return mine.length > 0 ? mine : null;
    }, 10_000);
    expect(row?.reportedStatus).toBe("cancelled");
    expect(row?.note).toBe("no matching payment");
  });

  it("refunds a paid session through POST /v1/refunds, idempotently, never above what was paid", async () => {
    // The merchant-facing flow (POST /v1/refunds, refund.* events) is in test/refunds/providers.test.ts.
    const p = await create("stripe");
    await actOnSandbox(p.next_action.redirect_url, origin(), "approve");
    const ref = await attemptOf(p.id);
    const adapter = PROVIDERS.stripe.adapter;
    const first = await adapter.refund(providerCtx("stripe"), ref, { refundId: "re_test_1", amount: 1000, currency: "EUR" });
    expect(first).toMatchObject({ kind: "accepted", status: "pending" });
    const again = await adapter.refund(providerCtx("stripe"), ref, { refundId: "re_test_1", amount: 1000, currency: "EUR" });
    // The same refund (it may have settled meanwhile: the sandbox completes it after a moment).
    expect(again).toMatchObject({ kind: "accepted", providerRefundId: (first as { providerRefundId: string }).providerRefundId });
    const tooMuch = await adapter.refund(providerCtx("stripe"), ref, { refundId: "re_test_2", amount: 2000, currency: "EUR" });
    expect(tooMuch.kind).toBe("rejected");
  });

  it("down: the sandbox answers 503 api_error to every call and the create answers 503 provider_unavailable", async () => {
    await t.call("POST", "/sandbox/stripe/_control", { body: { down: true } });
    try {
      const res = await t.call("POST", "/v1/payments", { token: m.sk, body: { amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD", ...urls } });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("provider_unavailable");
      const direct = await fetch(`${t.url}/sandbox/stripe/v1/checkout/sessions/cs_test_x`, { headers: { authorization: "Bearer sk_test_x" } });
      expect(direct.status).toBe(503);
      expect((await direct.json()).error.type).toBe("api_error");
    } finally {
      await t.call("POST", "/sandbox/stripe/_control", { body: { down: false } });
    }
  });
});

describe("paypal", () => {
  it("test mode sends PAYIN_PAYPAL to PayPal by default, with the payer-action link", async () => {
    const p = await t.call("POST", "/v1/payments", { token: m.sk, body: { amount: 2500, currency: "EUR", payment_method: "PAYIN_PAYPAL", ...urls } });
    expect(p.body.data.provider).toBe("paypal");
    expect(p.body.data.next_action.redirect_url).toContain(`/sandbox/paypal/checkoutnow?token=${p.body.data.provider_reference}`);
  });

  it("approve → capture → PAYMENT.CAPTURE.COMPLETED webhook verified through verify-webhook-signature", async () => {
    const p = await create("paypal");
    await actOnSandbox(p.next_action.redirect_url, origin(), "approve");
    expect((await get(p.id)).status).toBe("completed");
    const rows = await eventually(async () => {
      const r = await callbacks("paypal", p.id);
      return r.some((x) => x.reportedStatus === "completed") ? r : null;
    });
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(t.logs.filter((l) => l.includes("provider webhook refused") && l.includes('"paypal"'))).toEqual([]);
  });

  it("a tampered webhook fails PayPal's verification and is refused", async () => {
    const body = JSON.stringify({
      id: "WH-FORGED",
      event_type: "PAYMENT.CAPTURE.COMPLETED",
      resource_type: "capture",
      resource: { id: "C", status: "COMPLETED", custom_id: "x" },
    });
    const res = await t.call("POST", "/v1/webhooks/providers/paypal", {
      rawBody: body,
      headers: {
        "content-type": "application/json",
        "paypal-auth-algo": "SHA256withRSA",
        "paypal-cert-url": "https://api.paypal.com/cert",
        "paypal-transmission-id": "abc",
        "paypal-transmission-time": new Date().toISOString(),
        "paypal-transmission-sig": "bm90IGEgc2lnbmF0dXJl",
      },
    });
    expect(res.status).toBe(401);
    const [row] = await t.database.db.select().from(providerCallbacks).where(eq(providerCallbacks.providerEventId, "WH-FORGED"));
    expect(row).toBeUndefined();
  });

  it("token with any client id/secret; capture takes Content-Type application/json with an empty body", async () => {
    const tok = await fetch(`${t.url}/sandbox/paypal/v1/oauth2/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("any-client:any-secret").toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    }).then((r) => r.json());
    expect(tok.token_type).toBe("Bearer");
    const auth = { authorization: `Bearer ${tok.access_token}`, "content-type": "application/json" };
    const order = await fetch(`${t.url}/sandbox/paypal/v2/checkout/orders`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ intent: "CAPTURE", purchase_units: [{ amount: { currency_code: "USD", value: "10.00" } }] }),
    }).then((r) => r.json());
    expect(order.status).toBe("CREATED");
    const approve = order.links.find((l: { rel: string }) => l.rel === "approve");
    const early = await fetch(`${t.url}/sandbox/paypal/v2/checkout/orders/${order.id}/capture`, { method: "POST", headers: auth });
    expect(early.status).toBe(422);
    expect((await early.json()).details[0].issue).toBe("ORDER_NOT_APPROVED");
    await fetch(`${t.url}/sandbox/paypal/checkoutnow`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: order.id, action: "approve" }).toString(),
      redirect: "manual",
    });
    expect(approve.href).toContain(order.id);
    const captured = await fetch(`${t.url}/sandbox/paypal/v2/checkout/orders/${order.id}/capture`, { method: "POST", headers: auth });
    expect(captured.status).toBe(201);
    const body = await captured.json();
    expect(body.status).toBe("COMPLETED");
    expect(body.purchase_units[0].payments.captures[0].status).toBe("COMPLETED");
  });

  it("refunds the capture through /v2/payments/captures/{id}/refund, idempotently by PayPal-Request-Id", async () => {
    const p = await create("paypal");
    await actOnSandbox(p.next_action.redirect_url, origin(), "approve");
    const ref = await attemptOf(p.id);
    const adapter = PROVIDERS.paypal.adapter;
    const first = await adapter.refund(providerCtx("paypal"), ref, { refundId: "re_pp_1", amount: 2500, currency: "EUR" });
    expect(first, JSON.stringify(first)).toMatchObject({ kind: "accepted", status: "pending" });
    expect(await adapter.refund(providerCtx("paypal"), ref, { refundId: "re_pp_1", amount: 2500, currency: "EUR" })).toMatchObject({
      kind: "accepted",
      providerRefundId: (first as { providerRefundId: string }).providerRefundId,
    });
    expect((await adapter.refund(providerCtx("paypal"), ref, { refundId: "re_pp_2", amount: 1, currency: "EUR" })).kind).toBe("rejected");
  });

  it("cancel through the API before the payer approves: nothing captured, cancelled", async () => {
    const p = await create("paypal");
    const res = await t.call("POST", `/v1/payments/${p.id}/cancel`, { token: m.sk });
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe("cancelled");
  });

  it("a completed payment cannot be cancelled", async () => {
    const p = await create("paypal");
    await actOnSandbox(p.next_action.redirect_url, origin(), "approve");
    const res = await t.call("POST", `/v1/payments/${p.id}/cancel`, { token: m.sk });
    expect(res.status).toBe(409);
  });
});
