import { createDecipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, hashPassword, pooledRandomBytes, verifyPassword } from "./crypto.js";

describe("credentials at rest (SPEC §16)", () => {
  const key = randomBytes(32);

  it("round-trips under the same AAD", () => {
    const sealed = encryptSecret(key, "pawapay-token-123", "app_1|pawapay|live");
    expect(sealed).not.toContain("pawapay-token-123");
    expect(decryptSecret(key, sealed, "app_1|pawapay|live")).toBe("pawapay-token-123");
  });

  it("refuses a ciphertext moved to another row (AAD binds app, provider, mode)", () => {
    const sealed = encryptSecret(key, "secret", "app_1|pawapay|live");
    expect(() => decryptSecret(key, sealed, "app_2|pawapay|live")).toThrow();
    expect(() => decryptSecret(key, sealed, "app_1|pawapay|test")).toThrow();
  });

  it("refuses a truncated authentication tag", () => {
    const sealed = encryptSecret(key, "secret", "aad");
    const [v, iv, tag, body] = sealed.split(".");
    const short = Buffer.from(tag ?? "", "base64")
      .subarray(0, 4)
      .toString("base64");
    expect(() => decryptSecret(key, [v, iv, short, body].join("."), "aad")).toThrow();
    // Without authTagLength Node 20 accepts the 4-byte tag: the guard is ours, not the default.
    const lax = createDecipheriv("aes-256-gcm", key, Buffer.from(iv ?? "", "base64"));
    lax.setAAD(Buffer.from("aad"));
    lax.setAuthTag(Buffer.from(short, "base64"));
    expect(Buffer.concat([lax.update(Buffer.from(body ?? "", "base64")), lax.final()]).toString()).toBe("secret");
  });

  it("refuses a wrong master key", () => {
    const sealed = encryptSecret(key, "secret", "aad");
    expect(() => decryptSecret(randomBytes(32), sealed, "aad")).toThrow();
  });
});

describe("password hashing (SE-4 parameters)", () => {
  it("stores scrypt N=2^17, r=8, p=1 with a salt, and verifies", async () => {
    const stored = await hashPassword("correct horse battery");
    const [scheme, n, r, p, salt, hash] = stored.split("$");
    expect(scheme).toBe("scrypt");
    expect(Number(n)).toBeGreaterThanOrEqual(2 ** 17);
    expect(Number(r)).toBe(8);
    expect(Number(p)).toBe(1);
    expect(salt?.length).toBeGreaterThan(10);
    expect(hash?.length).toBeGreaterThan(10);
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterz", stored)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });
});

describe("pooled randomness", () => {
  it("hands out every byte once, across refills, as copies the caller may change", () => {
    const seen = new Set<string>();
    const drawn: Buffer[] = [];
    // 12-byte draws over several 4 KiB pools (341 per pool, the tail of each left unused).
    for (let i = 0; i < 2000; i++) {
      const b = pooledRandomBytes(12);
      expect(b).toHaveLength(12);
      seen.add(b.toString("hex"));
      drawn.push(b);
    }
    expect(seen.size).toBe(2000);
    const first = drawn[0] as Buffer;
    const copy = Buffer.from(first);
    first.fill(0);
    expect(pooledRandomBytes(12).equals(Buffer.alloc(12))).toBe(false);
    expect(drawn[1]?.equals(Buffer.alloc(12))).toBe(false);
    expect(copy.equals(Buffer.alloc(12))).toBe(false);
    // Larger than the pool: straight from the CSPRNG.
    expect(pooledRandomBytes(5000)).toHaveLength(5000);
  });

  it("never gives two seals the same IV", () => {
    const key = randomBytes(32);
    const ivs = new Set(Array.from({ length: 1000 }, () => encryptSecret(key, "x", "aad").split(".")[1]));
    expect(ivs.size).toBe(1000);
  });
});
