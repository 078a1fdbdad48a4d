import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapStatus, TEST_STATUSES } from "../test/wire.js";
import { type DocumentedMeaning, statusMapContradictions } from "./documented-statuses.js";
import { signPayload, verifySignature } from "./signature.js";
import { outcomeForPhone } from "./test-numbers.js";

describe("test numbers (SPEC §14)", () => {
  it("the last two digits choose the outcome", () => {
    expect(outcomeForPhone("+225 07 00 00 00 00")).toBe("confirm");
    expect(outcomeForPhone("+2250700000001")).toBe("fail");
    expect(outcomeForPhone("07 00 00 00 02")).toBe("never_answer");
    expect(outcomeForPhone("0700000003")).toBe("otp");
    expect(outcomeForPhone("0700000005")).toBe("provider_error");
    expect(outcomeForPhone("0700000047")).toBe("confirm");
  });
});

describe("callback signatures", () => {
  const now = 1_800_000_000;
  it("verifies what it signs, and nothing else", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (body, secret) => {
        const header = signPayload(secret, body, now);
        return (
          verifySignature(secret, body, header, now) && !verifySignature(`${secret}x`, body, header, now) && !verifySignature(secret, `${body} `, header, now)
        );
      }),
      { seed: 7, numRuns: 300 },
    );
  });
  it("refuses stale timestamps and malformed headers", () => {
    const header = signPayload("s", "{}", now);
    expect(verifySignature("s", "{}", header, now + 301)).toBe(false);
    expect(verifySignature("s", "{}", undefined, now)).toBe(false);
    expect(verifySignature("s", "{}", "t=abc,v1=00", now)).toBe(false);
  });
});

describe("test provider status map", () => {
  it("maps every provider status as the sandbox documents it", () => {
    // The `test` provider is ZeroFee's own (SPEC §14, test/wire.ts): its statuses, read for what they say.
    const documented: Record<(typeof TEST_STATUSES)[number], DocumentedMeaning> = {
      PENDING: "in_flight",
      OTP_REQUIRED: "awaiting_customer",
      PROCESSING: "in_flight",
      SUCCESSFUL: "paid",
      FAILED: "declined",
      CANCELLED: "cancelled",
    };
    expect(statusMapContradictions(TEST_STATUSES, mapStatus, documented)).toEqual([]);
    expect(mapStatus("OTP_REQUIRED")).toBe("requires_action");
  });
});
