/**
 * Health-aware routing with the real provider adapters (SPEC §5, docs/providers.md "Health"):
 * each adapter's "down / unreachable, not processed" rejection carries `providerDown`, so it
 * counts against the provider's health; after enough of them the provider cools down and the
 * next payment goes to a healthy provider first. Outages come from the real sandboxes
 * (`POST /sandbox/<name>/_control {"down": true}`) and from a refused connection (a sandbox
 * URL override pointing at a closed loopback port); nothing is mocked.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CI_PHONE, createMerchant, type Merchant, startTestApp, type TestApp, TestClock } from "../harness.js";

// Defaults of ZEROFEE_PROVIDER_HEALTH_*: 10 calls, 50 % errors, 30 s cool-down, 60 s window.
const MIN_CALLS = 10;

type Body = Record<string, unknown>;
/** One payment per provider, in a method the `test` provider also serves (the healthy fallback). */
const PAYMENTS: Record<string, Body> = {
  pawapay: { amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: CI_PHONE("02") } },
  hub2: { amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: CI_PHONE("02") } },
  bui: { amount: 1500, payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 02" } },
  paiementpro: { amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: CI_PHONE("02") } },
  stripe: { amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD", customer: { email: "c@example.com" } },
  paypal: { amount: 2500, currency: "EUR", payment_method: "PAYIN_PAYPAL", customer: { email: "c@example.com" } },
};
const URLS = { success_url: "https://merchant.example/ok", cancel_url: "https://merchant.example/cancel", error_url: "https://merchant.example/error" };

const attemptsOf = (p: { attempts: Array<{ provider: string; status: string }> }) => p.attempts.map((a) => `${a.provider}:${a.status}`);

async function setProvider(t: TestApp, m: Merchant, name: string, priority: number) {
  const res = await t.call("PUT", `/v1/apps/${m.appId}/providers/${name}`, { token: m.token, body: { mode: "test", enabled: true, priority } });
  expect(res.status, res.text).toBe(200);
}

async function healthOf(t: TestApp, m: Merchant, name: string) {
  const stats = await t.call("GET", "/v1/stats/providers", { token: m.sk });
  expect(stats.status, stats.text).toBe(200);
  return stats.body.data.health.find((h: { provider: string }) => h.provider === name);
}

const pay = (t: TestApp, m: Merchant, body: Body) => t.call("POST", "/v1/payments", { token: m.sk, body: { ...URLS, ...body } });

/**
 * Payments while `down` is first by priority: each is refused by it and taken by `healthy`,
 * until (within `MIN_CALLS` of them, from a fresh window) `down` is reported cooling down;
 * then the next payment goes to `healthy` first.
 */
async function coolsDown(t: TestApp, m: Merchant, down: string, healthy: string, body: Body, errorCode?: string) {
  let refused = 0;
  for (; refused < MIN_CALLS; ) {
    const res = await pay(t, m, body);
    expect(res.status, res.text).toBe(201);
    expect(attemptsOf(res.body.data)).toEqual([`${down}:rejected`, `${healthy}:accepted`]);
    if (errorCode) expect(res.body.data.attempts[0].error_code).toBe(errorCode);
    refused += 1;
    if ((await healthOf(t, m, down))?.state === "cooling_down") break;
  }
  expect(await healthOf(t, m, down)).toMatchObject({ state: "cooling_down", errors: refused });
  const next = await pay(t, m, body);
  expect(next.status, next.text).toBe(201);
  expect(attemptsOf(next.body.data)).toEqual([`${healthy}:accepted`]);
}

describe("a provider down at its sandbox (_control down) cools down", () => {
  let t: TestApp;
  const clock = new TestClock(new Date("2031-05-01T10:00:00Z"));
  const control = (name: string, down: boolean) => t.call("POST", `/sandbox/${name}/_control`, { body: { down } });

  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t?.stop());

  it("pawapay (REJECTED PROVIDER_TEMPORARILY_UNAVAILABLE) → cooling down, Orange CI goes to hub2 first", async () => {
    const m = await createMerchant(t, "health-pawapay");
    await setProvider(t, m, "pawapay", 10);
    await setProvider(t, m, "hub2", 20);
    // Healthy: pawapay first.
    const before = await pay(t, m, PAYMENTS.pawapay as Body);
    expect(attemptsOf(before.body.data)).toEqual(["pawapay:accepted"]);
    await control("pawapay", true);
    try {
      await coolsDown(t, m, "pawapay", "hub2", PAYMENTS.pawapay as Body, "PROVIDER_TEMPORARILY_UNAVAILABLE");
    } finally {
      await control("pawapay", false);
    }
    // After the cool-down it is judged afresh, and first again.
    clock.advance(31_000);
    expect(await healthOf(t, m, "pawapay")).toMatchObject({ state: "healthy" });
    expect(attemptsOf((await pay(t, m, PAYMENTS.pawapay as Body)).body.data)).toEqual(["pawapay:accepted"]);
  });

  for (const name of ["hub2", "bui", "paiementpro", "stripe", "paypal"]) {
    it(`${name}: its documented "unavailable, not processed" answer → cooling down, the next payment goes to test first`, async () => {
      const m = await createMerchant(t, `health-${name}`);
      await setProvider(t, m, name, 10);
      await setProvider(t, m, "test", 20);
      await control(name, true);
      try {
        await coolsDown(t, m, name, "test", PAYMENTS[name] as Body, "provider_down");
      } finally {
        await control(name, false);
      }
    });
  }
});

describe("a provider that refuses the connection cools down", () => {
  let t: TestApp;
  const names = Object.keys(PAYMENTS);

  beforeAll(async () => {
    // A loopback port nobody listens on: every call is refused before anything is sent.
    const probe = createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, "127.0.0.1", () => resolve((probe.address() as { port: number }).port)));
    await new Promise((resolve) => probe.close(resolve));
    const env: Record<string, string> = {};
    for (const name of names) env[`ZEROFEE_PROVIDER_${name.toUpperCase()}_SANDBOX_URL`] = `http://127.0.0.1:${port}/closed/${name}`;
    t = await startTestApp({ clock: new TestClock(new Date("2031-05-02T10:00:00Z")), env });
  });
  afterAll(() => t?.stop());

  for (const name of names) {
    it(`${name}: connection refused counts against its health`, async () => {
      const m = await createMerchant(t, `refused-${name}`);
      await setProvider(t, m, name, 10);
      await setProvider(t, m, "test", 20);
      await coolsDown(t, m, name, "test", PAYMENTS[name] as Body, "connection_failed");
    });
  }
});
