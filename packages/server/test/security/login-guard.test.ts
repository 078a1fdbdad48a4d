/**
 * The login guard counts failures, not sign-ins: a merchant who signs in often (several
 * devices, a dashboard session that ended) is never told to wait, while wrong passwords are
 * still limited per email (10 per 15 minutes) — and then even the right one waits (no oracle).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;
let email: string;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "often");
  email = (await t.call("GET", "/v1/auth/me", { token: m.token })).body.data.email;
});
afterAll(() => t?.stop());

const login = (password: string) => t.call("POST", "/v1/auth/login", { body: { email, password } });

describe("login guard", () => {
  // 31 password hashes (scrypt) in a row: ~1 s each on a slow shared machine, hence the time allowed.
  it("31 sign-ins with the right password in a row all succeed (past both the per-email 10 and the per-IP 30)", { timeout: 120_000 }, async () => {
    for (let i = 0; i < 31; i++) {
      const r = await login("correct horse battery");
      expect(r.status, `sign-in ${i + 1}: ${r.text}`).toBe(200);
    }
  });

  it("wrong passwords still add up: refused within the window's 10 attempts (the registration was one), then the right password waits too", async () => {
    let refused = 0;
    for (; refused < 12; refused++) {
      const r = await login(`wrong-${refused}`);
      if (r.status === 429) break;
      expect(r.status, r.text).toBe(401);
    }
    expect(refused).toBeGreaterThanOrEqual(9);
    expect(refused).toBeLessThanOrEqual(10);
    const limited = await login("correct horse battery");
    expect(limited.status, limited.text).toBe(429);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
