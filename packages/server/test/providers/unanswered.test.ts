/**
 * SPEC §14: a customer who never answers (`…02`, an OTP never typed, a payment page never
 * completed) leaves the payment open "until reconciliation or expiry". Providers without a
 * cancel call (PawaPay, Hub2, BUI, PaiementPro) can only be closed once they say so, so their
 * simulators end such a payment as the real ones do — after `ZEROFEE_SANDBOX_UNANSWERED_S`
 * (10 minutes by default; 1 s here) — and ZeroFee then closes it: by the provider's callback,
 * or by reconciliation where the provider sends none (BUI's `expired`). Before, these payments
 * stayed open for ever, and a checkout session with one could never be paid nor expired.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcilePayments } from "../../src/jobs/reconcile.js";
import { pay as checkoutPay, createSession } from "../checkout/helpers.js";
import { CI_PHONE, createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp({ env: { ZEROFEE_SANDBOX_CONFIRM_MS: "100", ZEROFEE_SANDBOX_UNANSWERED_S: "1", ZEROFEE_RECONCILE_AFTER_S: "0" } });
  m = await createMerchant(t, "unanswered");
});
afterAll(() => t.stop());

const get = async (id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
const mtn = (ending: string) => ({ payment_method: "PAYIN_MTN_CI", customer: { phone: CI_PHONE(ending).replace("07", "05") } });
const orange = (ending: string) => ({ payment_method: "PAYIN_ORANGE_CI", customer: { phone: CI_PHONE(ending) } });

/** The payment once final: its provider's callback, else reconciliation's status call, ends it. */
const settled = (id: string) =>
  eventually(async () => {
    const p = await get(id);
    if (p.status === "pending" || p.status === "requires_action") await reconcilePayments(t.app.ctx);
    return p.status === "pending" || p.status === "requires_action" ? null : p;
  }, 15_000);

describe("a customer who never answers", () => {
  it.each([
    ["pawapay", "a USSD prompt never approved", mtn("02"), "PAYMENT_NOT_APPROVED"],
    ["hub2", "a USSD prompt never approved", mtn("02"), "expired"],
    ["hub2", "an Orange OTP never typed", orange("03"), "expired"],
    ["bui", "a USSD prompt never approved", mtn("02"), null],
    ["bui", "an Orange OTP never typed", orange("00"), null],
    ["paiementpro", "a payment page never completed", { payment_method: "PAYIN_CARD", success_url: "https://merchant.example/ok" }, null],
  ] as const)("%s, %s: the provider ends it, and so does ZeroFee", async (provider, _what, body, code) => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: { amount: 1500, provider, ...body } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.data.status).toMatch(/pending|requires_action/);
    const done = await settled(res.body.data.id);
    expect(done.status).toBe("failed");
    if (code) expect(done.failure_code).toBe(code);
    // Terminal: nothing more to ask, nothing changes it.
    await reconcilePayments(t.app.ctx);
    expect((await get(res.body.data.id)).status).toBe("failed");
  });

  it("a checkout session whose payment nobody answered can be paid again once the provider gives up", async () => {
    const rule = await t.call("PUT", `/v1/apps/${m.appId}/routing`, {
      token: m.token,
      body: { mode: "test", rules: [{ payment_method: "PAYIN_MTN_CI", providers: ["pawapay"] }] },
    });
    expect(rule.status, rule.text).toBe(200);
    const session = await createSession(t, m);
    const first = await checkoutPay(t, session.client_secret, { ...mtn("02") });
    expect(first.status, first.text).toBe(201);
    // While the provider still waits on the customer, a second payment is refused (SPEC §8).
    const meanwhile = await checkoutPay(t, session.client_secret, { ...mtn("00") });
    expect(meanwhile.status).toBe(409);
    expect((await settled(first.body.data.id)).status).toBe("failed");
    const again = await checkoutPay(t, session.client_secret, { ...mtn("00") });
    expect(again.status, again.text).toBe(201);
    expect((await settled(again.body.data.id)).status).toBe("completed");
  });
});
