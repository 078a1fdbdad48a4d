import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

describe("system routes", () => {
  it("/healthz and /readyz answer 200 with their checks", async () => {
    const health = await t.call("GET", "/healthz");
    expect(health.status).toBe(200);
    expect(health.body.checks).toMatchObject({ database: true, migrations: true, sandbox: true });
    expect((await t.call("GET", "/readyz")).status).toBe(200);
  });

  it("/metrics is Prometheus text with ZeroFee's own series", async () => {
    await t.call("GET", "/healthz");
    const res = await t.call("GET", "/metrics");
    expect(res.status).toBe(200);
    expect(res.text).toContain("zerofee_http_requests_total");
    expect(res.text).toContain("zerofee_http_request_duration_seconds");
  });

  it("/openapi.json is OpenAPI 3.1, every /v1 operation carries its auth rule and error envelope", async () => {
    const res = await t.call("GET", "/openapi.json");
    expect(res.body.openapi).toBe("3.1.0");
    const ops = Object.entries(res.body.paths as Record<string, Record<string, { "x-zerofee-auth"?: string[]; responses?: Record<string, unknown> }>>).flatMap(
      ([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(ops.length).toBeGreaterThan(15);
    for (const { path, method, op } of ops.filter((o) => o.path.startsWith("/v1"))) {
      expect(op["x-zerofee-auth"], `${method} ${path}`).toBeInstanceOf(Array);
    }
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/payments",
        "/v1/payments/{id}",
        "/v1/auth/login",
        "/v1/apps/{app_id}/keys",
        "/v1/stats",
        "/v1/settlements",
        "/v1/settlements/{id}",
        "/v1/settlements/{id}/payments",
      ]),
    );
    expect(Object.keys(res.body.paths).some((p) => p.startsWith("/sandbox"))).toBe(false);
    // Every documented parameter is a real one, not a JSON Schema keyword leaking from a
    // record-typed schema (the return route once showed `propertyNames` as a query parameter).
    const keywords = new Set(["propertyNames", "additionalProperties", "properties", "required", "anyOf", "oneOf"]);
    for (const { path, method, op } of ops) {
      for (const param of (op as { parameters?: Array<{ name: string }> }).parameters ?? []) {
        expect(keywords.has(param.name), `${method} ${path}: ${param.name}`).toBe(false);
      }
    }
    // What a client needs beyond the bodies: the Idempotency-Key header where a key may send
    // it, the headers of every answer, Retry-After where an answer may ask for a wait.
    type Op = { parameters?: Array<{ name: string; in: string }>; responses: Record<string, { headers?: Record<string, { $ref: string }> }> };
    const op = (path: string, method: string) => res.body.paths[path][method] as Op;
    const idemHeader = (o: Op) => (o.parameters ?? []).filter((p) => p.in === "header" && p.name === "Idempotency-Key");
    expect(idemHeader(op("/v1/payments", "post"))).toHaveLength(1);
    expect(idemHeader(op("/v1/refunds", "post"))).toHaveLength(1);
    expect(idemHeader(op("/v1/checkout/pay", "post"))).toHaveLength(1);
    expect(idemHeader(op("/v1/payments", "get"))).toHaveLength(0);
    expect(idemHeader(op("/v1/auth/login", "post"))).toHaveLength(0);
    const created = op("/v1/payments", "post").responses;
    expect(Object.keys(created["201"]?.headers ?? {}).sort()).toEqual(["Idempotent-Replayed", "X-Request-Id", "X-ZeroFee-Latency"]);
    expect(created["429"]?.headers?.["Retry-After"]).toEqual({ $ref: "#/components/headers/Retry-After" });
    expect(created["409"]?.headers?.["Retry-After"]).toBeDefined();
    expect(op("/v1/payments/{id}", "get").responses["200"]?.headers?.["Idempotent-Replayed"]).toBeUndefined();
    for (const name of ["X-Request-Id", "X-ZeroFee-Latency", "Retry-After", "Idempotent-Replayed"]) expect(res.body.components.headers[name]).toBeDefined();
    expect(Object.keys(op("/v1/payments/{id}/return", "get").responses).sort()).toEqual(["200", "303"]);
  });

  it("/docs serves the API reference page", async () => {
    const res = await fetch(`${t.url}/docs`, { redirect: "follow" });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/openapi\.json|scalar/i);
  });

  it("unknown routes answer the envelope with a request id", async () => {
    const res = await t.call("GET", "/v1/nope");
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, error: { code: "route_not_found", request_id: expect.stringMatching(/^req_/) } });
    expect(res.headers.get("x-request-id")).toBe(res.body.error.request_id);
  });
});
