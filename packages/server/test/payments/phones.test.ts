/**
 * A customer's phone, normalised once per number (`normalisePhone` remembers valid ones):
 * the same answer as parsing anew, invalid numbers refused every time, memory bounded.
 */
import { describe, expect, it } from "vitest";
import { normalisePhone, PHONES_KEPT, rememberedPhones } from "../../src/catalogue/index.js";
import { ApiError } from "../../src/lib/errors.js";

describe("normalisePhone", () => {
  it("answers a number it has seen as it did the first time, in any typed form", () => {
    const forms = ["+225 07 00 00 00 02", "07 00 00 00 02", "0700000002", "+2250700000002"];
    for (let round = 0; round < 2; round++) for (const f of forms) expect(normalisePhone(f, "CI")).toBe("+2250700000002");
    // The country is part of what is remembered: a number valid in one is refused in another.
    expect(() => normalisePhone("+2250700000002", "SN")).toThrow(ApiError);
  });

  it("refuses an invalid number each time it is sent (nothing invalid is remembered)", () => {
    const before = rememberedPhones();
    for (let i = 0; i < 3; i++) {
      try {
        normalisePhone("12", "CI");
        expect.unreachable("an invalid number was accepted");
      } catch (err) {
        expect(err).toBeInstanceOf(ApiError);
        expect((err as ApiError).param).toBe("customer.phone");
      }
    }
    expect(rememberedPhones()).toBe(before);
  });

  it("keeps at most PHONES_KEPT numbers, dropping the oldest", () => {
    for (let i = 0; i < PHONES_KEPT + 50; i++) normalisePhone(`+22507${String(i).padStart(8, "0")}`, "CI");
    expect(rememberedPhones()).toBe(PHONES_KEPT);
    // The oldest was dropped, and still parses as before.
    expect(normalisePhone("+2250700000000", "CI")).toBe("+2250700000000");
  });
});
