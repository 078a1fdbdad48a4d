import { describe, expect, it } from "vitest";
import type { InitiateInput, ProviderContext } from "../contract.js";
import { allowedFor, type DocumentedMeaning, statusMapContradictions } from "../sandbox/documented-statuses.js";
import { initRequest, paiementproAdapter, statusBase } from "./adapter.js";
import { CHANNELS, InitRequest, LIVE_BASE_URL, mapResponseCode, Notification, RESPONSE_CODES, StatusBody } from "./wire.js";

const ctx: ProviderContext = { baseUrl: "http://127.0.0.1:9/sandbox/paiementpro", credentials: {}, livemode: false, timeoutMs: 1000, webhookSecret: "s" };
const input = (over: Partial<InitiateInput> = {}): InitiateInput => ({
  providerPaymentId: "0b8a3c1e-77f4-4d55-8a1e-3f1f1a2b3c4d",
  amount: 5000,
  currency: "XOF",
  paymentMethod: "PAYIN_ORANGE_CI",
  country: "CI",
  operator: "ORANGE",
  customer: { phone: "+2250700000000", name: "Kouadio Yao", email: "k@example.com" },
  description: "Order 7",
  returnUrl: "http://127.0.0.1:1/v1/payments/txn_1/return",
  callbackUrl: "http://127.0.0.1:1/v1/webhooks/providers/paiementpro",
  ...over,
});

describe("PaiementPro response codes", () => {
  it("maps every code as PaiementPro documents it, and no code yet as still open", () => {
    // providers.md §4.4: `responsecode` 0 = success [C]; other values not confirmed [U] —
    // `-1` and `1` are failures in the integrations seen, `-2` the sandbox's customer cancel.
    const documented: Record<(typeof RESPONSE_CODES)[number], DocumentedMeaning> = { "0": "paid", "-1": "declined", "1": "declined", "-2": "cancelled" };
    expect(statusMapContradictions(RESPONSE_CODES, mapResponseCode, documented)).toEqual([]);
    // No notification yet: the customer is still on the hosted page.
    expect(allowedFor("awaiting_customer", mapResponseCode(null))).toBe(true);
  });
  it("reads codes sent as numbers or strings, and refuses unknown ones", () => {
    const base = { merchantId: "PP-F1", referenceNumber: "r", amount: 100 };
    expect(Notification.parse({ ...base, responsecode: 0 }).responsecode).toBe("0");
    expect(Notification.parse({ ...base, responsecode: "-1" }).responsecode).toBe("-1");
    expect(Notification.safeParse({ ...base, responsecode: 7 }).success).toBe(false);
  });
  it("parses the status body, spelling included", () => {
    const s = StatusBody.parse({
      success: true,
      responsecode: 0,
      reference: "r",
      pay_id: "CI2023013113165473",
      marchant_id: "PP-F1",
      amount: 5000,
      channel: "OMCIV2",
      date: "2023-01-31 13:20:51",
      token: "t",
    });
    expect(s.responsecode).toBe("0");
  });
});

describe("PaiementPro init request", () => {
  it("sends the documented JSON fields: XOF as 952, whole amount, channel, our id as reference", () => {
    const built = initRequest(ctx, input());
    if (!("body" in built)) throw new Error(built.reason);
    expect(InitRequest.parse(built.body)).toEqual(built.body);
    expect(built.body).toMatchObject({
      merchantId: "PP-F0000",
      amount: 5000,
      channel: "OMCIV2",
      countryCurrencyCode: "952",
      referenceNumber: input().providerPaymentId,
      customerFirstName: "Kouadio",
      customerLastname: "Yao",
      customerPhoneNumber: "2250700000000",
      notificationURL: input().callbackUrl,
      returnURL: input().returnUrl,
    });
  });
  it("uses the app's merchant id, and leaves the channel empty where none is published", () => {
    const built = initRequest(
      { ...ctx, credentials: { merchant_id: "PP-F105" } },
      input({ paymentMethod: "PAYIN_FREE_SN", customer: { phone: "+221760000000" } }),
    );
    expect(built).toMatchObject({ body: { merchantId: "PP-F105", channel: "" } });
    expect(CHANNELS.PAYIN_CARD).toBe("CARD");
  });
  it("refuses, without sending anything, a currency or method it does not take", async () => {
    expect(initRequest(ctx, input({ paymentMethod: "PAYIN_CARD", currency: "EUR", amount: 1000 }))).toHaveProperty("reason");
    expect(initRequest(ctx, input({ paymentMethod: "PAYIN_MPESA_KE" }))).toHaveProperty("reason");
    expect(await paiementproAdapter.initiate(ctx, input({ currency: "EUR" }))).toMatchObject({ outcome: "rejected", code: "unsupported_payment" });
  });
  it("asks the status API on its own host in production, at the same root in the sandbox", () => {
    expect(statusBase({ ...ctx, baseUrl: LIVE_BASE_URL })).toBe("https://api.paiementpro.net");
    expect(statusBase(ctx)).toBe(ctx.baseUrl);
    expect(statusBase({ ...ctx, credentials: { status_base_url: "https://pp.example" } })).toBe("https://pp.example");
  });
  it("waits 3 s then checks 1/2/4 s apart on return (SPEC §3)", () => {
    expect(paiementproAdapter.metadata.returnCheck).toEqual({ initialDelayMs: 3000, retryDelaysMs: [1000, 2000, 4000] });
  });
});

describe("PaiementPro notification", () => {
  const fields = { merchantId: "PP-F1", referenceNumber: "0b8a", amount: 5000, transactiondt: "2026-11-26 10:00:00", responsecode: 0, hashcode: "ab" };
  it("is never trusted alone: every event asks the server to confirm with a status call", async () => {
    const out = await paiementproAdapter.parseWebhook(ctx, { headers: {}, rawBody: JSON.stringify(fields) });
    expect(out).toEqual({ kind: "event", eventId: "0b8a:0", providerPaymentId: "0b8a", status: "completed", confirmWithStatus: true });
  });
  it("reads a form-encoded notification too", async () => {
    const form = new URLSearchParams({ ...fields, amount: "5000", responsecode: "-1" }).toString();
    expect(await paiementproAdapter.parseWebhook(ctx, { headers: {}, rawBody: form })).toMatchObject({ status: "failed", confirmWithStatus: true });
  });
  it("refuses what is not a notification", async () => {
    expect(await paiementproAdapter.parseWebhook(ctx, { headers: {}, rawBody: '{"hello":1}' })).toMatchObject({ kind: "invalid" });
  });
});
