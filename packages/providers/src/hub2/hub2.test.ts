import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProviderContext } from "../contract.js";
import { type DocumentedMeaning, statusMapContradictions } from "../sandbox/documented-statuses.js";
import { hub2Adapter } from "./adapter.js";
import { signHub2, verifyHub2 } from "./signature.js";
import {
  authenticationFor,
  CreateIntentRequest,
  HUB2_METHODS,
  INTENT_STATUSES,
  type PaymentIntent as Intent,
  intentOutcome,
  mapIntentStatus,
  mapPaymentStatus,
  PAYMENT_STATUSES,
  PaymentIntent,
} from "./wire.js";

// The 201 example of docs.hub2.io payments_integration (token shortened).
const DOC_INTENT = {
  id: "pi_4b1vJqAqK1JgDz0rKgBx3",
  createdAt: "2023-03-14T12:00:00.000Z",
  updatedAt: "2023-03-14T12:00:00.000Z",
  merchantId: "merchant-id",
  purchaseReference: "order-123",
  customerReference: "customer-456",
  amount: 1500,
  currency: "XOF",
  token: "eyJhbGciOiJIUzI1NiJ9.e30.sig",
  status: "payment_required",
  payments: [],
  mode: "sandbox",
};

const withAttempt = (
  intentStatus: Intent["status"],
  paymentStatus: Intent["payments"][number]["status"],
  failure?: { code: string; message: string },
): Intent =>
  PaymentIntent.parse({
    ...DOC_INTENT,
    status: intentStatus,
    payments: [
      {
        id: "pay_1",
        intentId: DOC_INTENT.id,
        createdAt: DOC_INTENT.createdAt,
        updatedAt: DOC_INTENT.updatedAt,
        amount: 1500,
        currency: "XOF",
        status: paymentStatus,
        method: "mobile_money",
        country: "CI",
        provider: "mtn",
        failure: failure ?? null,
      },
    ],
  });

describe("Hub2 status maps", () => {
  it("maps every intent and attempt status as Hub2 documents it", () => {
    // providers.md §3.3–3.5: an intent is created `payment_required` (no attempt yet); an
    // attempt turns it `processing` while the operator waits for the customer; final names
    // (`succeeded`, `failed`, `cancelled`) are [U], read for what they say.
    const intent: Record<(typeof INTENT_STATUSES)[number], DocumentedMeaning> = {
      payment_required: "awaiting_customer",
      action_required: "awaiting_customer",
      processing: "in_flight",
      succeeded: "paid",
      failed: "declined",
    };
    const attempt: Record<(typeof PAYMENT_STATUSES)[number], DocumentedMeaning> = {
      pending: "in_flight",
      action_required: "awaiting_customer",
      processing: "in_flight",
      succeeded: "paid",
      failed: "declined",
      cancelled: "cancelled",
    };
    expect(statusMapContradictions(INTENT_STATUSES, mapIntentStatus, intent)).toEqual([]);
    expect(statusMapContradictions(PAYMENT_STATUSES, mapPaymentStatus, attempt)).toEqual([]);
    // `processing` is the operator waiting on the customer's approval (USSD push, OTP, Wave).
    expect(mapIntentStatus("processing")).toBe("requires_action");
  });

  it("an intent reopened after a failed or cancelled attempt reports that attempt", () => {
    const failure = { code: "insufficient_funds", message: "low balance" };
    expect(intentOutcome(withAttempt("payment_required", "failed", failure))).toEqual({ status: "failed", failure });
    expect(intentOutcome(withAttempt("payment_required", "cancelled")).status).toBe("cancelled");
    expect(intentOutcome(withAttempt("succeeded", "succeeded")).status).toBe("completed");
    expect(intentOutcome(withAttempt("processing", "processing")).status).toBe("requires_action");
    expect(intentOutcome(PaymentIntent.parse(DOC_INTENT)).status).toBe("pending");
  });

  it("authentication per operator: OTP for Orange CI, redirection for Wave and cards, push otherwise", () => {
    expect(authenticationFor(HUB2_METHODS.PAYIN_ORANGE_CI)).toBe("otp");
    expect(authenticationFor(HUB2_METHODS.PAYIN_WAVE_SN)).toBe("redirection");
    expect(authenticationFor(HUB2_METHODS.PAYIN_CARD)).toBe("redirection");
    expect(authenticationFor(HUB2_METHODS.PAYIN_MTN_CI)).toBe("push");
    expect(authenticationFor(HUB2_METHODS.PAYIN_ORANGE_SN)).toBe("push");
  });
});

describe("Hub2 wire parsing", () => {
  it("reads the documented PaymentIntent and refuses references Hub2 refuses", () => {
    expect(PaymentIntent.parse(DOC_INTENT).status).toBe("payment_required");
    const base = { customerReference: "c 1", purchaseReference: "8917c345-4791-4285-a416-62f24b6982db", amount: 1500, currency: "XOF" };
    expect(CreateIntentRequest.safeParse(base).success).toBe(true);
    expect(CreateIntentRequest.safeParse({ ...base, purchaseReference: "order#1" }).success).toBe(false);
    expect(CreateIntentRequest.safeParse({ ...base, amount: 15.5 }).success).toBe(false);
  });
});

describe("Hub2-Signature", () => {
  const body = '{"id":"evt_1","type":"payment_intent.succeeded"}';
  // = HMAC-SHA256(body, "whsec_hub2_vector"), from `openssl dgst -sha256 -hmac`.
  const VECTOR = "b560cb177215d44931cab8827bfb660b6631e1a7b714ee6b3fe968fc854daee7";

  it("matches the fixed vector; s0 carries the previous secret during a rotation", () => {
    expect(signHub2("whsec_hub2_vector", body)).toBe(`s1=${VECTOR}`);
    expect(verifyHub2("whsec_hub2_vector", body, `s1=${VECTOR}`)).toBe(true);
    const rotated = signHub2("new-secret", body, "whsec_hub2_vector");
    expect(rotated).toBe(`s1=${signHub2("new-secret", body).slice(3)},s0=${VECTOR}`);
    expect(verifyHub2("whsec_hub2_vector", body, rotated)).toBe(true);
    expect(verifyHub2("new-secret", body, rotated)).toBe(true);
    expect(verifyHub2("third-secret", body, rotated)).toBe(false);
    expect(verifyHub2("whsec_hub2_vector", `${body} `, `s1=${VECTOR}`)).toBe(false);
    expect(verifyHub2("whsec_hub2_vector", body, `v1=${VECTOR}`)).toBe(false);
    expect(verifyHub2("whsec_hub2_vector", body, undefined)).toBe(false);
    expect(verifyHub2("", body, `s1=${VECTOR}`)).toBe(false);
  });

  it("verifies what it signs and nothing else", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (b, secret) => {
        const h = signHub2(secret, b);
        return verifyHub2(secret, b, h) && !verifyHub2(`${secret}x`, b, h) && !verifyHub2(secret, `${b}x`, h);
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe("Hub2 parseWebhook", () => {
  const ctx: ProviderContext = { baseUrl: "http://127.0.0.1:1", credentials: {}, livemode: false, timeoutMs: 1000, webhookSecret: "whsec_hub2_vector" };
  const event = (data: Intent) => JSON.stringify({ id: "evt_pay_1_failed", type: "payment.failed", createdAt: "2023-03-14T12:01:00.000Z", data });

  it("reads a signed event: our purchaseReference, Hub2's intent id, the attempt's failure", async () => {
    const rawBody = event(withAttempt("payment_required", "failed", { code: "insufficient_funds", message: "low balance" }));
    const out = await hub2Adapter.parseWebhook(ctx, { headers: { "hub2-signature": signHub2("whsec_hub2_vector", rawBody) }, rawBody });
    expect(out).toEqual({
      kind: "event",
      eventId: "evt_pay_1_failed",
      providerPaymentId: "order-123",
      providerReference: DOC_INTENT.id,
      status: "failed",
      failureCode: "insufficient_funds",
      failureMessage: "low balance",
    });
  });

  it("refuses a bad signature and an unexpected shape", async () => {
    const rawBody = event(withAttempt("succeeded", "succeeded"));
    expect((await hub2Adapter.parseWebhook(ctx, { headers: { "hub2-signature": signHub2("other", rawBody) }, rawBody })).kind).toBe("invalid");
    expect((await hub2Adapter.parseWebhook(ctx, { headers: {}, rawBody })).kind).toBe("invalid");
    const odd = '{"id":"evt"}';
    expect(await hub2Adapter.parseWebhook(ctx, { headers: { "hub2-signature": signHub2("whsec_hub2_vector", odd) }, rawBody: odd })).toEqual({
      kind: "invalid",
      reason: "unexpected webhook shape",
    });
  });
});
