/**
 * BUI's sandbox speaks BUI's API (paths, Bearer auth, X-Idempotence-Key, error bodies) and
 * ZeroFee's adapter speaks it back: both over real HTTP, state in the app's database.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t);
});
afterAll(() => t.stop());

const KEY = { authorization: "Bearer bui_sandbox_anything" };
const bui = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  t.call(method, `/sandbox/bui/v1.0${path}`, { body, headers: { ...KEY, ...headers } });
const payIn = (reference: string, recipient = "+2250500000000", service = "PAYIN_MTN_CI") => ({
  paymentMethod: "mobile_money",
  mobileMoney: { service, amount: 1500, recipient, reference },
  customer: { phoneNumber: recipient },
});
const pay = (body: Record<string, unknown>) => t.call("POST", "/v1/payments", { token: m.sk, body: { provider: "bui", ...body } });

describe("BUI sandbox wire", () => {
  it("refuses a call without a Bearer key, with BUI's error body", async () => {
    const res = await t.call("GET", "/sandbox/bui/v1.0/payments/nope");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: expect.any(String) });
  });

  it("names the failing field of an invalid body", async () => {
    const res = await bui("POST", "/payments", payIn(randomUUID(), "0500000000"));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, field: "mobileMoney.recipient" });
  });

  it("is idempotent on the reference: same key, same payment; a new key is a 409", async () => {
    const reference = randomUUID();
    const first = await bui("POST", "/payments", payIn(reference), { "x-idempotence-key": reference });
    expect(first.status).toBe(201);
    expect(first.body.payments).toMatchObject({ reference, status: "pending", amount: 1500, currency: "XOF" });
    const again = await bui("POST", "/payments", payIn(reference), { "x-idempotence-key": reference });
    expect(again.status).toBe(200);
    expect(again.body.payments.id).toBe(first.body.payments.id);
    const clash = await bui("POST", "/payments", payIn(reference), { "x-idempotence-key": randomUUID() });
    expect(clash.status).toBe(409);
    // BUI's id and our reference both find it.
    expect((await bui("GET", `/payments/${first.body.payments.id}`)).body.payments.reference).toBe(reference);
    expect((await bui("GET", `/payments/${reference}`)).body.payments.id).toBe(first.body.payments.id);
  });

  it("…05 answers 503 and keeps nothing: the status call says 404", async () => {
    const reference = randomUUID();
    expect((await bui("POST", "/payments", payIn(reference, "+2250500000005"))).status).toBe(503);
    expect((await bui("GET", `/payments/${reference}`)).status).toBe(404);
  });

  it("OTP: 409 when none is awaited, 422 on a wrong code, and the third wrong one fails the payment", async () => {
    const ussd = await bui("POST", "/payments", payIn(randomUUID()));
    expect((await bui("POST", `/payments/${ussd.body.payments.id}/otp`, { otpCode: "123456" })).status).toBe(409);
    const otp = await bui("POST", "/payments", payIn(randomUUID(), "+2250700000000", "PAYIN_ORANGE_CI"));
    expect(otp.body.payments.status).toBe("otp_required");
    const id = otp.body.payments.id;
    for (const code of ["1", "2"]) {
      const wrong = await bui("POST", `/payments/${id}/otp`, { otpCode: code });
      expect(wrong.status).toBe(422);
      expect(wrong.body).toMatchObject({ statusCode: 422, field: "otpCode" });
    }
    expect((await bui("GET", `/payments/${id}`)).body.payments.status).toBe("otp_required");
    expect((await bui("POST", `/payments/${id}/otp`, { otpCode: "3" })).status).toBe(422);
    expect((await bui("GET", `/payments/${id}`)).body.payments).toMatchObject({ status: "failed", failureReason: expect.stringMatching(/OTP/) });
  });
});

describe("BUI through ZeroFee", () => {
  it("an OTP payment carries BUI's id and stays requires_action after a wrong code", async () => {
    const created = await pay({ amount: 2000, payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 00" } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ status: "requires_action", provider: "bui", provider_reference: expect.stringMatching(/^pay_/) });
    const wrong = await t.call("POST", `/v1/payments/${created.body.data.id}/authenticate`, { token: m.pk, body: { otp: "999999" } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe("invalid_otp");
    const right = await t.call("POST", `/v1/payments/${created.body.data.id}/authenticate`, { token: m.pk, body: { otp: "123456" } });
    expect(right.status).toBe(200);
    expect(right.body.data.status).toBe("completed");
  });

  it("Cameroon pays in XAF, by USSD push", async () => {
    const cm = await pay({ amount: 500, payment_method: "PAYIN_MTN_CM", customer: { phone: "+237 6 70 00 00 00" } });
    expect(cm.status).toBe(201);
    expect(cm.body.data).toMatchObject({ currency: "XAF", next_action: { type: "ussd_push" } });
  });

  it("_control down: every call answers 503, nothing is kept, and the create says provider_unavailable", async () => {
    const down = await t.call("POST", "/sandbox/bui/_control", { body: { down: true } });
    expect(down.body).toMatchObject({ down: true });
    try {
      const reference = randomUUID();
      expect((await bui("POST", "/payments", payIn(reference))).status).toBe(503);
      expect((await bui("GET", `/payments/${reference}`)).status).toBe(503);
      const created = await pay({ amount: 1500, payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 00" } });
      expect(created.status).toBe(503);
      expect(created.body.error.code).toBe("provider_unavailable");
    } finally {
      await t.call("POST", "/sandbox/bui/_control", { body: { down: false } });
    }
    expect((await bui("GET", "/payments/nothing-kept")).status).toBe(404);
  });

  it("drop_callbacks: no callback arrives, and a status call still tells the truth", async () => {
    await t.call("POST", "/sandbox/bui/_control", { body: { drop_callbacks: true } });
    try {
      const created = await pay({ amount: 1500, payment_method: "PAYIN_MOOV_CI", customer: { phone: "+225 01 00 00 00 00" } });
      const reference = created.body.data.provider_reference as string;
      await eventually(async () => (await bui("GET", `/payments/${reference}`)).body.payments.status === "succeeded");
      // The sandbox knows; ZeroFee was not told (reconciliation's job).
      expect((await t.call("GET", `/v1/payments/${created.body.data.id}`, { token: m.sk })).body.data.status).toBe("requires_action");
    } finally {
      await t.call("POST", "/sandbox/bui/_control", { body: { drop_callbacks: false } });
    }
  });

  it("a forged callback (no valid X-Bui-Signature) is refused and changes nothing", async () => {
    const created = await pay({ amount: 1500, payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 02" } });
    const status = await bui("GET", `/payments/${created.body.data.provider_reference}`);
    const body = JSON.stringify({
      id: "evt_forged",
      event: "payment.succeeded",
      createdAt: new Date().toISOString(),
      data: { ...status.body.payments, status: "succeeded" },
    });
    const res = await t.call("POST", "/v1/webhooks/providers/bui", {
      rawBody: body,
      headers: { "content-type": "application/json", "x-bui-signature": `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}` },
    });
    expect(res.status).toBe(401);
    expect((await t.call("GET", `/v1/payments/${created.body.data.id}`, { token: m.sk })).body.data.status).toBe("requires_action");
  });
});
