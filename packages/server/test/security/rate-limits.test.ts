/**
 * LD-3 rate limits, brute force and overload (reliability.md §5 group J; SPEC §16 "Passwords",
 * "Overload"). Assertions are on counts and status codes, never on timing; the limiters' windows
 * run on the server's clock, which this file moves instead of waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClock } from "../../src/lib/clock.js";
import { type CallResult, createMerchant, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { expectErrorEnvelope } from "./helpers.js";

let t: TestApp;
const clock = new TestClock();
let noisy: Merchant;
let quiet: Merchant;
const PER_KEY = 20;
const CONCURRENCY = 3;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { ZEROFEE_RATE_LIMIT_PER_KEY: String(PER_KEY), ZEROFEE_CONCURRENCY_PER_KEY: String(CONCURRENCY) } });
  noisy = await createMerchant(t, "noisy");
  quiet = await createMerchant(t, "quiet");
});
afterAll(() => t?.stop());

function expect429(res: CallResult, code: string, where: string) {
  expect(res.status, where).toBe(429);
  expect(res.body.error.code, where).toBe(code);
  expectErrorEnvelope(res, where);
  const retry = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retry) && retry >= 1, `${where}: Retry-After ${res.headers.get("retry-after")}`).toBe(true);
}

describe("LD-3 rate limits, brute force and overload", () => {
  it("LD-3 one key over its rate limit gets 429 + Retry-After while a second key keeps being served", async () => {
    // One request at a time (so the concurrency limit plays no part), the clock standing
    // still: a 20-per-second key is refused at its 21st request.
    let first429: CallResult | undefined;
    let served = 0;
    const quietRes: CallResult[] = [];
    for (let i = 0; i < 200 && !first429; i++) {
      const r = await t.call("GET", "/v1/payments?limit=1", { token: noisy.sk });
      if (r.status === 429) first429 = r;
      else {
        expect(r.status, r.text).toBe(200);
        served++;
      }
      if (i % 4 === 0) quietRes.push(await t.call("GET", "/v1/payments?limit=1", { token: quiet.sk }));
    }
    expect(first429, "the noisy key was never limited").toBeDefined();
    if (first429) expect429(first429, "rate_limited", "noisy key");
    expect(served).toBe(PER_KEY);
    // While the noisy key is limited, the quiet one is still served.
    const noisyAgain = await t.call("GET", "/v1/payments?limit=1", { token: noisy.sk });
    quietRes.push(await t.call("GET", "/v1/payments?limit=1", { token: quiet.sk }));
    for (const r of quietRes) expect(r.status, r.text).toBe(200);
    expect(noisyAgain.status).toBeLessThan(500);
    // A parallel burst: every answer is a 200 or a 429 with Retry-After, never a 5xx.
    const burst = await Promise.all(Array.from({ length: 60 }, () => t.call("GET", "/v1/payments?limit=1", { token: noisy.sk })));
    for (const r of burst) {
      if (r.status !== 200) expect429(r, r.body?.error?.code === "rate_limited" ? "rate_limited" : "too_many_concurrent_requests", "burst");
    }
  });

  it("LD-3 one key over its concurrency limit gets 429 + Retry-After while a second key keeps being served", async () => {
    // The per-key window (1 s) of the previous test ends.
    clock.advance(1100);
    const slow = await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 300 } });
    expect(slow.status).toBe(200);
    try {
      const noisyCalls = Array.from({ length: 12 }, (_, i) =>
        t.call("POST", "/v1/payments", { token: noisy.sk, body: paymentBody("02", { reference: `noisy-${i}` }) }),
      );
      const quietCalls = Array.from({ length: CONCURRENCY }, (_, i) =>
        t.call("POST", "/v1/payments", { token: quiet.sk, body: paymentBody("02", { reference: `quiet-${i}` }) }),
      );
      const [n, q] = await Promise.all([Promise.all(noisyCalls), Promise.all(quietCalls)]);
      const shed = n.filter((r) => r.status === 429);
      expect(shed.length, n.map((r) => r.status).join(",")).toBeGreaterThan(0);
      for (const r of shed) expect429(r, "too_many_concurrent_requests", "noisy key in flight");
      expect(n.filter((r) => r.status === 201).length).toBeGreaterThan(0);
      expect(n.filter((r) => r.status === 201).length).toBeLessThanOrEqual(12 - shed.length);
      expect(
        n.every((r) => r.status === 201 || r.status === 429),
        n.map((r) => r.status).join(","),
      ).toBe(true);
      for (const r of q) expect(r.status, r.text).toBe(201);
    } finally {
      await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 0 } });
    }
    // Slots are given back: once the burst is over (and its rate window) the noisy key is served again.
    clock.advance(1100);
    expect((await t.call("POST", "/v1/payments", { token: noisy.sk, body: paymentBody("02") })).status).toBe(201);
  });

  it("LD-3 50 bad logins for one account and from one IP: 429 with Retry-After, never 5xx; known and unknown emails fail alike", {
    timeout: 180_000,
  }, async () => {
    const email: string = (await t.call("GET", "/v1/auth/me", { token: noisy.token })).body.data.email;
    const login = (e: string, headers: Record<string, string> = {}) =>
      t.call("POST", "/v1/auth/login", { body: { email: e, password: "wrong horse battery" }, headers });

    // Same status, code and message whether the account exists or not.
    const unknown = await login("nobody-here@example.com");
    const known = await login(email);
    for (const r of [unknown, known]) {
      expect(r.status).toBe(401);
      expectErrorEnvelope(r, "bad login");
    }
    expect(known.body.error.code).toBe(unknown.body.error.code);
    expect(known.body.error.message).toBe(unknown.body.error.message);
    expect(known.body.error.type).toBe(unknown.body.error.type);
    expect(Object.keys(known.body.error).sort()).toEqual(Object.keys(unknown.body.error).sort());
    expect(known.headers.get("set-cookie")).toBeNull();

    // 50 bad logins for one account (a different spoofed X-Forwarded-For each: not trusted).
    const results: CallResult[] = [known];
    for (let i = 1; i < 50; i++) results.push(await login(i % 2 ? email : email.toUpperCase(), { "x-forwarded-for": `203.0.113.${i}` }));
    for (const r of results) expect(r.status).toBeLessThan(500);
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 401).length, "at most 10 attempts per email per window").toBeLessThanOrEqual(10);
    expect(limited.length).toBeGreaterThanOrEqual(40);
    for (const r of limited) expect429(r, "rate_limited", "per-email login limit");
    expect(results.at(-1)?.status).toBe(429);

    // The per-IP limit: fresh emails from this address are refused too.
    const fresh: CallResult[] = [];
    for (let i = 0; i < 5; i++) fresh.push(await login(`fresh-${i}@example.com`));
    for (const r of fresh) expect429(r, "rate_limited", "per-IP login limit");
    // The right password does not get through while limited either (no oracle).
    const right = await t.call("POST", "/v1/auth/login", { body: { email, password: "correct horse battery" } });
    expect429(right, "rate_limited", "limited even with the right password");
    // The account is not locked: its existing sessions and keys still work.
    expect((await t.call("GET", "/v1/auth/me", { token: noisy.token })).status).toBe(200);
  });
});
