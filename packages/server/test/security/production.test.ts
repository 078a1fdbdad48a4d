/**
 * SE-5 sandbox absent in production (reliability.md §5 group H; SPEC §6, §15). A real
 * production build: NODE_ENV=production, a master key from config, the sandbox forced off.
 * On PGlite runs the database is handed to buildApp (production config still needs a
 * DATABASE_URL string, which buildApp then does not open).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type ZeroFee } from "../../src/app.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { payments } from "../../src/db/schema/index.js";
import { type CallResult, createMerchant, freshDatabase, type Merchant, paymentBody, type TestApp, testLogStream } from "../harness.js";
import { expectErrorEnvelope, findSecrets } from "./helpers.js";

let app: ZeroFee;
let url: string;
let drop: () => Promise<void>;
let m: Merchant;
const logs: string[] = [];
const masterKey = randomBytes(32).toString("base64");

async function call(method: string, path: string, o: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${url}${path}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), redirect: "manual" });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: res.status, headers: res.headers, body, text };
}

beforeAll(async () => {
  const fresh = await freshDatabase({ migrated: true });
  drop = fresh.drop;
  const config = loadConfig(
    {
      NODE_ENV: "production",
      DATABASE_URL: fresh.url ?? "postgres://unused.invalid/zerofee",
      ZEROFEE_MASTER_KEY: masterKey,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "debug",
      ZEROFEE_RATE_LIMIT_PER_KEY: "0",
      ZEROFEE_RATE_LIMIT_PER_IP: "0",
    },
    { persistKey: false },
  );
  const logStream = testLogStream(logs);
  app = await buildApp({ config, database: fresh.database, logStream, workers: false });
  url = await app.listen();
  m = await createMerchant({ call } as unknown as TestApp, "prod");
});
afterAll(async () => {
  await app?.stop();
  await drop?.();
});

describe("SE-5 sandbox absent in production", () => {
  it("SE-5 production config refuses the sandbox and fault injection, and needs a master key", () => {
    const base = { NODE_ENV: "production", DATABASE_URL: "postgres://x.invalid/db", ZEROFEE_MASTER_KEY: masterKey };
    expect(loadConfig(base, { persistKey: false }).sandbox).toBe(false);
    expect(() => loadConfig({ ...base, ZEROFEE_SANDBOX: "on" }, { persistKey: false })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ZEROFEE_FAULT: "after_provider_initiate" }, { persistKey: false })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://x.invalid/db" }, { persistKey: false })).toThrow(ConfigError);
    expect(app.ctx.config.production).toBe(true);
    expect(app.ctx.config.sandbox).toBe(false);
  });

  it("SE-5 /sandbox/* and /sandbox/test/_control are 404 in production", async () => {
    for (const [method, path, body] of [
      ["POST", "/sandbox/test/_control", { down: true }],
      ["GET", "/sandbox/test/_control"],
      ["POST", "/sandbox/test/v1/collections", paymentBody("00")],
      ["GET", "/sandbox/test/pay/anything"],
      ["POST", "/sandbox/pawapay/_control", { latency_ms: 1 }],
      ["GET", "/sandbox/card"],
      ["GET", "/sandbox"],
    ] as const) {
      const res = await call(method, path, { body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expectErrorEnvelope(res, path);
      expect(res.body.error.code).toBe("route_not_found");
    }
    const routes = app.http.printRoutes({ commonPrefix: false });
    expect(routes).not.toContain("sandbox");
  });

  it("SE-5 a test key never reaches a provider in production: 422 no_provider_configured, no provider call", async () => {
    for (const [token, body] of [
      [m.sk, paymentBody("00")],
      [m.sk, paymentBody("00", { provider: "test" })],
      [m.sk, paymentBody("00", { provider: "pawapay" })],
      [m.skLive, paymentBody("00")],
      [m.skLive, paymentBody("00", { provider: "test" })],
    ] as const) {
      const res = await call("POST", "/v1/payments", { token, body });
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.code).toBe("no_provider_configured");
    }
    const rows = await app.database.db.select().from(payments);
    expect(rows.filter((p) => p.provider !== null || p.providerReference !== null)).toEqual([]);
    const metrics = await call("GET", "/metrics");
    const providerCalls = metrics.text.split("\n").filter((l) => l.startsWith("zerofee_provider_calls_total{"));
    expect(providerCalls.filter((l) => !/\s0$/.test(l))).toEqual([]);
    expect(findSecrets(logs, [["master key", masterKey]])).toEqual([]);
  });
});
