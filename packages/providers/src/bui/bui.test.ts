import { describe, expect, it } from "vitest";
import type { InitiateInput, ProviderContext } from "../contract.js";
import { type DocumentedMeaning, statusMapContradictions } from "../sandbox/documented-statuses.js";
import { signPayload, verifySignature } from "../sandbox/signature.js";
import { buiAdapter, paymentRequest } from "./adapter.js";
import { BUI_SERVICES, BUI_SIGNATURE_HEADER, BUI_STATUSES, mapStatus, PaymentRequest } from "./wire.js";

const ctx: ProviderContext = { baseUrl: "http://127.0.0.1:9/sandbox/bui", credentials: {}, livemode: false, timeoutMs: 1000, webhookSecret: "whsec_test" };
const input = (over: Partial<InitiateInput> = {}): InitiateInput => ({
  providerPaymentId: "4b0d1a44-9a5e-4d1b-9a55-0c3f2d7f6b11",
  amount: 1500,
  currency: "XOF",
  paymentMethod: "PAYIN_ORANGE_CI",
  country: "CI",
  operator: "ORANGE",
  customer: { phone: "+2250700000000", name: "Awa Koné Traoré", email: "awa@example.com" },
  description: "Order 42",
  returnUrl: "http://127.0.0.1:1/v1/payments/txn_1/return",
  callbackUrl: "http://127.0.0.1:1/v1/webhooks/providers/bui",
  ...over,
});

const payment = (status: string) => ({
  id: "pay_1",
  reference: "4b0d1a44-9a5e-4d1b-9a55-0c3f2d7f6b11",
  service: "PAYIN_MTN_CI",
  amount: 1500,
  currency: "XOF",
  recipient: "+2250500000000",
  status,
  paymentUrl: null,
  failureReason: status === "failed" ? "insufficient funds" : null,
  createdAt: "2026-11-26T10:00:00.000Z",
  updatedAt: "2026-11-26T10:00:02.000Z",
});

describe("BUI status map", () => {
  it("maps every BUI status as its name documents it", () => {
    // providers.md §5: BUI's status values are not published [U]; these are the sandbox's
    // names, each read for what it says: `expired` = BUI gave up waiting, nothing was paid.
    const documented: Record<(typeof BUI_STATUSES)[number], DocumentedMeaning> = {
      pending: "in_flight",
      otp_required: "awaiting_customer",
      processing: "in_flight",
      succeeded: "paid",
      failed: "declined",
      cancelled: "cancelled",
      expired: "gave_up",
    };
    expect(statusMapContradictions(BUI_STATUSES, mapStatus, documented)).toEqual([]);
    // Orange CI by OTP (providers.md §5): the OTP wait is the customer's to end.
    expect(mapStatus("otp_required")).toBe("requires_action");
  });
});

describe("BUI pay-in request", () => {
  it("sends the documented body: service, integer amount, E.164 recipient, our id as reference", () => {
    const built = paymentRequest(input());
    if (!("body" in built)) throw new Error(built.reason);
    expect(PaymentRequest.parse(built.body)).toEqual(built.body);
    expect(built.body.mobileMoney).toMatchObject({
      service: "PAYIN_ORANGE_CI",
      amount: 1500,
      recipient: "+2250700000000",
      reference: input().providerPaymentId,
    });
    expect(built.body.customer).toEqual({ firstname: "Awa", lastname: "Koné Traoré", email: "awa@example.com", phoneNumber: "+2250700000000" });
  });
  it("claims exactly its services, in the currency of their country", () => {
    expect(buiAdapter.metadata.methods).toEqual(BUI_SERVICES);
    expect("body" in paymentRequest(input({ paymentMethod: "PAYIN_MTN_CM", currency: "XAF" }))).toBe(true);
    expect(paymentRequest(input({ paymentMethod: "PAYIN_MTN_CM", currency: "XOF" }))).toHaveProperty("reason");
    expect(paymentRequest(input({ paymentMethod: "PAYIN_MPESA_KE", currency: "KES" }))).toHaveProperty("reason");
    expect(paymentRequest(input({ customer: {} }))).toHaveProperty("reason");
  });
  it("refuses, without sending anything, what BUI cannot take", async () => {
    // The base URL is unreachable: a rejection here proves nothing was sent.
    const out = await buiAdapter.initiate(ctx, input({ currency: "EUR" }));
    expect(out).toMatchObject({ outcome: "rejected", code: "unsupported_payment" });
  });
});

describe("BUI webhooks", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ id: "evt_pay_1_succeeded", event: "payment.succeeded", createdAt: "2026-11-26T10:00:02.000Z", data: payment("succeeded") });

  it("accepts a signed event and maps it", async () => {
    const out = await buiAdapter.parseWebhook(ctx, { headers: { [BUI_SIGNATURE_HEADER]: signPayload("whsec_test", body, now()) }, rawBody: body });
    expect(out).toEqual({
      kind: "event",
      eventId: "evt_pay_1_succeeded",
      providerPaymentId: payment("x").reference,
      providerReference: "pay_1",
      status: "completed",
    });
  });
  it("carries the failure reason of a failed payment", async () => {
    const failed = JSON.stringify({ id: "evt_pay_1_failed", event: "payment.failed", createdAt: "2026-11-26T10:00:02.000Z", data: payment("failed") });
    const out = await buiAdapter.parseWebhook(ctx, { headers: { [BUI_SIGNATURE_HEADER]: signPayload("whsec_test", failed, now()) }, rawBody: failed });
    expect(out).toMatchObject({ kind: "event", status: "failed", failureCode: "payment_failed", failureMessage: "insufficient funds" });
  });
  it("refuses a missing, wrong or stale signature, and a tampered body", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, body],
      [{ [BUI_SIGNATURE_HEADER]: signPayload("another secret", body, now()) }, body],
      [{ [BUI_SIGNATURE_HEADER]: signPayload("whsec_test", body, now() - 3600) }, body],
      [{ [BUI_SIGNATURE_HEADER]: signPayload("whsec_test", body, now()) }, body.replace("succeeded", "failed")],
    ];
    for (const [headers, rawBody] of cases) expect(await buiAdapter.parseWebhook(ctx, { headers, rawBody })).toMatchObject({ kind: "invalid" });
  });
  it("verifies with the context's secret: the app's own live, the simulator's in test mode even when the app stored one", async () => {
    const signed = (secret: string) => ({ headers: { [BUI_SIGNATURE_HEADER]: signPayload(secret, body, now()) }, rawBody: body });
    // Live (as the gateway builds it): the app's webhook_secret is the context's secret.
    const live = { ...ctx, livemode: true, credentials: { webhook_secret: "ws_live" }, webhookSecret: "ws_live" };
    expect(await buiAdapter.parseWebhook(live, signed("ws_live"))).toMatchObject({ kind: "event" });
    expect(await buiAdapter.parseWebhook(live, signed("whsec_test"))).toMatchObject({ kind: "invalid" });
    // Test mode on ZeroFee's own simulator: it signs with the sandbox secret, whatever the app stored.
    const stored = { ...ctx, credentials: { webhook_secret: "ws_mysecret" } };
    expect(await buiAdapter.parseWebhook(stored, signed("whsec_test"))).toMatchObject({ kind: "event" });
    expect(await buiAdapter.parseWebhook(stored, signed("ws_mysecret"))).toMatchObject({ kind: "invalid" });
    // Live with no webhook_secret stored: nothing verifies, not even a message signed with "".
    const none = { ...ctx, livemode: true, credentials: {}, webhookSecret: "" };
    expect(await buiAdapter.parseWebhook(none, signed(""))).toMatchObject({ kind: "invalid" });
    expect(verifySignature("", body, signPayload("", body, now()), now())).toBe(false);
  });
});
