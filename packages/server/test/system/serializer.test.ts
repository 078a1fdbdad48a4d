/**
 * The compiled response serializers (issue 14, http/serializer.ts): they write only what a
 * route's schema declares, as zod's encode does, and under the check (the test suite's mode)
 * an answer where the two differ — or one that breaks the schema — is refused.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { dataEnvelope, listEnvelope } from "../../src/http/envelope.js";
import { responseSerializerCompiler } from "../../src/http/serializer.js";
import { PaymentSchema } from "../../src/services/payments/schemas.js";

const compile = (schema: z.ZodType, check: boolean) => responseSerializerCompiler(check)({ schema, method: "GET", url: "/v1/payments/:id", httpStatus: "200" });

const payment = {
  id: "txn_01",
  object: "payment",
  app_id: "app_01",
  livemode: false,
  amount: 1500,
  currency: "XOF",
  status: "requires_action",
  payment_method: "PAYIN_ORANGE_CI",
  country: "CI",
  operator: "ORANGE",
  provider: "test",
  provider_reference: "ref",
  customer: { phone: "+2250700000002" },
  reference: null,
  description: 'Order \u2028 "42" </script>',
  metadata: { order: "42" },
  amount_source: "server",
  fee_amount: null,
  net_amount: null,
  amount_refunded: 0,
  next_action: { type: "ussd_push", instructions: "Dial #144#" },
  success_url: null,
  cancel_url: null,
  error_url: null,
  pending_url: null,
  failure_code: null,
  failure_message: null,
  expires_at: "2026-12-06T06:00:00.000Z",
  created_at: "2026-12-06T05:30:00.000Z",
  updated_at: "2026-12-06T05:30:00.100Z",
  completed_at: null,
  timeline: [{ status: "pending", source: "api", at: "2026-12-06T05:30:00.000Z" }],
  attempts: [],
  refunds: [],
};

describe("compiled response serializers", () => {
  it("write what zod's encode writes, for a payment and a list of them", () => {
    for (const check of [false, true]) {
      const one = compile(dataEnvelope(PaymentSchema), check)({ success: true, data: payment });
      expect(JSON.parse(one)).toEqual(JSON.parse(JSON.stringify(z.encode(dataEnvelope(PaymentSchema), { success: true, data: payment } as never))));
      const list = { success: true, data: [payment, { ...payment, id: "txn_02", next_action: null }], has_more: true, next_cursor: "txn_02" };
      expect(JSON.parse(compile(listEnvelope(PaymentSchema), check)(list))).toEqual(list);
    }
  });

  it("leave out a property the schema does not declare (nothing internal leaks)", () => {
    const leaky = { success: true, data: { ...payment, credentials_ciphertext: "v1.secret", customer: { phone: "+225", pin: "1234" } } };
    for (const check of [false, true]) {
      const text = compile(dataEnvelope(PaymentSchema), check)(leaky);
      expect(text).not.toContain("credentials_ciphertext");
      expect(text).not.toContain("1234");
      expect(JSON.parse(text).data.customer).toEqual({ phone: "+225" });
    }
  });

  it("under the check, an answer that breaks its schema is refused instead of written", () => {
    const wrong = { success: true, data: { ...payment, amount: "1500" } };
    expect(() => compile(dataEnvelope(PaymentSchema), true)(wrong)).toThrow();
  });
});
