import { describe, expect, it } from "vitest";
import { type DocumentedMeaning, statusMapContradictions } from "../sandbox/documented-statuses.js";
import { verifySignature } from "../sandbox/signature.js";
import { CheckoutSession, formEncode, SESSION_PAYMENT_STATUSES, SESSION_STATUS_MAP, SESSION_STATUSES, StripeEvent, sessionStatus } from "./wire.js";

/** A session as api.stripe.com returns it (trimmed to the fields that matter, plus extras zod must ignore). */
const sessionJson = {
  id: "cs_test_a1b2",
  object: "checkout.session",
  amount_total: 2500,
  currency: "eur",
  client_reference_id: "7d7c3c9e-2b8e-4c55-9d2c-0f1f7a6c9b11",
  customer_email: null,
  expires_at: 1_800_086_400,
  livemode: false,
  metadata: { zerofee_reference: "7d7c3c9e-2b8e-4c55-9d2c-0f1f7a6c9b11" },
  mode: "payment",
  payment_intent: null,
  payment_status: "unpaid",
  status: "open",
  success_url: "https://zerofee.example/v1/payments/txn_1/return?session_id={CHECKOUT_SESSION_ID}",
  url: "https://checkout.stripe.com/c/pay/cs_test_a1b2",
};

describe("stripe status map", () => {
  it("maps every (status, payment_status) pair as Stripe documents them", () => {
    // providers.md §9: `status` open | complete | expired, `payment_status` paid | unpaid |
    // no_payment_required; an async method's session can be `complete` while still `unpaid`.
    // So: paid is paid whatever the session says; an open session waits for the customer; an
    // expired unpaid one was given up; a complete one is paid unless the payment is still due.
    type Pair = `${(typeof SESSION_STATUSES)[number]}/${(typeof SESSION_PAYMENT_STATUSES)[number]}`;
    const meaning = (s: string, p: string): DocumentedMeaning =>
      p === "paid" ? "paid" : s === "open" ? "awaiting_customer" : s === "expired" ? "gave_up" : p === "unpaid" ? "in_flight" : "paid";
    const pairs = SESSION_STATUSES.flatMap((s) => SESSION_PAYMENT_STATUSES.map((p) => `${s}/${p}` as Pair));
    const documented = Object.fromEntries(pairs.map((pair) => [pair, meaning(...(pair.split("/") as [string, string]))])) as Record<Pair, DocumentedMeaning>;
    const map = (pair: Pair) => {
      const [s, p] = pair.split("/") as [(typeof SESSION_STATUSES)[number], (typeof SESSION_PAYMENT_STATUSES)[number]];
      return SESSION_STATUS_MAP[s][p];
    };
    expect(pairs).toHaveLength(9);
    expect(statusMapContradictions(pairs, map, documented)).toEqual([]);
  });

  it("an expired session whose payment intent was declined is failed, with the decline code", () => {
    const s = CheckoutSession.parse({
      ...sessionJson,
      status: "expired",
      payment_intent: {
        id: "pi_1",
        object: "payment_intent",
        amount: 2500,
        currency: "eur",
        status: "requires_payment_method",
        last_payment_error: { type: "card_error", code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." },
      },
    });
    expect(sessionStatus(s)).toEqual({ status: "failed", failureCode: "generic_decline", failureMessage: "Your card was declined." });
  });

  it("an open session waiting for 3-D Secure requires action; an expired one without error is cancelled", () => {
    const pi = { id: "pi_1", object: "payment_intent", amount: 2500, currency: "eur", status: "requires_action", last_payment_error: null };
    expect(sessionStatus(CheckoutSession.parse({ ...sessionJson, payment_intent: pi })).status).toBe("requires_action");
    expect(sessionStatus(CheckoutSession.parse({ ...sessionJson, status: "expired" })).status).toBe("cancelled");
  });
});

describe("stripe wire", () => {
  it("reads a session and an event, ignoring fields it does not use", () => {
    const s = CheckoutSession.parse(sessionJson);
    expect(s).toMatchObject({ id: "cs_test_a1b2", status: "open", payment_status: "unpaid", amount_total: 2500, payment_intent: null });
    const e = StripeEvent.parse({
      id: "evt_1",
      object: "event",
      api_version: "2024-06-20",
      created: 1,
      livemode: false,
      type: "checkout.session.completed",
      data: { object: sessionJson },
    });
    expect(e.type).toBe("checkout.session.completed");
  });

  it("refuses a session with an unknown status", () => {
    expect(CheckoutSession.safeParse({ ...sessionJson, status: "weird" }).success).toBe(false);
  });

  it("form-encodes nested objects and arrays the way Stripe reads them", () => {
    const body = formEncode({ mode: "payment", line_items: [{ quantity: 1, price_data: { currency: "eur", unit_amount: 2500 } }], customer_email: undefined });
    expect(decodeURIComponent(body)).toBe(
      "mode=payment&line_items[0][quantity]=1&line_items[0][price_data][currency]=eur&line_items[0][price_data][unit_amount]=2500",
    );
  });
});

describe("Stripe-Signature", () => {
  // Vector computed with `openssl dgst -sha256 -hmac whsec_test_secret` over "1700000000.<body>".
  const body = '{"id":"evt_1","object":"event"}';
  const v1 = "0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd";
  it("accepts the reference vector, with any of several v1 values matching", () => {
    expect(verifySignature("whsec_test_secret", body, `t=1700000000,v1=${v1}`, 1_700_000_100)).toBe(true);
    expect(verifySignature("whsec_test_secret", body, `t=1700000000,v1=${"0".repeat(64)},v1=${v1}`, 1_700_000_100)).toBe(true);
  });
  it("refuses another body, another secret, an old timestamp or a v0-only header", () => {
    expect(verifySignature("whsec_test_secret", `${body} `, `t=1700000000,v1=${v1}`, 1_700_000_100)).toBe(false);
    expect(verifySignature("whsec_other", body, `t=1700000000,v1=${v1}`, 1_700_000_100)).toBe(false);
    expect(verifySignature("whsec_test_secret", body, `t=1700000000,v1=${v1}`, 1_700_000_301)).toBe(false);
    expect(verifySignature("whsec_test_secret", body, `t=1700000000,v0=${v1}`, 1_700_000_100)).toBe(false);
  });
});
