/**
 * BUI in test mode, through ZeroFee and BUI's real sandbox over HTTP:
 * - an app that stores its own test-mode credentials (an `api_key` and a `webhook_secret`)
 *   still gets ZeroFee's simulator's signed callbacks accepted: the simulator signs with the
 *   sandbox secret, and the app's `webhook_secret` is for a real sandbox behind
 *   `ZEROFEE_PROVIDER_BUI_SANDBOX_URL` or live mode only (docs/providers.md);
 * - the OTP instruction names Orange Money's #144*82# only for Orange Money CI.
 * Workers are off, so a payment that completes here was completed by its callback (or by the
 * OTP call), never by reconciliation.
 */
import { signPayload } from "@zerofee/providers";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerCallbacks } from "../../src/db/schema/index.js";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

const get = async (m: Merchant, id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
const refusedLogs = () => t.logs.filter((l) => l.includes("provider webhook refused") && l.includes('"bui"'));

describe("BUI with test-mode credentials stored", () => {
  it("the sandbox's signed callback is accepted and completes the payment", async () => {
    const m = await createMerchant(t, "bui-creds");
    const put = await t.call("PUT", `/v1/apps/${m.appId}/providers/bui`, {
      token: m.token,
      body: { mode: "test", credentials: { api_key: "bui_sandbox_abc", webhook_secret: "ws_mysecret" } },
    });
    expect(put.status, put.text).toBe(200);
    const created = await t.call("POST", "/v1/payments", {
      token: m.sk,
      body: { amount: 1500, payment_method: "PAYIN_MTN_CI", provider: "bui", customer: { phone: "+225 05 00 00 00 00" } },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.data.id as string;
    await eventually(async () => (await get(m, id)).status === "completed");
    const rows = await t.database.db
      .select()
      .from(providerCallbacks)
      .where(and(eq(providerCallbacks.provider, "bui"), eq(providerCallbacks.paymentId, id)));
    expect(rows.map((r) => r.reportedStatus)).toContain("completed");
    expect(refusedLogs()).toEqual([]);
  });

  it("a callback signed with the app's own test-mode webhook_secret is not taken for the sandbox's", async () => {
    const m = await createMerchant(t, "bui-forged");
    await t.call("PUT", `/v1/apps/${m.appId}/providers/bui`, {
      token: m.token,
      body: { mode: "test", credentials: { api_key: "bui_sandbox_abc", webhook_secret: "ws_known_to_the_app" } },
    });
    const created = await t.call("POST", "/v1/payments", {
      token: m.sk,
      body: { amount: 1500, payment_method: "PAYIN_MTN_CI", provider: "bui", customer: { phone: "+225 05 00 00 00 02" } },
    });
    expect(created.status, created.text).toBe(201);
    const atBui = await t.call("GET", `/sandbox/bui/v1.0/payments/${created.body.data.provider_reference}`, {
      headers: { authorization: "Bearer bui_sandbox_x" },
    });
    const body = JSON.stringify({
      id: `evt_forged_${created.body.data.id}`,
      event: "payment.succeeded",
      createdAt: new Date().toISOString(),
      data: { ...atBui.body.payments, status: "succeeded" },
    });
    const res = await t.call("POST", `/v1/webhooks/providers/bui?app=${m.appId}&mode=test`, {
      rawBody: body,
      headers: { "content-type": "application/json", "x-bui-signature": signPayload("ws_known_to_the_app", body, Math.floor(Date.now() / 1000)) },
    });
    expect(res.status).toBe(401);
    // Unchanged: still waiting for the customer.
    expect((await get(m, created.body.data.id)).status).toBe(created.body.data.status);
    expect(created.body.data.status).not.toBe("completed");
  });
});

describe("BUI OTP instructions per operator", () => {
  let m: Merchant;
  beforeAll(async () => {
    m = await createMerchant(t, "bui-otp");
  });
  const pay = (payment_method: string, phone: string) =>
    t.call("POST", "/v1/payments", { token: m.sk, body: { amount: 1500, payment_method, provider: "bui", customer: { phone } } });

  it("MTN CI asking for a code (…03) gets a neutral instruction, not Orange Money's #144*82#, and the code completes it", async () => {
    const created = await pay("PAYIN_MTN_CI", "+225 05 00 00 00 03");
    expect(created.status, created.text).toBe(201);
    expect(created.body.data.status).toBe("requires_action");
    const instructions: string = created.body.data.next_action.instructions;
    expect(created.body.data.next_action.type).toBe("otp");
    expect(instructions).not.toMatch(/Orange|#144/);
    expect(instructions).toMatch(/code/);
    expect(instructions).toContain("123456");
    const ok = await t.call("POST", `/v1/payments/${created.body.data.id}/authenticate`, { token: m.pk, body: { otp: "123456" } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.data.status).toBe("completed");
  });

  it("Moov CI (…03) is not told to dial Orange Money either", async () => {
    const created = await pay("PAYIN_MOOV_CI", "+225 01 00 00 00 03");
    expect(created.status, created.text).toBe(201);
    expect(created.body.data.next_action).toMatchObject({ type: "otp" });
    expect(created.body.data.next_action.instructions).not.toMatch(/Orange|#144/);
  });

  it("Orange Money CI keeps its #144*82# instruction", async () => {
    const created = await pay("PAYIN_ORANGE_CI", "+225 07 00 00 00 00");
    expect(created.status, created.text).toBe(201);
    expect(created.body.data.next_action).toMatchObject({ type: "otp" });
    expect(created.body.data.next_action.instructions).toMatch(/#144\*82#.*Orange Money/);
  });
});
