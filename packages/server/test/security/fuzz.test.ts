/**
 * Input validation (reliability.md §5 group F: IV-1..IV-3; SPEC §16 "bad input never gets a 5xx").
 * IV-1 walks /openapi.json and sends seeded fast-check cases to every operation.
 */
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSession } from "../../src/services/auth/sessions.js";
import { closeSettlements } from "../../src/services/settlements/close.js";
import { type CallResult, createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp, tampered } from "../harness.js";
import { expectErrorEnvelope, fillPath, findLeaks, type Operation, openApiOperations, opKey, registeredRoutes, toFastifyPath } from "./helpers.js";

let t: TestApp;
let m: Merchant;
let ops: Operation[];
let payId: string;
let otpPayId: string;
/** Real objects of the merchant for each kind of `{id}`, so valid ids reach every handler. */
const idsByKind: Record<string, string[]> = {};
const sacrificialApps: string[] = [];
const sacrificialKeys: string[] = [];

/**
 * Cases per operation: 100 by default (keeps `npm test` on PGlite under 6 minutes); `.ci/run`
 * runs the catalogue's 200 on PostgreSQL (`FUZZ_RUNS=200`), and any run may ask for more.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = 20_260_501;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "fuzz");
  ops = await openApiOperations(t);
  payId = (await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02") })).body.data.id;
  otpPayId = (await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("03") })).body.data.id;
  const done = (await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") })).body.data.id as string;
  await eventually(async () => (await t.call("GET", `/v1/payments/${done}`, { token: m.sk })).body.data.status === "completed");
  const refund = (await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: done, amount: 100 } })).body.data.id as string;
  const [settlement] = await closeSettlements(t.app.ctx, new Date(Date.now() + 1000));
  const session = await t.call("POST", "/v1/checkout/sessions", {
    token: m.sk,
    body: { amount: 1500, currency: "XOF", reference: "fuzz", success_url: "http://127.0.0.1:9/ok" },
  });
  const event = (await t.call("GET", "/v1/events?limit=1", { token: m.sk })).body.data[0].id as string;
  Object.assign(idsByKind, {
    payments: [payId, otpPayId, done],
    refunds: [refund],
    settlements: [settlement?.id ?? "stl_missing"],
    sessions: [session.body.data.id],
    events: [event],
  });
  for (let i = 0; i < 3; i++) {
    sacrificialApps.push((await t.call("POST", "/v1/apps", { token: m.token, body: { name: `victim-${i}` } })).body.data.id);
    sacrificialKeys.push((await t.call("POST", `/v1/apps/${m.appId}/keys`, { token: m.token, body: { type: "publishable", mode: "test" } })).body.data.id);
  }
});
afterAll(() => t?.stop());

// ------------------------------------------------------------------ value generators
const LONG = "x".repeat(10_000);
const hostileScalar = fc.constantFrom<unknown>(
  2 ** 63,
  -(2 ** 63),
  -0,
  1e308,
  -1,
  0,
  1.5,
  // biome-ignore lint/correctness/noPrecisionLoss: 2^53 + 1 on purpose, past exact integers
  9007199254740993,
  "NaN",
  "Infinity",
  "-0",
  "9223372036854775808",
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "💸🚀",
  "Ñandú",
  "\u202eevil",
  "<script>alert(1)</script>",
  "' OR '1'='1",
  LONG,
  "a".repeat(300),
  true,
  false,
  null,
  [],
  {},
  ["a"],
  { $gt: "" },
  "+225",
  "+2250700",
  "+225 07 00 00 00 00 00 00 00",
  "0700000000",
  "++2250700000000",
  "+999 00 00",
  "١٢٣٤٥٦٧٨٩٠",
  "PAYIN_ORANGE_ZZ",
  "XOF",
  "2020-13-45T99:99:99Z",
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);
const hostileString = fc.oneof(
  { weight: 3, arbitrary: hostileScalar.map(String) },
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.integer().map(String),
);

/** A valid value for a JSON-schema property (enough to get past validation sometimes). */
// biome-ignore lint/suspicious/noExplicitAny: raw JSON schema
function validFor(schema: any): fc.Arbitrary<unknown> {
  if (!schema) return fc.constant("x");
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map(validFor));
  if (schema.type === "integer" || schema.type === "number") {
    const min = Math.max(schema.minimum ?? -1000, -1e9);
    const max = Math.min(schema.maximum ?? 1_000_000, 1e9);
    return fc.oneof(fc.constantFrom(min, max, min - 1, max + 1), fc.integer({ min, max }));
  }
  if (schema.type === "boolean") return fc.boolean();
  if (schema.type === "array") return fc.array(validFor(schema.items), { maxLength: 3 });
  if (schema.type === "object") return fc.constant({});
  if (schema.format === "email") return fc.constantFrom("a@example.com", "fuzz@example.com");
  if (schema.format === "date-time") return fc.constantFrom("2026-01-01T00:00:00Z", "2026-01-01T00:00:00+01:00");
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) });
}

/** Known-good bodies, mutated field by field. */
const BASE_BODIES: Record<string, () => Record<string, unknown>> = {
  "POST /v1/payments": () => paymentBody("00", { reference: "fuzz", metadata: { order: "1" } }),
  "POST /v1/apps": () => ({ name: "fuzzed" }),
  "PATCH /v1/apps/{app_id}": () => ({ name: "fuzz" }),
  "POST /v1/apps/{app_id}/keys": () => ({ type: "publishable", mode: "test" }),
  "POST /v1/apps/{app_id}/keys/{key_id}/roll": () => ({ grace_period_s: 60 }),
  "POST /v1/payments/{id}/authenticate": () => ({ otp: "000000" }),
  "POST /v1/auth/register": () => ({ email: "fuzz-reg@example.com", password: "long enough password", name: "F", company: "F" }),
  "POST /v1/auth/login": () => ({ email: "nobody@example.com", password: "not the password" }),
  "POST /v1/auth/password": () => ({ current_password: "not the password", new_password: "another long password" }),
};

type Case = { method?: string; path: Record<string, string>; query: Record<string, string>; body: unknown; rawBody?: string };

/** The merchant's real ids for the `{id}` of a path (payments by default). */
function idsFor(path: string): string[] {
  const kind = /^\/v1\/(refunds|settlements|events)\//.exec(path)?.[1] ?? (/\/checkout\/(sessions\/)?\{id\}/.test(path) ? "sessions" : "payments");
  const ids = idsByKind[kind];
  if (!ids?.length) throw new Error(`no ${kind} for ${path}`);
  return ids;
}

/** The listen long poll answers at once unless its `wait` is refused: any wait it would accept becomes 0. */
function noLongPoll(q: Record<string, string>): Record<string, string> {
  const wait = q.wait === undefined ? 25 : Number(q.wait.trim() === "" ? Number.NaN : q.wait);
  return Number.isInteger(wait) && wait > 0 && wait <= 30 ? { ...q, wait: "0" } : q;
}

function caseArb(o: Operation): fc.Arbitrary<Case> {
  const params = (o.op.parameters ?? []) as Array<{ in: string; name: string; schema?: unknown }>;
  const pathParams = params.filter((p) => p.in === "path").map((p) => p.name);
  const queryParams = params.filter((p) => p.in === "query");
  const pools: Record<string, string[]> = {
    app_id: o.method === "DELETE" && o.path === "/v1/apps/{app_id}" ? sacrificialApps : [m.appId],
    key_id: sacrificialKeys,
    id: idsFor(o.path),
    provider: ["test", "pawapay", "stripe"],
  };
  const path = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [p, fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...(pools[p] ?? ["x"])) }, { weight: 2, arbitrary: hostileString })]),
    ) as Record<string, fc.Arbitrary<string>>,
  );
  const queryKeys = [...queryParams.map((q) => q.name), "zz_extra", "__proto__", "constructor"];
  const queryValue = (name: string) => {
    const q = queryParams.find((p) => p.name === name);
    return fc.oneof({ weight: 2, arbitrary: validFor(q?.schema).map(String) }, hostileString);
  };
  const query =
    o.method === "GET"
      ? fc
          .subarray(queryKeys, { maxLength: Math.min(4, queryKeys.length) })
          .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, queryValue(k)])) as Record<string, fc.Arbitrary<string>>))
          .map((q) => (o.path === "/v1/events/listen" ? noLongPoll(q) : q))
      : fc.constant({} as Record<string, string>);

  const requestSchema = o.op.requestBody?.content?.["application/json"]?.schema;
  const hasBody = o.method !== "GET" && o.method !== "DELETE";
  let body: fc.Arbitrary<unknown> = fc.constant(undefined);
  if (hasBody) {
    const base = BASE_BODIES[opKey(o)]?.() ?? {};
    const props: Record<string, unknown> = requestSchema?.properties ?? {};
    const keys = [...new Set([...Object.keys(base), ...Object.keys(props)])];
    const field = (k: string) =>
      fc.oneof(
        { weight: 5, arbitrary: k in base ? fc.constant(base[k]) : validFor(props[k]) },
        { weight: 2, arbitrary: hostile },
        { weight: 1, arbitrary: fc.constant(undefined) },
        ...(k === "customer"
          ? [
              {
                weight: 2,
                arbitrary: fc.record({
                  phone: fc.oneof(hostileString, fc.constantFrom("+225 07 00 00 00 00", "+22507000000", "+1 202 555 0100", "0022507000000")),
                }),
              },
            ]
          : []),
      );
    const mutated = fc
      .record({
        fields: fc.record(Object.fromEntries(keys.map((k) => [k, field(k)])) as Record<string, fc.Arbitrary<unknown>>),
        extra: fc.option(fc.tuple(fc.constantFrom("zz_extra", "status", "livemode", "app_id", "__proto__x"), hostile), { nil: undefined }),
      })
      .map(({ fields, extra }) => {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
        if (extra) out[extra[0]] = extra[1];
        return out;
      });
    body = fc.oneof(
      { weight: 8, arbitrary: mutated },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  }
  // Other methods on the same URL, but never one the path really routes (a DELETE on the
  // merchant's own app would end the run's credentials rather than test anything).
  const routed = new Set(ops.filter((x) => x.path === o.path).map((x) => x.method));
  const others = ["GET", "POST", "PUT", "PATCH", "DELETE", "PROPFIND", "SEARCH"].filter((x) => !routed.has(x));
  // One case in twelve tries another method on the URL; the other eleven (undefined: the
  // operation's own method) reach its handler. (`fc.option`'s `freq` is the other way round.)
  const method = fc.oneof({ weight: 11, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
  return fc.record({ method, path, query, body });
}

function credentialFor(o: Operation): { token?: string; headers: Record<string, string> } {
  if (o.auth.includes("secret")) return { token: m.sk, headers: {} };
  if (o.auth.includes("user")) return { token: m.token, headers: { "x-app-id": m.appId } };
  if (o.auth.includes("publishable")) return { token: m.pk, headers: {} };
  return { headers: {} };
}

const isPlainObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

function checkResponse(res: CallResult, where: string, c: { body: unknown; bodySent: boolean; method: string }) {
  expect(res.status, where).toBeLessThan(500);
  if (res.status >= 400 && res.body !== null) {
    expectErrorEnvelope(res, where);
    const leaks = findLeaks(res.text).filter((l) => l === "stack trace" || l === "SQL" || l === "error class");
    expect(leaks, where).toEqual([]);
    // A field (query, path or body member) at fault is named; a missing or non-object body as a whole is not a field.
    const fieldAtFault = c.bodySent ? isPlainObject(c.body) : c.method === "GET" || c.method === "DELETE";
    if (res.status === 400 && res.body.error.code === "validation_error" && fieldAtFault) {
      expect(res.body.error.param, `${where}: a 400 names its param`).toBeTypeOf("string");
    }
  } else if (res.status >= 400) {
    // Only HEAD answers have no body.
    expect(res.text, where).toBe("");
  }
}

describe("IV-1 OpenAPI-driven fuzz", () => {
  it("IV-1 the registered /v1 routes are exactly the OpenAPI paths (sandbox, docs, openapi.json, the dashboard's files and preflight excepted)", () => {
    // The router's own view (printRoutes) rather than an onRoute hook: buildApp registers
    // every route before the test can add a hook, and printRoutes reads the live radix tree.
    const routes = registeredRoutes(t.app.http.printRoutes({ commonPrefix: false }))
      .filter((r) => r.method !== "HEAD" && r.method !== "OPTIONS")
      // The dashboard's static files (and `GET /`, its redirect) are a web page, not API: SPEC §11.
      .filter(
        (r) => !r.url.startsWith("/sandbox") && !r.url.startsWith("/docs") && r.url !== "/openapi.json" && !r.url.startsWith("/dashboard") && r.url !== "/",
      );
    const registered = routes.map((r) => `${r.method} ${r.url}`).sort();
    const documented = ops.map((o) => `${o.method} ${toFastifyPath(o.path)}`).sort();
    expect(registered.filter((r) => r.includes("/v1/")).length).toBeGreaterThan(15);
    expect(registered).toEqual(documented);
  });

  it(`IV-1 OpenAPI-driven fuzz: ${RUNS} seeded cases per operation, 0 responses >= 500, envelope with request_id, 400s name a param`, async () => {
    let sent = 0;
    for (const o of ops) {
      const cred = credentialFor(o);
      const fresh = o.path === "/v1/auth/logout" || o.path === "/v1/auth/password";
      await fc.assert(
        fc.asyncProperty(caseArb(o), async (c) => {
          const method = c.method ?? o.method;
          let path = fillPath(o.path, c.path);
          const qs = new URLSearchParams(c.query).toString();
          if (qs) path += `?${qs}`;
          const bodySent = method !== "GET" && c.body !== undefined;
          const token = fresh ? await openSession(t.database.db, m.userId, new Date()) : cred.token;
          const res = await t.call(method, path, { token, headers: cred.headers, body: bodySent ? c.body : undefined });
          sent++;
          checkResponse(res, `${opKey(o)} as ${method} ${path.slice(0, 200)} body=${JSON.stringify(c.body)?.slice(0, 300)}`, {
            body: c.body,
            bodySent,
            method,
          });
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }
    expect(sent).toBeGreaterThanOrEqual(ops.length * RUNS);
    expect((await t.call("GET", "/healthz")).status).toBe(200);
  }, 300_000);

  it("IV-1 unknown methods and unknown /v1 paths answer an envelope, never 5xx", async () => {
    for (const [method, path] of [
      ["PROPFIND", "/v1/payments"],
      ["PUT", "/v1/payments"],
      ["DELETE", "/v1/payments"],
      ["PATCH", "/v1/auth/login"],
      ["GET", "/v1/nothing-here"],
      ["POST", "/v1/payments/x/y/z"],
      ["GET", `/v1/payments/${"a".repeat(5000)}`],
      ["GET", "/v1/payments/%E0%A4%A"],
      ["GET", "/v1/payments/%zz"],
      ["GET", "/v1/apps/%"],
      ["GET", "/v1/payments/%00/status"],
    ] as const) {
      const res = await t.call(method, path, { token: m.sk });
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
      expectErrorEnvelope(res, `${method} ${path.slice(0, 50)}`);
    }
  });
});

describe("IV-2 body and parser limits", () => {
  it('IV-2 an unknown body member is named in `param`, one with an empty name as ""', async () => {
    const url = `/v1/apps/${m.appId}/keys/${sacrificialKeys[0]}/roll`;
    for (const [body, param] of [
      [{ zz_extra: 1 }, "zz_extra"],
      [{ "": 1, zz_extra: 1 }, "zz_extra"],
      [{ "": 1 }, '""'],
    ] as const) {
      const res = await t.call("POST", url, { token: m.token, headers: { "x-app-id": m.appId }, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "validation_error", param });
    }
  });

  it("IV-2 body and parser limits: 413 over 100 KiB, deep nesting, invalid JSON 400, text/plain 415, __proto__ refused, no pollution, healthy", async () => {
    const post = (rawBody: string, contentType = "application/json") =>
      t.call("POST", "/v1/payments", { token: m.sk, rawBody, headers: { "content-type": contentType } });

    const big = JSON.stringify({ ...paymentBody("00"), description: "x".repeat(100 * 1024) });
    const tooLarge = await post(big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe("body_too_large");
    expectErrorEnvelope(tooLarge, "413");

    for (const deep of [
      `${"[".repeat(40_000)}${"]".repeat(40_000)}`,
      `{"metadata":${'{"a":'.repeat(15_000)}1${"}".repeat(15_000)}}`,
      `{"amount":1500,"payment_method":"PAYIN_ORANGE_CI","customer":${'{"a":'.repeat(15_000)}1${"}".repeat(15_000)}}`,
    ]) {
      expect(deep.length).toBeLessThan(100 * 1024);
      const res = await post(deep);
      expect(res.status, res.text).toBe(400);
      expectErrorEnvelope(res, "deep");
    }

    for (const bad of ["{", "{'amount': 1}", "undefined", "NaN", '{"amount": 1500,}', "\u0000", "[1,2", '{"a":"\\x"}']) {
      const res = await post(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code, bad).toBe("invalid_json");
      expectErrorEnvelope(res, bad);
    }

    for (const ct of ["text/plain", "application/xml", "multipart/form-data; boundary=x"]) {
      const res = await post(JSON.stringify(paymentBody("00")), ct);
      expect(res.status, ct).toBe(415);
      expect(res.body.error.code).toBe("unsupported_media_type");
      expectErrorEnvelope(res, ct);
    }

    const before = (await t.call("GET", "/v1/payments?limit=100", { token: m.sk })).body.data.length;
    for (const evil of [
      `{"__proto__":{"polluted":"yes"},"amount":1500,"payment_method":"PAYIN_ORANGE_CI"}`,
      `{"amount":1500,"payment_method":"PAYIN_ORANGE_CI","metadata":{"__proto__":{"polluted":"yes"}}}`,
      `{"constructor":{"prototype":{"polluted":"yes"}},"amount":1500,"payment_method":"PAYIN_ORANGE_CI"}`,
      `{"amount":1500,"payment_method":"PAYIN_ORANGE_CI","customer":{"constructor":{"prototype":{"polluted":"yes"}}}}`,
    ]) {
      const res = await post(evil);
      expect(res.status, evil).toBe(400);
      expectErrorEnvelope(res, evil);
      // Valid JSON: the answer names the refused key rather than calling the JSON invalid.
      expect(res.body.error.message, evil).toBe('The body has a "__proto__" or "constructor.prototype" key, which ZeroFee refuses.');
    }
    for (const [method, path, token, rawBody] of [
      ["PATCH", `/v1/apps/${m.appId}`, m.token, `{"name":"p","__proto__":{"polluted":"yes"}}`],
      ["POST", "/v1/auth/login", undefined, `{"email":"a@b.co","password":"x","__proto__":{"polluted":"yes"}}`],
    ] as const) {
      const res = await t.call(method, path, { token, rawBody, headers: { "content-type": "application/json", "x-app-id": m.appId } });
      expect(res.status, path).toBe(400);
    }
    const q = await t.call("GET", "/v1/payments?__proto__[polluted]=yes&constructor[prototype][polluted]=yes", { token: m.sk });
    expect(q.status).toBeLessThan(500);
    const form = await t.call("POST", "/v1/payments", {
      token: m.sk,
      rawBody: "__proto__[polluted]=yes&amount=1500",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    // A form body on a JSON route is 415 (no HTML form may post to the API without a preflight);
    // the routes that do take forms (provider callbacks) parse them without a prototype.
    expect(form.status).toBe(415);
    const providerForm = await t.call("POST", "/v1/webhooks/providers/paiementpro", {
      rawBody: "__proto__[polluted]=yes&constructor[prototype][polluted]=yes&referenceNumber=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(providerForm.status, providerForm.text).toBeGreaterThanOrEqual(400);
    expect(providerForm.status).toBeLessThan(500);
    expect((await t.call("GET", "/v1/payments?limit=100", { token: m.sk })).body.data.length).toBe(before);

    // The server runs in this process: a polluted prototype would show here.
    // biome-ignore lint/suspicious/noExplicitAny: checking for pollution
    expect(({} as any).polluted).toBeUndefined();
    // biome-ignore lint/suspicious/noExplicitAny: checking for pollution
    expect((Object.prototype as any).polluted).toBeUndefined();
    const health = await t.call("GET", "/healthz");
    expect(health.status).toBe(200);
    expect((await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") })).status).toBe(201);
  });
});

/** One raw HTTP/1.1 exchange over TCP: what Node's parser refuses never reaches fetch(). */
function rawHttp(request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { hostname, port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(":")).toLowerCase()] = l.slice(l.indexOf(":") + 1).trim();
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
  });
}

describe("IV-2 malformed HTTP (raw TCP)", () => {
  it("IV-2 a NUL in a header, a non-numeric Content-Length, a bad request line or oversized headers get the error envelope with a request_id", async () => {
    const cases: Array<[string, string, number, string]> = [
      ["NUL in a header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Evil: a\u0000b\r\n\r\n", 400, "malformed_request"],
      [
        "non-numeric Content-Length",
        "POST /v1/payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
        400,
        "malformed_request",
      ],
      ["bad request line", "GARBAGE\r\n\r\n", 400, "malformed_request"],
      ["headers over the limit", `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431, "headers_too_large"],
    ];
    for (const [label, request, status, code] of cases) {
      const res = await rawHttp(request);
      expect(res.status, `${label}: ${res.body}`).toBe(status);
      expect(res.headers["content-type"], label).toMatch(/^application\/json/);
      const body = JSON.parse(res.body);
      expect(body.success, label).toBe(false);
      expect(body.error.code, label).toBe(code);
      expect(body.error.request_id, label).toMatch(/^req_/);
      expect(res.headers["x-request-id"], label).toBe(body.error.request_id);
      expect(Object.keys(body.error).sort(), label).toEqual(["code", "message", "request_id", "type"]);
      expect(findLeaks(res.body), label).toEqual([]);
    }
    expect((await t.call("GET", "/healthz")).status).toBe(200);
  });
});

describe("IV-3 no leakage in errors", () => {
  it("IV-3 a live provider's own error text — which echoes the merchant's credential and its host — never reaches the merchant or the customer", async () => {
    const credential = "prov_live_iv3_c0ffee_0123456789";
    // The "live provider" on loopback: every answer repeats the Authorization it was sent and where it runs.
    const echoes: string[] = [];
    const provider = createServer((req, res) => {
      const said = `Invalid token ${req.headers.authorization ?? ""} at ${req.headers.host ?? ""}${req.url ?? ""}`;
      echoes.push(said);
      const status = echoes.length % 2 ? 401 : 500;
      res.writeHead(status, { "content-type": status === 401 ? "application/json" : "text/html" });
      res.end(status === 401 ? JSON.stringify({ errorMessage: said, failureReason: { failureMessage: said } }) : `<pre>${said}</pre>`);
    });
    await new Promise<void>((r) => provider.listen(0, "127.0.0.1", r));
    const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    const lt = await startTestApp({ env: { ZEROFEE_PROVIDER_PAWAPAY_URL: providerUrl } });
    try {
      const lm = await createMerchant(lt, "iv3-live");
      const put = await lt.call("PUT", `/v1/apps/${lm.appId}/providers/pawapay`, {
        token: lm.token,
        body: { mode: "live", credentials: { api_token: credential } },
      });
      expect(put.status, put.text).toBe(200);
      const body = { amount: 1500, currency: "XOF", payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 00" }, provider: "pawapay" };
      const answers: CallResult[] = [];
      for (let i = 0; i < 2; i++) answers.push(await lt.call("POST", "/v1/payments", { token: lm.skLive, body }));
      answers.push(await lt.call("GET", `/v1/apps/${lm.appId}/providers/pawapay?mode=live`, { token: lm.token }));
      answers.push(await lt.call("GET", "/v1/payments?limit=10", { token: lm.skLive }));
      // The provider did hear the credential (so there was something to leak).
      expect(echoes.length).toBeGreaterThanOrEqual(2);
      expect(echoes.every((e) => e.includes(credential))).toBe(true);
      // A 401 is a refusal: no provider could take it (503 provider_unavailable, in the
      // envelope). A 500 may have been taken: the payment is kept pending for reconciliation.
      expect(answers.map((a) => a.status)).toEqual([503, 201, 200, 200]);
      expect(answers[1]?.body.data.status).toBe("pending");
      answers.push(await lt.call("GET", `/v1/payments/${answers[1]?.body.data.id}`, { token: lm.skLive }));
      expect(answers.at(-1)?.status).toBe(200);
      for (const res of answers) {
        if (res.status >= 400) {
          expectErrorEnvelope(res, res.text);
          expect(findLeaks(res.text), res.text).toEqual([]);
        }
        expect(res.text).not.toContain(credential);
        expect(res.text).not.toContain(providerUrl);
        expect(res.text).not.toMatch(/Invalid token/);
      }
      expect(lt.logs.filter((l) => l.includes(credential))).toEqual([]);
    } finally {
      await lt.stop();
      await new Promise((r) => provider.close(r));
    }
  });

  it("IV-3 no leakage in errors: validation, not-found, auth, provider-down and database errors (NUL bytes, a CHECK violation, a raising trigger) show no stack, SQL, path, credential or host", async () => {
    const bodies: Array<[string, CallResult]> = [];
    const add = async (label: string, p: Promise<CallResult>) => bodies.push([label, await p]);
    await add("validation", t.call("POST", "/v1/payments", { token: m.sk, body: { amount: "x" } }));
    await add("validation nested", t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { customer: { phone: 12 } }) }));
    await add("unknown method", t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { payment_method: "PAYIN_NOPE_ZZ" }) }));
    await add("bad phone", t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { customer: { phone: "+225 12" } }) }));
    await add("bad json", t.call("POST", "/v1/payments", { token: m.sk, rawBody: "{", headers: { "content-type": "application/json" } }));
    await add("not found", t.call("GET", "/v1/payments/txn_doesnotexist", { token: m.sk }));
    await add("not found app", t.call("GET", "/v1/apps/app_doesnotexist", { token: m.token }));
    await add("route not found", t.call("GET", "/v1/payments/a/b/c", { token: m.sk }));
    await add("bad key", t.call("GET", "/v1/payments", { token: tampered(m.sk) }));
    await add("bad auth header", t.call("GET", "/v1/payments", { headers: { authorization: `Basic ${m.sk}` } }));
    await add("session ended", t.call("GET", "/v1/apps", { token: "zfs_nope" }));
    await add("wrong kind", t.call("POST", "/v1/payments", { token: m.pk, body: paymentBody("00") }));
    await add("login", t.call("POST", "/v1/auth/login", { body: { email: "nobody@example.com", password: "wrong horse battery" } }));
    await add("provider webhook unsigned", t.call("POST", "/v1/webhooks/providers/test", { body: { id: "x" } }));
    await add("provider webhook unknown", t.call("POST", "/v1/webhooks/providers/nope", { body: { id: "x" } }));
    await add("otp", t.call("POST", `/v1/payments/${otpPayId}/authenticate`, { token: m.pk, body: { otp: "000000" } }));
    // Values PostgreSQL refuses in text: must not surface as a database error.
    await add("NUL in id", t.call("GET", "/v1/payments/txn_%00", { token: m.sk }));
    await add("NUL in field", t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { reference: "a\u0000b" }) }));
    await add("NUL in query", t.call("GET", "/v1/payments?reference=a%00b", { token: m.sk }));
    // A lone surrogate is not an error (stored as U+FFFD), but must not be a 500 either.
    const surrogate = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { description: "\ud800" }) });
    expect(surrogate.status).toBeLessThan(500);

    const down = await t.call("POST", "/sandbox/test/_control", { body: { down: true } });
    expect(down.status).toBe(200);
    try {
      const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("provider_unavailable");
      bodies.push(["provider down", res]);
    } finally {
      await t.call("POST", "/sandbox/test/_control", { body: { down: false } });
    }

    // Real database errors, raised by PostgreSQL itself while a request runs: a CHECK
    // violation, and a trigger whose message carries SQL, a path and a host. Each is a 500
    // `internal_error` in the envelope, never the database's own text.
    const db = t.database.db;
    await db.execute(sql`alter table apps add constraint iv3_refused check (name <> 'iv3-check') not valid`);
    await db.execute(
      sql.raw(`create function iv3_fail() returns trigger language plpgsql as $$ begin
        raise exception 'select * from apps where id = % at /var/lib/postgresql/data on 127.0.0.1:5432', new.id; end $$`),
    );
    await db.execute(sql`create trigger iv3_fail before update on apps for each row when (new.name = 'iv3-trigger') execute function iv3_fail()`);
    const databaseErrors: Array<[string, CallResult]> = [];
    try {
      for (const name of ["iv3-check", "iv3-trigger"]) {
        databaseErrors.push([`database ${name}`, await t.call("PATCH", `/v1/apps/${m.appId}`, { token: m.token, body: { name } })]);
      }
    } finally {
      await db.execute(sql`drop trigger iv3_fail on apps`);
      await db.execute(sql`drop function iv3_fail()`);
      await db.execute(sql`alter table apps drop constraint iv3_refused`);
    }
    for (const [label, res] of databaseErrors) {
      expect(res.status, `${label}: ${res.text}`).toBe(500);
      expect(res.body.error.code, label).toBe("internal_error");
      expectErrorEnvelope(res, label);
      expect(findLeaks(res.text), `${label}: ${res.text}`).toEqual([]);
      expect(res.text, label).not.toMatch(/iv3|check|constraint|trigger|postgres/i);
    }
    expect((await t.call("PATCH", `/v1/apps/${m.appId}`, { token: m.token, body: { name: "after iv3" } })).status).toBe(200);

    for (const [label, res] of bodies) {
      expect(res.status, `${label}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${label}: ${res.text}`).not.toBe(500);
      expectErrorEnvelope(res, label);
      expect(findLeaks(res.text), `${label}: ${res.text}`).toEqual([]);
      for (const secret of [m.sk, m.pk, m.token, m.sk.slice(0, -1)]) expect(res.text, label).not.toContain(secret);
      expect(res.text, label).not.toContain(t.url);
    }
  });
});
