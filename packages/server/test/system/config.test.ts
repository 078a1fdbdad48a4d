/**
 * The configuration an operator writes: a blank value is unset (its default), numbers are
 * digits only, a setting that would switch a safeguard off by accident is refused, and every
 * refusal names its variable. The master key is taken only as the canonical base64 of 32 bytes.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const base = { NODE_ENV: "test" };
const load = (env: Record<string, string>) => loadConfig({ ...base, ...env }, { persistKey: false });
const refusal = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe("configuration", () => {
  it("password hashing stays at scrypt N=2^17: no variable lowers it (only the test suite's apps hash cheaper)", () => {
    expect(load({}).passwordHashLogN).toBe(17);
    expect(load({ ZEROFEE_PASSWORD_HASH_LOG_N: "10", PASSWORD_HASH_LOG_N: "10" }).passwordHashLogN).toBe(17);
  });

  it("a variable set to nothing takes its default, not 0: timeouts, limits, retries, the port", () => {
    const c = load({
      PORT: "",
      ZEROFEE_WEBHOOK_TIMEOUT_MS: "",
      ZEROFEE_RATE_LIMIT_PER_KEY: " ",
      ZEROFEE_RATE_LIMIT_PER_IP: "",
      ZEROFEE_CONCURRENCY_PER_KEY: "",
      ZEROFEE_WEBHOOK_DISABLE_AFTER: "",
      ZEROFEE_WEBHOOK_RETRY_DELAYS: "",
    });
    expect(c.port).toBe(8000);
    expect(c.webhook).toMatchObject({ timeoutMs: 30_000, disableAfter: 10, retryDelaysS: [60, 300, 1800, 7200, 28800, 86400] });
    expect(c.rateLimitPerKey).toBe(1000);
    expect(c.rateLimitPerIp).toBe(2000);
    expect(c.concurrencyPerKey).toBe(50);
  });

  it("values a library would only refuse later, with a stack trace, are refused here by name", () => {
    // nodemailer took any string and threw at start-up, after the migrations had run.
    for (const bad of ["not-a-url", "http://mail.example.com", "mail.example.com:587"]) {
      expect(refusal({ SMTP_URL: bad }), bad).toMatch(/^Invalid configuration SMTP_URL: an smtp:\/\/ or smtps:\/\/ URL/);
    }
    expect(load({ SMTP_URL: "smtps://user:pw@mail.example.com:465" }).smtpUrl).toBe("smtps://user:pw@mail.example.com:465");
    // The proxy-address check threw "invalid IP address" when the HTTP server was built.
    for (const bad of ["abc", "10.0.0.0/99", "fd00::/129", "10.0.0.1/8/8", "300.1.1.1", "10.0.0.0/"]) {
      expect(refusal({ ZEROFEE_TRUST_PROXY: bad }), bad).toMatch(/^Invalid configuration ZEROFEE_TRUST_PROXY/);
    }
    expect(load({ ZEROFEE_TRUST_PROXY: "10.0.0.0/8, 192.168.1.7, fd00::/8, ::1" }).trustProxy).toBe("10.0.0.0/8,192.168.1.7,fd00::/8,::1");
    expect(load({ ZEROFEE_TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(load({ ZEROFEE_TRUST_PROXY: "off" }).trustProxy).toBe(false);
    // A misspelt crash point never fired, so a recovery test passed for the wrong reason.
    expect(refusal({ ZEROFEE_FAULT: "after_provider_initate" })).toMatch(/^Invalid configuration ZEROFEE_FAULT: one of after_provider_initiate/);
    expect(load({ ZEROFEE_FAULT: "settle_after_first" }).fault).toBe("settle_after_first");
  });

  it("numbers are digits only, and each refusal names its variable", () => {
    expect(refusal({ ZEROFEE_DB_POOL_SIZE: "0x10" })).toMatch(/ZEROFEE_DB_POOL_SIZE: a whole number/);
    expect(refusal({ ZEROFEE_DB_POOL_SIZE: "1e3" })).toMatch(/ZEROFEE_DB_POOL_SIZE/);
    expect(refusal({ ZEROFEE_DB_POOL_SIZE: "-1" })).toMatch(/ZEROFEE_DB_POOL_SIZE: a whole number/);
    expect(refusal({ ZEROFEE_DB_POOL_SIZE: "0" })).toMatch(/ZEROFEE_DB_POOL_SIZE: at least 1/);
    expect(refusal({ ZEROFEE_KEY_CACHE_MS: "1.5" })).toMatch(/ZEROFEE_KEY_CACHE_MS/);
    expect(refusal({ PORT: "99999" })).toMatch(/PORT: at most 65535/);
    expect(load({ ZEROFEE_DB_POOL_SIZE: " 12 " }).dbPoolSize).toBe(12);
    // The retry schedule too: no exponent, no hex, and no empty entry from a stray comma
    // (which would have added an immediate retry).
    for (const bad of ["1e2,60", "0x10", "60,,300", "60,300,", "60;300", "-5"]) {
      expect(refusal({ ZEROFEE_WEBHOOK_RETRY_DELAYS: bad }), bad).toMatch(/ZEROFEE_WEBHOOK_RETRY_DELAYS/);
    }
    expect(load({ ZEROFEE_WEBHOOK_RETRY_DELAYS: " 60, 300 " }).webhook.retryDelaysS).toEqual([60, 300]);
  });

  it("ZEROFEE_DB_CONNECT_TIMEOUT_MS: 5000 unless set, at least 100, digits only", () => {
    expect(load({}).dbConnectTimeoutMs).toBe(5_000);
    expect(load({ ZEROFEE_DB_CONNECT_TIMEOUT_MS: " 750 " }).dbConnectTimeoutMs).toBe(750);
    for (const bad of ["0x10", "1e3", "1.5", "-1"]) {
      expect(refusal({ ZEROFEE_DB_CONNECT_TIMEOUT_MS: bad }), bad).toMatch(/ZEROFEE_DB_CONNECT_TIMEOUT_MS: a whole number/);
    }
    expect(refusal({ ZEROFEE_DB_CONNECT_TIMEOUT_MS: "99" })).toMatch(/ZEROFEE_DB_CONNECT_TIMEOUT_MS: at least 100/);
  });

  it("a timeout of 0 is refused (every call would fail at once); documented zeros still turn a limit off", () => {
    expect(refusal({ ZEROFEE_WEBHOOK_TIMEOUT_MS: "0" })).toMatch(/ZEROFEE_WEBHOOK_TIMEOUT_MS: at least 100/);
    expect(refusal({ ZEROFEE_PROVIDER_TIMEOUT_MS: "0" })).toMatch(/ZEROFEE_PROVIDER_TIMEOUT_MS: at least 100/);
    const off = load({ ZEROFEE_RATE_LIMIT_PER_KEY: "0", ZEROFEE_WEBHOOK_DISABLE_AFTER: "0" });
    expect(off.rateLimitPerKey).toBe(0);
    expect(off.webhook.disableAfter).toBe(0);
  });

  it("PUBLIC_URL is http(s)", () => {
    expect(refusal({ PUBLIC_URL: "ftp://pay.example.com" })).toMatch(/PUBLIC_URL: an http\(s\) URL is expected/);
    expect(load({ PUBLIC_URL: "https://pay.example.com/" }).publicUrl).toBe("https://pay.example.com");
  });

  it("the master key: only the canonical base64 of 32 random bytes", () => {
    const key = randomBytes(32).toString("base64");
    expect(load({ ZEROFEE_MASTER_KEY: key }).masterKey.toString("base64")).toBe(key);
    for (const bad of [`${key}***junk***`, "a".repeat(43), key.slice(0, -1), randomBytes(32).toString("hex")]) {
      expect(refusal({ ZEROFEE_MASTER_KEY: bad })).toMatch(/ZEROFEE_MASTER_KEY must be 32 random bytes, base64-encoded/);
    }
    expect(refusal({ ZEROFEE_MASTER_KEY: Buffer.alloc(32).toString("base64") })).toMatch(/does not look random/);
  });
});
