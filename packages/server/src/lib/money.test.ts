import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeFee, MAX_AMOUNT } from "./money.js";

describe("computeFee (SPEC §10)", () => {
  it("is fixed + ceil(amount × bps / 10 000), capped at the amount", () => {
    expect(computeFee(10_000, "XOF", { bps: 150, fixed: { XOF: 25 } })).toBe(175);
    expect(computeFee(1, "XOF", { bps: 1, fixed: {} })).toBe(1);
    expect(computeFee(100, "EUR", { bps: 0, fixed: { EUR: 500 } })).toBe(100);
    expect(computeFee(5000, "XOF", { bps: 0, fixed: {} })).toBe(0);
  });

  it("stays exact past 2^53 intermediate products", () => {
    // 10^12 × 9 999 overflows a double's exact range; BigInt keeps the ceiling right.
    expect(computeFee(MAX_AMOUNT, "XOF", { bps: 9_999, fixed: {} })).toBe(999_900_000_000);
    expect(computeFee(999_999_999_999, "XOF", { bps: 3, fixed: {} })).toBe(300_000_000);
  });

  it("property: 0 ≤ fee ≤ amount, fee + net = amount, integers only", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_AMOUNT }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (amount, bps, fixed) => {
          const fee = computeFee(amount, "XOF", { bps, fixed: { XOF: fixed } });
          const net = amount - fee;
          return Number.isInteger(fee) && fee >= 0 && fee <= amount && fee + net === amount;
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });
});
