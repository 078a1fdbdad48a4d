import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DocumentedMeaning, statusMapContradictions } from "../sandbox/documented-statuses.js";
import { crc32, transmissionSignature } from "./simulator.js";
import { CAPTURE_STATUS_MAP, CAPTURE_STATUSES, fromValue, ORDER_STATUS_MAP, ORDER_STATUSES, Order, orderStatus, toValue, WebhookEvent } from "./wire.js";

const order = (status: string, capture?: string) =>
  Order.parse({
    id: "5O190127TN364715T",
    status,
    intent: "CAPTURE",
    purchase_units: [
      {
        reference_id: "default",
        custom_id: "ref-1",
        amount: { currency_code: "EUR", value: "25.00" },
        ...(capture ? { payments: { captures: [{ id: "3C679366HH908993F", status: capture, amount: { currency_code: "EUR", value: "25.00" } }] } } : {}),
      },
    ],
    links: [{ href: "https://www.sandbox.paypal.com/checkoutnow?token=5O190127TN364715T", rel: "payer-action", method: "GET" }],
  });

describe("paypal status map", () => {
  it("maps every order status but COMPLETED, and every capture status, as PayPal documents them", () => {
    // providers.md §9b: order statuses CREATED, SAVED, APPROVED, VOIDED, COMPLETED,
    // PAYER_ACTION_REQUIRED; APPROVED is not paid until captured; a COMPLETED order is read
    // through its capture (captures: COMPLETED, DECLINED, PARTIALLY_REFUNDED, PENDING,
    // REFUNDED, FAILED — a refunded capture was paid first).
    const orders: Record<Exclude<(typeof ORDER_STATUSES)[number], "COMPLETED">, DocumentedMeaning> = {
      CREATED: "awaiting_customer",
      SAVED: "in_flight",
      APPROVED: "in_flight",
      PAYER_ACTION_REQUIRED: "awaiting_customer",
      VOIDED: "cancelled",
    };
    const captures: Record<(typeof CAPTURE_STATUSES)[number], DocumentedMeaning> = {
      COMPLETED: "paid",
      DECLINED: "declined",
      PARTIALLY_REFUNDED: "paid",
      PENDING: "in_flight",
      REFUNDED: "paid",
      FAILED: "declined",
    };
    const open = ORDER_STATUSES.filter((s) => s !== "COMPLETED");
    expect(statusMapContradictions(open, (s) => ORDER_STATUS_MAP[s], orders)).toEqual([]);
    expect(statusMapContradictions(CAPTURE_STATUSES, (s) => CAPTURE_STATUS_MAP[s], captures)).toEqual([]);
    expect(Object.keys(ORDER_STATUS_MAP).sort()).toEqual([...open].sort());
  });
  it("reads a COMPLETED order through its capture: a declined capture is a failure", () => {
    expect(orderStatus(order("COMPLETED", "COMPLETED"))).toEqual({ status: "completed" });
    expect(orderStatus(order("COMPLETED", "DECLINED"))).toMatchObject({ status: "failed", failureCode: "capture_declined" });
    expect(orderStatus(order("COMPLETED", "PENDING"))).toEqual({ status: "processing" });
    expect(orderStatus(order("COMPLETED"))).toEqual({ status: "processing" });
    expect(orderStatus(order("PAYER_ACTION_REQUIRED"))).toEqual({ status: "requires_action" });
  });
});

describe("paypal wire", () => {
  it("reads an order and a webhook event; refuses an unknown order status", () => {
    expect(order("APPROVED").links?.[0]?.rel).toBe("payer-action");
    expect(Order.safeParse({ id: "X", status: "PAID" }).success).toBe(false);
    const e = WebhookEvent.parse({
      id: "WH-1",
      event_type: "PAYMENT.CAPTURE.COMPLETED",
      resource_type: "capture",
      resource: { id: "C1", status: "COMPLETED" },
      summary: "x",
    });
    expect(e.event_type).toBe("PAYMENT.CAPTURE.COMPLETED");
  });
  it("writes amounts as PayPal's decimal strings, without floating point", () => {
    expect(toValue(2500, "EUR")).toBe("25.00");
    expect(toValue(5, "USD")).toBe("0.05");
    expect(toValue(1999, "JPY")).toBe("1999");
    expect(fromValue("25.5", "EUR")).toBeNull();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e12 }),
        fc.constantFrom("EUR", "USD", "JPY", "GBP"),
        (amount, currency) => fromValue(toValue(amount, currency), currency) === amount,
      ),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe("PayPal transmission signature (sandbox)", () => {
  // Vectors from Python's zlib.crc32 and hmac over "tid-1|2026-01-01T00:00:00Z|WHID|<crc32>".
  const body = '{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED"}';
  it("uses CRC-32 of the body as PayPal's signed string does", () => {
    expect(crc32(body)).toBe(2_325_436_976);
    expect(crc32("")).toBe(0);
  });
  it("signs id|time|webhook_id|crc32", () => {
    expect(transmissionSignature("sandbox-secret", "tid-1", "2026-01-01T00:00:00Z", "WHID", body)).toBe("pwQH8e5MbTGMv6UMs40McCuDFsYfHQE1K2eB5KEzPO0=");
    expect(transmissionSignature("sandbox-secret", "tid-1", "2026-01-01T00:00:00Z", "WHID", `${body} `)).not.toBe(
      "pwQH8e5MbTGMv6UMs40McCuDFsYfHQE1K2eB5KEzPO0=",
    );
  });
});
