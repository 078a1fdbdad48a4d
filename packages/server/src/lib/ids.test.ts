import { describe, expect, it } from "vitest";
import { newId } from "./ids.js";

describe("ids", () => {
  it("are prefixed and sort in creation order, even within one millisecond", () => {
    const at = new Date("2026-01-01T00:00:00Z");
    const ids = Array.from({ length: 500 }, () => newId("payment", at));
    expect(ids.every((id) => /^txn_[0-9A-Z]{26}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(500);
  });
});
