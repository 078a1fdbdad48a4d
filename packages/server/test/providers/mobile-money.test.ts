/**
 * Hub2 and PawaPay adapters against their sandboxes over real HTTP (the app's own database
 * keeps the simulators' state): one provider payment per provider-side id, and inbound
 * messages that prove nothing change nothing.
 */
import { randomUUID } from "node:crypto";
import { type InitiateInput, PROVIDERS, type ProviderContext } from "@zerofee/providers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countSandboxRecords } from "../../src/services/sandbox/store.js";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { rows } from "../reliability/helpers.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp({ env: { ZEROFEE_SANDBOX_CONFIRM_MS: "100" } });
  m = await createMerchant(t);
});
afterAll(() => t.stop());

const ctx = (provider: string): ProviderContext => ({
  baseUrl: `${t.url}/sandbox/${provider}`,
  credentials: {},
  livemode: false,
  timeoutMs: 5000,
  webhookSecret: "",
});
const input = (method: string, phone: string): InitiateInput => ({
  providerPaymentId: randomUUID(),
  amount: 1500,
  currency: "XOF",
  paymentMethod: method,
  country: "CI",
  operator: null,
  customer: { phone },
  returnUrl: `${t.url}/v1/payments/txn_x/return`,
  callbackUrl: `${t.url}/v1/webhooks/providers/x`,
});
const create = (provider: string, method: string, phone: string) =>
  t.call("POST", "/v1/payments", { token: m.sk, body: { amount: 1500, payment_method: method, provider, customer: { phone } } });
/** A deposit callback body claiming success. */
const forgedDeposit = (depositId: string) =>
  JSON.stringify({
    depositId,
    status: "COMPLETED",
    amount: "1500",
    currency: "XOF",
    country: "CIV",
    payer: { type: "MMO", accountDetails: { phoneNumber: "2250500000002", provider: "MTN_MOMO_CIV" } },
    created: new Date().toISOString(),
  });
const read = async (id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;

describe("PawaPay", () => {
  const pawapay = PROVIDERS.pawapay.adapter;

  it("a repeated initiation with the same depositId is DUPLICATE_IGNORED: one deposit at PawaPay", async () => {
    const before = await countSandboxRecords(t.database.db, "pawapay");
    const first = input("PAYIN_MTN_CI", "+2250500000002");
    const a = await pawapay.initiate(ctx("pawapay"), first);
    const b = await pawapay.initiate(ctx("pawapay"), first);
    expect(a).toMatchObject({ outcome: "accepted", providerReference: first.providerPaymentId });
    expect(b).toMatchObject({ outcome: "accepted", providerReference: first.providerPaymentId });
    const raw = await t.call("POST", "/sandbox/pawapay/v2/deposits", {
      headers: { authorization: "Bearer any" },
      body: {
        depositId: first.providerPaymentId,
        amount: "1500",
        currency: "XOF",
        payer: { type: "MMO", accountDetails: { phoneNumber: "2250500000002", provider: "MTN_MOMO_CIV" } },
      },
    });
    expect(raw.body.status).toBe("DUPLICATE_IGNORED");
    expect(await countSandboxRecords(t.database.db, "pawapay")).toBe(before + 1);
  });

  it("…05 keeps nothing: the status call on the depositId says NOT_FOUND", async () => {
    const lost = input("PAYIN_MTN_CI", "+2250500000005");
    expect(await pawapay.initiate(ctx("pawapay"), lost)).toMatchObject({ outcome: "ambiguous" });
    expect(await pawapay.getStatus(ctx("pawapay"), { providerPaymentId: lost.providerPaymentId, providerReference: null, data: {} })).toEqual({
      kind: "not_found",
    });
  });

  it("an unsigned callback PawaPay's status call does not confirm is 400 and changes nothing", async () => {
    const created = await create("pawapay", "PAYIN_MTN_CI", "+225 05 00 00 00 02");
    expect(created.status).toBe(201);
    const depositId = created.body.data.provider_reference as string;
    const forged = forgedDeposit(depositId);
    const callbacks = async () => (await rows(t.database.db, sql`select 1 from provider_callbacks where provider = 'pawapay'`)).length;
    const before = await callbacks();
    const res = await t.call("POST", "/v1/webhooks/providers/pawapay", { rawBody: forged, headers: { "content-type": "application/json" } });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.code).toBe("webhook_unconfirmed");
    expect((await read(created.body.data.id)).status).toBe("requires_action");
    expect(await callbacks()).toBe(before);
    // Not a deposit PawaPay (or ZeroFee) knows: refused too.
    const unknown = await t.call("POST", "/v1/webhooks/providers/pawapay", {
      rawBody: forged.replace(depositId, randomUUID()),
      headers: { "content-type": "application/json" },
    });
    expect(unknown.status).toBe(400);
    expect(await callbacks()).toBe(before);
  });

  it("a callback with a signature that does not verify is refused, even for a real deposit", async () => {
    const created = await create("pawapay", "PAYIN_MTN_CI", "+225 05 00 00 00 02");
    const depositId = created.body.data.provider_reference as string;
    const res = await t.call("POST", "/v1/webhooks/providers/pawapay", {
      rawBody: forgedDeposit(depositId),
      headers: {
        "content-type": "application/json",
        "content-digest": "sha-512=:AAAA:",
        "signature-input":
          'sig-pp=("@method" "@authority" "@path" "signature-date" "content-digest" "content-type");created=1;keyid="sandbox-x";alg="ecdsa-p256-sha256"',
        signature: "sig-pp=:MEUCIQCgPEyfdQGgTrHT+uCrb7uUdVfoDnU5TwlNdV1otILCFAIgNpekjhkaTHin5MQqZnBt8/3XY5nOqZd1UAGZTYUH9Ds=:",
      },
    });
    expect(res.status).toBe(401);
    expect((await read(created.body.data.id)).status).toBe("requires_action");
  });

  it("refunds: idempotent on our refund id, never above what was paid", async () => {
    const paid = input("PAYIN_MTN_CI", "+2250500000000");
    expect(await pawapay.initiate(ctx("pawapay"), paid)).toMatchObject({ outcome: "accepted" });
    const ref = { providerPaymentId: paid.providerPaymentId, providerReference: paid.providerPaymentId, data: {} };
    await eventually(async () => {
      const s = await pawapay.getStatus(ctx("pawapay"), ref);
      return s.kind === "found" && s.status === "completed";
    });
    const first = await pawapay.refund(ctx("pawapay"), ref, { refundId: "re_one", amount: 1000, currency: "XOF" });
    const again = await pawapay.refund(ctx("pawapay"), ref, { refundId: "re_one", amount: 1000, currency: "XOF" });
    expect(first).toMatchObject({ kind: "accepted", status: "pending" });
    expect(again).toEqual(first);
    expect(await pawapay.refund(ctx("pawapay"), ref, { refundId: "re_two", amount: 501, currency: "XOF" })).toMatchObject({
      kind: "rejected",
      code: "AMOUNT_TOO_LARGE",
    });
    expect(await pawapay.refund(ctx("pawapay"), ref, { refundId: "re_three", amount: 500, currency: "XOF" })).toMatchObject({ kind: "accepted" });
  });

  it("_control down: initiation is REJECTED (not processed), so create answers 503 and nothing is kept", async () => {
    const before = await countSandboxRecords(t.database.db, "pawapay");
    await t.call("POST", "/sandbox/pawapay/_control", { body: { down: true } });
    try {
      const res = await create("pawapay", "PAYIN_MTN_CI", "+225 05 00 00 00 00");
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("provider_unavailable");
    } finally {
      await t.call("POST", "/sandbox/pawapay/_control", { body: { down: false } });
    }
    expect(await countSandboxRecords(t.database.db, "pawapay")).toBe(before);
  });
});

describe("Hub2", () => {
  const hub2 = PROVIDERS.hub2.adapter;

  it("a repeated initiation with the same purchaseReference finds its intent and never attempts twice", async () => {
    const first = input("PAYIN_MTN_CI", "+2250500000002");
    const a = await hub2.initiate(ctx("hub2"), first);
    const b = await hub2.initiate(ctx("hub2"), first);
    expect(a.outcome).toBe("accepted");
    expect(b.outcome === "accepted" && a.outcome === "accepted" && b.providerReference === a.providerReference).toBe(true);
    const intent = await t.call("GET", `/sandbox/hub2/payment-intents/${a.outcome === "accepted" ? a.providerReference : ""}`, {
      headers: { apikey: "k", merchantid: "m", environment: "sandbox" },
    });
    expect(intent.body.payments).toHaveLength(1);
    expect(intent.body.purchaseReference).toBe(first.providerPaymentId);
  });

  it("a webhook without a valid Hub2-Signature answers 401 and changes nothing", async () => {
    const created = await create("hub2", "PAYIN_MTN_CI", "+225 05 00 00 00 02");
    expect(created.status).toBe(201);
    const intentId = created.body.data.provider_reference as string;
    const intent = await t.call("GET", `/sandbox/hub2/payment-intents/${intentId}`, { headers: { apikey: "k", merchantid: "m", environment: "sandbox" } });
    const forged = JSON.stringify({
      id: "evt_forged",
      type: "payment_intent.succeeded",
      createdAt: new Date().toISOString(),
      data: { ...intent.body, status: "succeeded" },
    });
    for (const headers of [{}, { "hub2-signature": "s1=00" }] as Record<string, string>[]) {
      const res = await t.call("POST", "/v1/webhooks/providers/hub2", { rawBody: forged, headers: { "content-type": "application/json", ...headers } });
      expect(res.status).toBe(401);
    }
    expect((await read(created.body.data.id)).status).toBe("requires_action");
  });

  it("_control down: every API call answers 503 and create answers 503 provider_unavailable", async () => {
    await t.call("POST", "/sandbox/hub2/_control", { body: { down: true } });
    try {
      const res = await create("hub2", "PAYIN_MTN_CI", "+225 05 00 00 00 00");
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("provider_unavailable");
      const status = await t.call("GET", "/sandbox/hub2/payment-intents?purchaseReference=x", {
        headers: { apikey: "k", merchantid: "m", environment: "sandbox" },
      });
      expect(status.status).toBe(503);
    } finally {
      await t.call("POST", "/sandbox/hub2/_control", { body: { down: false } });
    }
  });
});
