/**
 * A checkout session must be payable (SPEC §8): one whose currency no allowed method takes
 * would show the customer an empty page and refuse every payment (`method_not_supported`), so
 * its creation is refused with a 400 naming what to change. The sessions accepted are the
 * ones whose hosted page has something to offer.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "payable-sessions");
});
afterAll(() => t?.stop());

const create = (extra: Record<string, unknown>) =>
  t.call("POST", "/v1/checkout/sessions", {
    token: m.sk,
    idempotencyKey: randomUUID(),
    body: { amount: 1500, currency: "XOF", reference: `order-${randomUUID()}`, success_url: "http://127.0.0.1:9/ok", ...extra },
  });

describe("checkout sessions nobody could pay", () => {
  it("are refused at creation with 400 naming allowed_methods, allowed_countries or currency", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      // The reviewer's case: Orange Money Côte d'Ivoire takes XOF only.
      [{ currency: "EUR", allowed_methods: ["PAYIN_ORANGE_CI"] }, "allowed_methods"],
      [{ currency: "XOF", allowed_methods: ["PAYIN_PAYPAL"] }, "allowed_methods"],
      // Uganda's methods take UGX, the card does not: nothing left in Côte d'Ivoire.
      [{ currency: "UGX", allowed_countries: ["CI"] }, "allowed_countries"],
      [{ currency: "XOF", allowed_methods: ["PAYIN_ORANGE_CI"], allowed_countries: ["SN"] }, "allowed_countries"],
      // A currency ZeroFee knows that no method takes.
      [{ currency: "GNF" }, "currency"],
    ];
    for (const [extra, param] of cases) {
      const r = await create(extra);
      expect(r.status, `${JSON.stringify(extra)} → ${r.text}`).toBe(400);
      expect(r.body.error, JSON.stringify(extra)).toMatchObject({ code: "validation_error", param });
    }
  });

  it("payable sessions are accepted, and their hosted page's catalogue offers a method", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ currency: "EUR", allowed_methods: ["PAYIN_CARD", "PAYIN_ORANGE_CI"] }, "PAYIN_CARD"],
      [{ currency: "XOF", allowed_countries: ["CI"] }, "PAYIN_ORANGE_CI"],
      [{ currency: "EUR" }, "PAYIN_PAYPAL"],
      // The card takes XOF whatever the country list says (global methods have no country).
      [{ currency: "XOF", allowed_countries: ["GH"] }, "PAYIN_CARD"],
      [{ currency: "UGX", allowed_countries: ["UG"] }, "PAYIN_MTN_UG"],
    ];
    for (const [extra, method] of cases) {
      const r = await create(extra);
      expect(r.status, `${JSON.stringify(extra)} → ${r.text}`).toBe(201);
      const catalogue = await t.call("GET", "/v1/checkout/methods", { token: r.body.data.client_secret });
      expect(catalogue.status, catalogue.text).toBe(200);
      const offered = [
        ...catalogue.body.data.countries.flatMap((c: { methods: Array<{ code: string }> }) => c.methods.map((x) => x.code)),
        ...catalogue.body.data.global_methods.map((x: { code: string }) => x.code),
      ];
      expect(offered, JSON.stringify(extra)).toContain(method);
    }
  });
});
