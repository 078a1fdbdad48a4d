import { describe, expect, it } from "vitest";
import { API_KEY_RE, generateApiKey, parseApiKey } from "./api-keys.js";

describe("API key format (SPEC §16, SE-3)", () => {
  it("generates each kind with ≥ 32 random base62 characters and a checksum", () => {
    for (const [type, live, prefix] of [
      ["secret", false, "sk_test_"],
      ["secret", true, "sk_live_"],
      ["publishable", false, "pk_test_"],
      ["publishable", true, "pk_live_"],
    ] as const) {
      const { key, hash, displayPrefix } = generateApiKey(type, live);
      expect(key.startsWith(prefix)).toBe(true);
      expect(key).toMatch(API_KEY_RE);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(displayPrefix).not.toBe(key);
      expect(displayPrefix.length).toBeLessThan(20);
      expect(parseApiKey(key)).toEqual({ type, livemode: live });
    }
  });

  it("refuses a key with one character changed (checksum) or the wrong shape", () => {
    const { key } = generateApiKey("secret", false);
    const last = key.at(-10) === "a" ? "b" : "a";
    const tampered = `${key.slice(0, -10)}${last}${key.slice(-9)}`;
    expect(parseApiKey(tampered)).toBeNull();
    expect(parseApiKey("sk_test_short")).toBeNull();
    expect(parseApiKey(`xk_test_${key.slice(8)}`)).toBeNull();
  });

  it("never repeats across 1000 keys", () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey("secret", false).key));
    expect(keys.size).toBe(1000);
  });
});
