/**
 * SPEC §10 fee formula as properties, for every amount 1…10^12 and any plan: the oracle is
 * the SPEC's own formula re-derived in BigInt (ceil as the smallest integer ≥ the exact
 * quotient, found by checking the multiples around it), not a copy of `computeFee`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeFee, MAX_AMOUNT } from "./money.js";

/** ceil(n / d) for n ≥ 0, d > 0: the q with (q − 1)·d < n ≤ q·d. */
function ceilDiv(n: bigint, d: bigint): bigint {
  let q = n / d;
  while (q * d < n) q += 1n;
  while (q > 0n && (q - 1n) * d >= n) q -= 1n;
  return q;
}

/** fee = min(amount, fixed + ceil(amount × bps / 10 000)), straight from the SPEC. */
function specFee(amount: number, bps: number, fixed: number): bigint {
  const a = BigInt(amount);
  const f = BigInt(fixed) + ceilDiv(a * BigInt(bps), 10_000n);
  return f < a ? f : a;
}

const amount = fc.integer({ min: 1, max: MAX_AMOUNT });
const bps = fc.integer({ min: 0, max: 10_000 });
const fixed = fc.integer({ min: 0, max: MAX_AMOUNT });

describe("fee = min(amount, fixed + ceil(amount × bps / 10 000)) (SPEC §10)", () => {
  it("matches the SPEC formula, and fee + net = amount with 0 ≤ fee ≤ amount, for any amount and plan", () => {
    fc.assert(
      fc.property(amount, bps, fixed, (a, b, f) => {
        const fee = computeFee(a, "XOF", { bps: b, fixed: { XOF: f } });
        expect(Number.isSafeInteger(fee)).toBe(true);
        expect(BigInt(fee)).toBe(specFee(a, b, f));
        const net = a - fee;
        expect(fee + net).toBe(a);
        expect(fee).toBeGreaterThanOrEqual(0);
        expect(fee).toBeLessThanOrEqual(a);
      }),
      { numRuns: 2_000 },
    );
  });

  it("rounds up exactly at the edges: amount × bps just above, at and below a multiple of 10 000", () => {
    // Uniform amounts almost never land there; these do (bps 1: amount × bps mod 10 000 = r).
    const edge = fc.tuple(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(1, 2, 5_000, 9_999, 10_000), fixed);
    fc.assert(
      fc.property(edge, ([k, r, b, f]) => {
        const a = Math.max(1, k * 10_000 + r);
        expect(BigInt(computeFee(a, "XOF", { bps: b, fixed: { XOF: f } }))).toBe(specFee(a, b, f));
      }),
      { numRuns: 2_000 },
    );
  });

  it("the fixed part is the payment's currency's only", () => {
    fc.assert(
      fc.property(amount, bps, fixed, (a, b, f) => {
        expect(BigInt(computeFee(a, "EUR", { bps: b, fixed: { XOF: f } }))).toBe(specFee(a, b, 0));
      }),
    );
  });

  it("the SPEC's example: 150 bps + 100 XOF on 10 000 XOF is 250", () => {
    expect(computeFee(10_000, "XOF", { bps: 150, fixed: { XOF: 100 } })).toBe(250);
    // Rounded up, never down: 1 bps of 1 XOF is a fee of 1.
    expect(computeFee(1, "XOF", { bps: 1, fixed: {} })).toBe(1);
  });
});
