/**
 * The example shop against a real ZeroFee (in-process, sandbox): order first, session bound
 * with one idempotency key, webhook verified from the raw body, duplicate and replayed
 * deliveries fulfil once, and a late webhook is covered by reconciliation from the session.
 * Deliveries are posted to the shop directly, signed as ZeroFee's webhook engine signs them.
 */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CI_PHONE, createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../../../packages/server/test/harness.js";
import { openDb } from "../src/db.js";
import { createShop } from "../src/shop.js";
import { signPayload, verifySignature } from "../src/webhook.js";

const SECRET = "whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS1leGFtcGxlLXNob3A=";
let t: TestApp;
let m: Merchant;
let shop: ReturnType<typeof createShop>;
let shopUrl: string;
const fulfilled: Array<[string, string]> = [];

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "example-shop");
  const db = await openDb();
  shop = createShop({
    db,
    zerofeeUrl: t.url,
    secretKey: m.sk,
    webhookSecret: SECRET,
    publicUrl: "http://localhost:0",
    onFulfil: (o, s) => fulfilled.push([o, s]),
  });
  await new Promise<void>((r) => shop.server.listen(0, "127.0.0.1", r));
  shopUrl = `http://127.0.0.1:${(shop.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => shop?.server.close(r));
  await t?.stop();
});

/** The customer pays the session in the sandbox (what the hosted page does), then ZeroFee's view of it. */
async function payAndGetSession(sessionUrl: string) {
  const id = sessionUrl.split("/").at(-1) ?? "";
  const html = await (await fetch(sessionUrl)).text();
  const secret = /"secret":"(cs_[^"]+)"/.exec(html)?.[1] ?? "";
  const p = await t.call("POST", "/v1/checkout/pay", { token: secret, body: { payment_method: "PAYIN_ORANGE_CI", customer: { phone: CI_PHONE("00") } } });
  expect(p.status, p.text).toBe(201);
  return eventually(async () => {
    const s = (await t.call("GET", `/v1/checkout/sessions/${id}`, { token: m.sk })).body.data;
    return s.status === "complete" ? s : null;
  });
}

function delivery(event: { id: string; type: string; data: unknown }, t0?: number) {
  const raw = JSON.stringify({ ...event, created_at: new Date().toISOString() });
  return { raw, signature: signPayload(raw, SECRET, t0) };
}

const post = (raw: string, signature: string) =>
  fetch(`${shopUrl}/webhooks/zerofee`, { method: "POST", headers: { "content-type": "application/json", "x-zerofee-signature": signature }, body: raw });

describe("example merchant shop", () => {
  it("stores the order, then creates the session server-side with a per-order idempotency key, and redirects to the hosted page", async () => {
    const res = await fetch(`${shopUrl}/orders`, {
      method: "POST",
      body: "sku=mug",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(new RegExp(`^${t.url}/checkout/cs_`));
    const sessions = await t.call("GET", `/v1/checkout/sessions/${location.split("/").at(-1)}`, { token: m.sk });
    expect(sessions.body.data).toMatchObject({ amount: 2500, currency: "XOF", status: "open" });
    expect(sessions.body.data.reference).toMatch(/^ord_/);
    // The idempotency key per order: the same key replays the same session.
    const again = await t.call("POST", "/v1/checkout/sessions", {
      token: m.sk,
      idempotencyKey: `order:${sessions.body.data.reference}`,
      body: {
        amount: 2500,
        currency: "XOF",
        reference: sessions.body.data.reference,
        description: "Mug",
        success_url: `http://localhost:0/orders/${sessions.body.data.reference}/return`,
        cancel_url: "http://localhost:0/",
        metadata: { order_id: sessions.body.data.reference },
      },
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.data.id).toBe(sessions.body.data.id);
  });

  it("duplicate and replayed webhooks fulfil once; bad signatures and stale timestamps change nothing", async () => {
    const { orderId, url } = await shop.startCheckout("tshirt-xl");
    const session = await payAndGetSession(url);
    const event = { id: "evt_example_1", type: "checkout.completed", data: session };
    const forged = delivery(event);
    // One hex digit changed (to another digit: "v1=0…" stays forged when it began with 0).
    const tampered = forged.signature.replace(/v1=(.)/, (_m, c: string) => `v1=${c === "0" ? "1" : "0"}`);
    expect((await post(forged.raw, tampered)).status).toBe(400);
    const stale = delivery(event, Math.floor(Date.now() / 1000) - 3600);
    expect((await post(stale.raw, stale.signature)).status).toBe(400);
    expect(fulfilled.filter(([o]) => o === orderId)).toEqual([]);

    const first = delivery(event);
    const results = await Promise.all([post(first.raw, first.signature), post(first.raw, first.signature)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    // Replayed later with a fresh signature (a resend), and as a different event for the same session.
    const resend = delivery(event);
    expect(await (await post(resend.raw, resend.signature)).text()).toBe("duplicate");
    const other = delivery({ ...event, id: "evt_example_2" });
    expect(await (await post(other.raw, other.signature)).text()).toBe("already fulfilled");
    expect(fulfilled.filter(([o]) => o === orderId)).toEqual([[orderId, "webhook:evt_example_1"]]);
    // During a secret rotation ZeroFee sends two v1 values; any one may match.
    const rotated = delivery({ ...event, id: "evt_example_3" });
    expect(verifySignature(rotated.raw, `${rotated.signature},v1=${"0".repeat(64)}`, SECRET)).toBe(true);
    expect(verifySignature(rotated.raw, rotated.signature.replace(/v1=.*/, `v1=${"0".repeat(64)}`), SECRET)).toBe(false);
  });

  it("a late webhook: the return page reconciles from the session and fulfils; the webhook arriving after does not fulfil again", async () => {
    const { orderId, url } = await shop.startCheckout("mug");
    const session = await payAndGetSession(url);
    const page = await fetch(`${shopUrl}/orders/${orderId}/return`);
    expect(await page.text()).toContain('data-order-status="fulfilled"');
    expect(fulfilled.filter(([o]) => o === orderId)).toEqual([[orderId, "reconciliation"]]);
    const late = delivery({ id: "evt_example_late", type: "checkout.completed", data: session });
    expect(await (await post(late.raw, late.signature)).text()).toBe("already fulfilled");
    expect(fulfilled.filter(([o]) => o === orderId)).toHaveLength(1);
  });
});
