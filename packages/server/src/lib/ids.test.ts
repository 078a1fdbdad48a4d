import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeRandom, newId } from "./ids.js";

describe("ids", () => {
  it("are prefixed and sort in creation order, even within one millisecond", () => {
    const at = new Date("2026-01-01T00:00:00Z");
    const ids = Array.from({ length: 500 }, () => newId("payment", at));
    expect(ids.every((id) => /^txn_[0-9A-Z]{26}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(500);
  });

  it("write the 80 random bits as the big-endian base 32 of the whole number", () => {
    const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    const reference = (bytes: Uint8Array) => {
      let bits = 0n;
      for (const b of bytes) bits = (bits << 8n) | BigInt(b);
      let out = "";
      for (let i = 0; i < 16; i++) {
        out = CROCKFORD[Number(bits & 31n)] + out;
        bits >>= 5n;
      }
      return out;
    };
    const cases = [new Uint8Array(10), new Uint8Array(10).fill(255), ...Array.from({ length: 200 }, () => new Uint8Array(randomBytes(10)))];
    for (const bytes of cases) expect(encodeRandom(bytes)).toBe(reference(bytes));
  });
});
