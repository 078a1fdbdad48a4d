/**
 * Resolved keys are cached per process (ZEROFEE_KEY_CACHE_MS); a key that was just used, and
 * so sits in the cache, must still stop working the moment it is revoked, rolled with
 * `expire_now`, or its app deleted — and a rolled key's grace period still ends on time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, startTestApp, type TestApp, TestClock } from "../harness.js";

let t: TestApp;
const clock = new TestClock(new Date("2026-11-26T10:00:00Z"));

beforeAll(async () => {
  t = await startTestApp({ clock, env: { ZEROFEE_KEY_CACHE_MS: "60000" } });
});
afterAll(() => t.stop());

const use = async (key: string) => (await t.call("GET", "/v1/payments?limit=1", { token: key })).status;

describe("API key cache", () => {
  it("a cached key stops at once when revoked", async () => {
    const m = await createMerchant(t);
    expect(await use(m.sk)).toBe(200);
    expect(await use(m.sk)).toBe(200);
    expect((await t.call("DELETE", `/v1/apps/${m.appId}/keys/${m.skKeyId}`, { token: m.token })).status).toBe(200);
    expect(await use(m.sk)).toBe(401);
  });

  it("a cached key stops at once when rolled with expire_now, and the new one works", async () => {
    const m = await createMerchant(t);
    expect(await use(m.sk)).toBe(200);
    const rolled = await t.call("POST", `/v1/apps/${m.appId}/keys/${m.skKeyId}/roll`, { token: m.token, body: { expire_now: true } });
    expect(rolled.status).toBe(201);
    expect(await use(m.sk)).toBe(401);
    expect(await use(rolled.body.data.key)).toBe(200);
  });

  it("a rolled key's grace period ends on time even while cached", async () => {
    const m = await createMerchant(t);
    const rolled = await t.call("POST", `/v1/apps/${m.appId}/keys/${m.skKeyId}/roll`, { token: m.token, body: { grace_period_s: 30 } });
    expect(rolled.status).toBe(201);
    expect(await use(m.sk)).toBe(200);
    clock.advance(31_000);
    expect(await use(m.sk)).toBe(401);
  });

  it("every cached key of a deleted app stops at once", async () => {
    const m = await createMerchant(t);
    expect(await use(m.sk)).toBe(200);
    expect(await use(m.pk)).toBe(403);
    expect((await t.call("DELETE", `/v1/apps/${m.appId}`, { token: m.token })).status).toBe(200);
    expect(await use(m.sk)).toBe(401);
  });
});
