import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeFee, feeAndNet, MAX_AMOUNT, majorUnits } from "./money.js";

/**
 * Oracles that are not the code: cases worked by hand from SPEC §10 (fee = min(amount, fixed +
 * ceil(amount × bps / 10 000)), net = amount − fee), and an independent re-derivation of that
 * formula below (quotient and remainder, where the code adds 9 999 before dividing).
 */
const HAND: Array<{ amount: number; bps: number; fixed: number; fee: number; net: number; why: string }> = [
  { amount: 10_000, bps: 150, fixed: 25, fee: 175, net: 9_825, why: "1.5 % of 10 000 is 150 exactly, + 25" },
  { amount: 1_500, bps: 250, fixed: 0, fee: 38, net: 1_462, why: "2.5 % of 1 500 is 37.5, rounded up" },
  { amount: 999, bps: 100, fixed: 10, fee: 20, net: 979, why: "1 % of 999 is 9.99 → 10, + 10" },
  { amount: 10_001, bps: 1, fixed: 0, fee: 2, net: 9_999, why: "0.01 % of 10 001 is 1.0001 → 2" },
  { amount: 1, bps: 1, fixed: 0, fee: 1, net: 0, why: "0.0001 rounds up to 1, which is the whole amount" },
  { amount: 3, bps: 5_000, fixed: 0, fee: 2, net: 1, why: "half of 3 is 1.5 → 2" },
  { amount: 100, bps: 0, fixed: 500, fee: 100, net: 0, why: "the fixed part alone passes the amount: capped" },
  { amount: 5_000, bps: 0, fixed: 0, fee: 0, net: 5_000, why: "the default plan takes nothing" },
  { amount: 1_000_000_000_000, bps: 9_999, fixed: 0, fee: 999_900_000_000, net: 100_000_000, why: "10^12 × 9 999 passes 2^53; exact" },
  { amount: 999_999_999_999, bps: 3, fixed: 0, fee: 300_000_000, net: 999_699_999_999, why: "299 999 999.9997 → 300 000 000" },
  { amount: 1_000_000_000_000, bps: 10_000, fixed: 1, fee: 1_000_000_000_000, net: 0, why: "100 % + 1: capped at the amount" },
  { amount: 123_456_789_012, bps: 175, fixed: 100, fee: 2_160_493_908, net: 121_296_295_104, why: "2 160 493 807.71 → 808, + 100" },
];

/** SPEC §10 again, written apart from the code: ceil as quotient + (remainder ? 1 : 0). */
function specFee(amount: bigint, bps: bigint, fixed: bigint): bigint {
  const product = amount * bps;
  const ceil = product / 10_000n + (product % 10_000n === 0n ? 0n : 1n);
  return fixed + ceil > amount ? amount : fixed + ceil;
}

describe("fee and net (SPEC §10)", () => {
  it.each(HAND)("$amount at $bps bps + $fixed: fee $fee, net $net ($why)", ({ amount, bps, fixed, fee, net }) => {
    expect(feeAndNet(amount, "XOF", { bps, fixed: { XOF: fixed } })).toEqual({ fee, net });
    expect(computeFee(amount, "XOF", { bps, fixed: { XOF: fixed } })).toBe(fee);
  });

  it("takes the fixed part of the payment's own currency only", () => {
    // 1 % of 1 000 KES minor units is 10; the plan's XOF fixed part does not apply to KES.
    expect(feeAndNet(1_000, "KES", { bps: 100, fixed: { XOF: 50 } })).toEqual({ fee: 10, net: 990 });
    expect(feeAndNet(1_000, "XOF", { bps: 100, fixed: { XOF: 50, KES: 7 } })).toEqual({ fee: 60, net: 940 });
  });

  it("property: the SPEC formula re-derived in BigInt; 0 ≤ fee ≤ amount, fee + net = amount, integers only", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_AMOUNT }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (amount, bps, fixed) => {
          const { fee, net } = feeAndNet(amount, "XOF", { bps, fixed: { XOF: fixed } });
          expect(BigInt(fee)).toBe(specFee(BigInt(amount), BigInt(bps), BigInt(fixed)));
          expect(Number.isSafeInteger(fee) && Number.isSafeInteger(net)).toBe(true);
          expect(fee >= 0 && fee <= amount).toBe(true);
          expect(BigInt(fee) + BigInt(net)).toBe(BigInt(amount));
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe("majorUnits: an amount as a person reads it, in messages", () => {
  it("writes the currency's decimals, none for a currency without minor unit", () => {
    expect(majorUnits(1500, "EUR")).toBe("15.00 EUR");
    expect(majorUnits(5, "EUR")).toBe("0.05 EUR");
    expect(majorUnits(0, "USD")).toBe("0.00 USD");
    expect(majorUnits(-752, "EUR")).toBe("-7.52 EUR");
    expect(majorUnits(1500, "XOF")).toBe("1500 XOF");
    expect(majorUnits(1_000_000_000_000, "KES")).toBe("10000000000.00 KES");
  });
});
