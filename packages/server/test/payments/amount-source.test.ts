/**
 * `amount_source` on the payment object (SPEC §8): `client` when the browser set the amount
 * (checkout's simple mode, a publishable key), `server` otherwise (the API, a checkout
 * session) — in every place the payment is read: the create answer, get and list (JSON built
 * in SQL), and the events' data. The `metadata.amount_source` copy of simple-mode payments is
 * kept for integrations written before the field.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CI_PHONE, createMerchant, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "amount-source");
});
afterAll(() => t?.stop());

const browserPay = (token: string, body: Record<string, unknown>) =>
  t.call("POST", "/v1/checkout/pay", { token, body, headers: { origin: "http://shop.example" }, idempotencyKey: randomUUID() });

/** The payment as each read shows it: get, list (filtered by reference) and its payment.created event. */
async function reads(id: string, reference: string) {
  const got = (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
  const listed = (await t.call("GET", `/v1/payments?reference=${encodeURIComponent(reference)}`, { token: m.sk })).body.data;
  const events = (await t.call("GET", "/v1/events?type=payment.created&limit=100", { token: m.sk })).body.data;
  const event = events.find((e: { data: { id: string } }) => e.data.id === id);
  return { got, listed: listed.find((p: { id: string }) => p.id === id), event: event?.data };
}

describe("amount_source", () => {
  it("a payment created by the merchant's server (POST /v1/payments) is `server`", async () => {
    const reference = `api-${randomUUID()}`;
    const created = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02", { reference }), idempotencyKey: randomUUID() });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data.amount_source).toBe("server");
    const { got, listed, event } = await reads(created.body.data.id, reference);
    for (const p of [got, listed, event]) expect(p).toMatchObject({ amount_source: "server", metadata: {} });
  });

  it("simple mode (publishable key, the page sets the amount) is `client`, with the metadata copy kept", async () => {
    const reference = `simple-${randomUUID()}`;
    const r = await browserPay(m.pk, { amount: 700, currency: "XOF", payment_method: "PAYIN_ORANGE_CI", customer: { phone: CI_PHONE("02") }, reference });
    expect(r.status, r.text).toBe(201);
    const { got, listed, event } = await reads(r.body.data.id, reference);
    for (const p of [got, listed, event]) expect(p).toMatchObject({ amount: 700, amount_source: "client", metadata: { amount_source: "client" } });
  });

  it("a checkout session's payment (the server set the amount in the session) is `server`", async () => {
    const reference = `session-${randomUUID()}`;
    const s = await t.call("POST", "/v1/checkout/sessions", {
      token: m.sk,
      idempotencyKey: randomUUID(),
      body: { amount: 2500, currency: "XOF", reference, success_url: "http://127.0.0.1:9/ok" },
    });
    expect(s.status, s.text).toBe(201);
    const r = await browserPay(s.body.data.client_secret, { payment_method: "PAYIN_ORANGE_CI", customer: { phone: CI_PHONE("02") } });
    expect(r.status, r.text).toBe(201);
    const got = (await t.call("GET", `/v1/payments/${r.body.data.id}`, { token: m.sk })).body.data;
    expect(got).toMatchObject({ amount: 2500, amount_source: "server" });
    expect(got.metadata.amount_source).toBeUndefined();
  });

  it("the OpenAPI document publishes the field on Payment as server | client", async () => {
    const doc = (await t.call("GET", "/openapi.json")).body;
    const field = doc.components.schemas.Payment.properties.amount_source;
    expect(field.enum).toEqual(["server", "client"]);
    expect(doc.components.schemas.Payment.required).toContain("amount_source");
  });
});
