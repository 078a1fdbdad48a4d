import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toWholeMajorUnits } from "./amounts.js";

describe("whole major units (no floats, no rounding)", () => {
  it("exponent 0 currencies (XOF, XAF) pass through unchanged", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000_000 }), (a) => toWholeMajorUnits(a, 0) === a),
      { seed: 11 },
    );
  });
  it("exponent 2 divides exact multiples and refuses the rest", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000 }), fc.integer({ min: 0, max: 99 }), (major, cents) => {
        const minor = major * 100 + cents;
        const whole = toWholeMajorUnits(minor, 2);
        return cents === 0 ? whole === major : whole === null;
      }),
      { seed: 12 },
    );
  });
  it("refuses what is not a safe integer", () => {
    expect(toWholeMajorUnits(15.5, 0)).toBeNull();
    expect(toWholeMajorUnits(2 ** 53, 0)).toBeNull();
    expect(toWholeMajorUnits(100, -1)).toBeNull();
  });
});
