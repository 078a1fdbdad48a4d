import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config.js";
import { TestClock } from "../../lib/clock.js";
import { createMetrics } from "../../lib/metrics.js";
import { createProviderGateway } from "./gateway.js";
import { ProviderHealth } from "./health.js";

const config = { windowS: 60, minCalls: 4, errorPct: 50, cooldownS: 30 };

describe("ProviderHealth", () => {
  it("cools a provider down once the window holds enough calls and errors reach the threshold, per mode", () => {
    const clock = new TestClock(new Date("2031-01-01T00:00:00Z"));
    const h = new ProviderHealth(config, clock);
    h.record("p", false, true);
    h.record("p", false, true);
    h.record("p", false, true);
    expect(h.isCoolingDown("p", false)).toBe(false); // 3 calls: below the minimum
    h.record("p", false, false);
    expect(h.isCoolingDown("p", false)).toBe(true); // 3 errors of 4 ≥ 50 %
    expect(h.isCoolingDown("p", true)).toBe(false); // live is judged apart
    expect(h.snapshot("p", false)).toMatchObject({ state: "cooling_down", calls: 4, errors: 3, cooldown_until: "2031-01-01T00:00:30.000Z" });
    clock.advance(30_000);
    expect(h.isCoolingDown("p", false)).toBe(false);
    expect(h.snapshot("p", false)).toMatchObject({ state: "healthy", calls: 0, error_rate: null }); // judged afresh
  });

  it("forgets calls older than the window, and stays healthy under the threshold", () => {
    const clock = new TestClock(new Date("2031-01-01T00:00:00Z"));
    const h = new ProviderHealth(config, clock);
    for (let i = 0; i < 3; i++) h.record("p", false, true);
    clock.advance(61_000);
    h.record("p", false, true);
    expect(h.snapshot("p", false).calls).toBe(1);
    for (let i = 0; i < 3; i++) h.record("p", false, false);
    expect(h.isCoolingDown("p", false)).toBe(false); // 1 error of 4: 25 %
  });
});

describe("provider URL overrides (config)", () => {
  it("reads ZEROFEE_PROVIDER_<NAME>_URL and …_SANDBOX_URL by provider name, and refuses a non-http URL", () => {
    const c = loadConfig(
      {
        ZEROFEE_PROVIDER_PAWAPAY_URL: "https://api.sandbox.pawapay.io/",
        ZEROFEE_PROVIDER_TEST_LIVE_SANDBOX_URL: "http://127.0.0.1:9/sb",
        ZEROFEE_PROVIDER_TIMEOUT_MS: "100",
      },
      { persistKey: false },
    );
    expect(c.providerUrls).toEqual({ live: { pawapay: "https://api.sandbox.pawapay.io" }, sandbox: { test_live: "http://127.0.0.1:9/sb" } });
    expect(c.providerTimeoutMs).toBe(100);
    expect(() => loadConfig({ ZEROFEE_PROVIDER_HUB2_URL: "javascript:alert(1)" }, { persistKey: false })).toThrow(/ZEROFEE_PROVIDER_HUB2_URL/);
  });

  it("a ZEROFEE_PROVIDER_<NAME>_URL naming no provider stops the process: misspelt, it left the provider on its live address", () => {
    const gateway = (env: Record<string, string>) =>
      createProviderGateway({
        config: loadConfig(env, { persistKey: false }),
        metrics: createMetrics(),
        clock: new TestClock(),
        publicUrl: () => "http://127.0.0.1:9",
      });
    expect(() => gateway({ ZEROFEE_PROVIDER_PAWAPAI_URL: "https://staging.example" })).toThrow(ConfigError);
    expect(() => gateway({ ZEROFEE_PROVIDER_PAWAPAI_URL: "https://staging.example" })).toThrow(
      /^Invalid configuration ZEROFEE_PROVIDER_PAWAPAI_URL: no provider is named "pawapai" \(the names are .*PAWAPAY/,
    );
    expect(() => gateway({ ZEROFEE_PROVIDER_STRIPEE_SANDBOX_URL: "https://staging.example" })).toThrow(/ZEROFEE_PROVIDER_STRIPEE_SANDBOX_URL/);
    expect(gateway({ ZEROFEE_PROVIDER_PAWAPAY_URL: "https://staging.example" }).has("pawapay")).toBe(true);
  });
});
