import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseMinor, toMajorText } from "./amount";

describe("parseMinor: what a merchant types, to minor units", () => {
  it.each([
    ["1500", 0, ",", 1500],
    ["1 500", 0, ",", 1500],
    ["1\u202f500", 0, ",", 1500],
    ["1.500", 0, ",", 1500], // fr: a dot before three digits groups thousands
    ["1,500", 0, ".", 1500], // en: so does a comma
    ["1,500", 0, ",", null], // fr: 1,5 XOF does not exist
    ["12,50", 2, ",", 1250],
    ["12.50", 2, ",", 1250], // a French merchant typing a dot still means the decimal
    ["12,5", 2, ".", 1250],
    ["12.5", 2, ".", 1250],
    ["1,234.56", 2, ".", 123456],
    ["1.234,56", 2, ",", 123456],
    ["1 234,56", 2, ",", 123456],
    ["12,345,678", 0, ".", 12345678],
    ["0,99", 2, ",", 99],
    [",5", 2, ",", 50],
    ["12,501", 2, ",", null], // too precise for EUR
    ["12.5", 0, ".", null], // XOF has no minor unit
    ["1,2,3", 0, ".", null],
    ["abc", 2, ".", null],
    ["", 2, ".", null],
    ["-5", 2, ".", null],
    ["0", 2, ".", null], // a refund of nothing
    ["99999999999999999999", 0, ".", null],
  ] as const)("%j with %i digits and %j → %j", (text, digits, mark, expected) => {
    expect(parseMinor(text, digits, mark)).toBe(expected);
  });

  it("min: 0 takes zero (a filter's lower bound)", () => {
    expect(parseMinor("0", 2, ",", { min: 0 })).toBe(0);
    expect(parseMinor("0,00", 2, ",", { min: 0 })).toBe(0);
  });

  it("reads back what toMajorText writes, in both languages and precisions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 12 }), fc.constantFrom(0, 2, 3), fc.constantFrom(",", "."), (amount, digits, mark) => {
        expect(parseMinor(toMajorText(amount, digits, mark as "," | "."), digits, mark as "," | ".")).toBe(amount);
      }),
    );
  });
});

describe("toMajorText", () => {
  it("writes the language's decimal mark, no grouping", () => {
    expect(toMajorText(12345, 2, ",")).toBe("123,45");
    expect(toMajorText(12345, 2, ".")).toBe("123.45");
    expect(toMajorText(5, 2, ",")).toBe("0,05");
    expect(toMajorText(150000, 0, ",")).toBe("150000");
  });
});
