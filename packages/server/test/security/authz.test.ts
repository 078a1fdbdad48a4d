/**
 * Authorization and tenant isolation (reliability.md §5 group E: AZ-1..AZ-4; SPEC §4, §13, §16).
 * Both matrices are generated from GET /openapi.json: a route added without an entry in the
 * tables below makes them fail.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apps, checkoutSessions, payments, refunds } from "../../src/db/schema/index.js";
import { openSession } from "../../src/services/auth/sessions.js";
import { closeSettlements } from "../../src/services/settlements/close.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp, TestClock, tampered } from "../harness.js";
import { fillPath, type Operation, openApiOperations, opKey, UNAUTHENTICATED_CODES, UNKNOWN_ID } from "./helpers.js";

let t: TestApp;
let clock: TestClock;
let A: Merchant;
let B: Merchant;
let ops: Operation[];
let aPay: string; // A's test-mode payment (never answers: stays open)
let aOtpPay: string; // A's payment that waits for an OTP
let bPay: string;
let aSession: string; // A's open checkout session
let aEvent: string; // A's payment.created event
let aDone: string; // A's completed payment
let aRefund: string; // a refund of A's completed payment
let aSettlement: string; // A's test-mode settlement

const HOUR = 3600_000;

beforeAll(async () => {
  clock = new TestClock();
  t = await startTestApp({ clock });
  A = await createMerchant(t, "alpha");
  B = await createMerchant(t, "beta");
  ops = await openApiOperations(t);
  const mk = async (m: Merchant, ending: string) => {
    const r = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody(ending) });
    if (r.status !== 201) throw new Error(`payment: ${r.status} ${r.text}`);
    return r.body.data.id as string;
  };
  aPay = await mk(A, "02");
  aOtpPay = await mk(A, "03");
  bPay = await mk(B, "02");
  aSession = await newSession(A);
  aEvent = (await t.call("GET", "/v1/events?limit=1", { token: A.sk })).body.data[0].id;
  aDone = await mk(A, "00");
  await eventually(async () => (await t.call("GET", `/v1/payments/${aDone}`, { token: A.sk })).body.data.status === "completed");
  aRefund = (await t.call("POST", "/v1/refunds", { token: A.sk, body: { payment_id: aDone, amount: 100 } })).body.data.id;
  const closed = await closeSettlements(t.app.ctx, new Date(clock.now().getTime() + 1000));
  const mine = closed.find((x) => x.appId === A.appId && !x.livemode);
  if (!mine) throw new Error("no settlement for A");
  aSettlement = mine.id;
  // A's webhook endpoint, so its routes have something of A's to refuse B (without one they
  // answer 404 to anyone).
  const hook = await t.call("PUT", `/v1/apps/${A.appId}/webhook`, { token: A.sk, body: { url: "http://127.0.0.1:9/alpha-hooks" } });
  if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${hook.text}`);
});

/** A's webhook endpoint as A reads it (no secret in it). */
const aWebhook = async () => (await t.call("GET", `/v1/apps/${A.appId}/webhook`, { token: A.sk })).body.data;

/** A checkout session of `m` (test mode), through the API. */
async function newSession(m: Merchant): Promise<string> {
  const r = await t.call("POST", "/v1/checkout/sessions", { token: m.sk, body: sessionBody() });
  if (r.status !== 201) throw new Error(`session: ${r.status} ${r.text}`);
  return r.body.data.id as string;
}
const sessionBody = () => ({ amount: 1500, currency: "XOF", reference: "order-1", success_url: "http://127.0.0.1:9/ok" });
afterAll(() => t?.stop());

const userHeaders = (m: Merchant, extra: Record<string, string> = {}) => ({ "x-app-id": m.appId, ...extra });
const keyList = async (m: Merchant) => (await t.call("GET", `/v1/apps/${m.appId}/keys`, { token: m.token })).body.data as Array<{ id: string }>;

// ----------------------------------------------------------------------------- AZ-1
/**
 * How to reach each operation whose path holds a parameter, with A's objects. `public` routes
 * take no credential at all (provider redirects and signed provider webhooks): they are not a
 * tenant boundary, and are checked for not showing A's data instead.
 */
type BolaCase = { label: string; values: () => Record<string, string>; body?: unknown };
const BOLA: Record<string, { public?: true; cases: BolaCase[] }> = {
  "GET /v1/apps/{app_id}": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "PATCH /v1/apps/{app_id}": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }), body: { name: "hijacked" } }] },
  "DELETE /v1/apps/{app_id}": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "POST /v1/apps/{app_id}/keys": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }), body: { type: "secret", mode: "live" } }] },
  "GET /v1/apps/{app_id}/keys": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "DELETE /v1/apps/{app_id}/keys/{key_id}": {
    cases: [
      { label: "A's app, A's key", values: () => ({ app_id: A.appId, key_id: A.skKeyId }) },
      { label: "B's own app, A's key", values: () => ({ app_id: B.appId, key_id: A.skKeyId }) },
    ],
  },
  "POST /v1/apps/{app_id}/keys/{key_id}/roll": {
    cases: [
      { label: "A's app, A's key", values: () => ({ app_id: A.appId, key_id: A.skKeyId }), body: { expire_now: true } },
      { label: "B's own app, A's key", values: () => ({ app_id: B.appId, key_id: A.skKeyId }), body: { expire_now: true } },
    ],
  },
  "GET /v1/apps/{app_id}/providers": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "GET /v1/apps/{app_id}/providers/{provider}": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId, provider: "test" }) }] },
  "PUT /v1/apps/{app_id}/providers/{provider}": {
    cases: [{ label: "A's app", values: () => ({ app_id: A.appId, provider: "test" }), body: { mode: "test", enabled: false } }],
  },
  "DELETE /v1/apps/{app_id}/providers/{provider}": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId, provider: "test" }) }] },
  "GET /v1/apps/{app_id}/routing": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "PUT /v1/apps/{app_id}/routing": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }), body: { mode: "test", rules: [] } }] },
  "GET /v1/payments/{id}": { cases: [{ label: "A's payment", values: () => ({ id: aPay }) }] },
  "GET /v1/payments/{id}/status": { cases: [{ label: "A's payment", values: () => ({ id: aPay }) }] },
  "POST /v1/payments/{id}/cancel": { cases: [{ label: "A's payment", values: () => ({ id: aPay }) }] },
  "POST /v1/payments/{id}/authenticate": { cases: [{ label: "A's OTP payment", values: () => ({ id: aOtpPay }), body: { otp: "000000" } }] },
  "GET /v1/payments/{id}/return": { public: true, cases: [{ label: "A's payment", values: () => ({ id: aPay }) }] },
  "POST /v1/webhooks/providers/{provider}": { public: true, cases: [{ label: "test provider", values: () => ({ provider: "test" }), body: {} }] },
  "GET /v1/checkout/sessions/{id}": { cases: [{ label: "A's session", values: () => ({ id: aSession }) }] },
  "POST /v1/checkout/sessions/{id}/expire": { cases: [{ label: "A's session", values: () => ({ id: aSession }) }] },
  "PUT /v1/apps/{app_id}/checkout": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }), body: { mode: "test", allowed_origins: [] } }] },
  "GET /v1/apps/{app_id}/checkout": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "GET /checkout/{id}": { public: true, cases: [{ label: "A's session", values: () => ({ id: aSession }) }] },
  "PUT /v1/apps/{app_id}/webhook": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }), body: { url: "http://127.0.0.1:9/hooks" } }] },
  "GET /v1/apps/{app_id}/webhook": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "GET /v1/apps/{app_id}/webhooks": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "POST /v1/apps/{app_id}/webhook/rotate-secret": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "POST /v1/apps/{app_id}/webhook/enable": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "POST /v1/apps/{app_id}/webhook/test": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "GET /v1/refunds/{id}": { cases: [{ label: "A's refund", values: () => ({ id: aRefund }) }] },
  "GET /v1/apps/{app_id}/fees": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }) }] },
  "PUT /v1/apps/{app_id}/fees": { cases: [{ label: "A's app", values: () => ({ app_id: A.appId }), body: { bps: 9_999, fixed: {} } }] },
  "GET /v1/settlements/{id}": { cases: [{ label: "A's settlement", values: () => ({ id: aSettlement }) }] },
  "GET /v1/settlements/{id}/payments": { cases: [{ label: "A's settlement", values: () => ({ id: aSettlement }) }] },
  "GET /v1/settlements/{id}/refunds": { cases: [{ label: "A's settlement", values: () => ({ id: aSettlement }) }] },
  "GET /v1/events/{id}": { cases: [{ label: "A's event", values: () => ({ id: aEvent }) }] },
  "GET /v1/events/{id}/deliveries": { cases: [{ label: "A's event", values: () => ({ id: aEvent }) }] },
  "POST /v1/events/{id}/resend": { cases: [{ label: "A's event", values: () => ({ id: aEvent }) }] },
};

describe("AZ-1 BOLA matrix from OpenAPI (SPEC §4: 404 for another account's objects)", () => {
  it("AZ-1 BOLA matrix from OpenAPI: every {id}/{app_id} route answers B with 404 (or the unknown-id 401/403), and A's objects are untouched", async () => {
    const withParams = ops.filter((o) => o.path.includes("{"));
    expect(withParams.length).toBeGreaterThan(5);
    const uncovered = withParams.filter((o) => !BOLA[opKey(o)]).map(opKey);
    expect(uncovered, "routes in /openapi.json without an AZ-1 entry: add them to the BOLA table").toEqual([]);
    const aKeysBefore = (await keyList(A)).map((k) => k.id).sort();
    const aWebhookBefore = await aWebhook();
    expect(aWebhookBefore).toMatchObject({ url: "http://127.0.0.1:9/alpha-hooks", active: true, previous_secret_expires_at: null });

    const creds = [
      { kind: "secret", token: B.sk, headers: {} },
      { kind: "publishable", token: B.pk, headers: {} },
      { kind: "user", token: B.token, headers: userHeaders(B) },
      { kind: "user", token: B.token, headers: userHeaders(B, { "x-zerofee-mode": "live" }) },
    ];
    let checked = 0;
    for (const o of withParams) {
      const entry = BOLA[opKey(o)];
      if (!entry) continue;
      for (const c of entry.cases) {
        const values = c.values();
        const path = fillPath(o.path, values);
        if (entry.public) {
          // No credential is involved; B's credential must change nothing and A's data must not show.
          const anon = await t.call(o.method, path, { body: c.body });
          const asB = await t.call(o.method, path, { token: B.sk, body: c.body });
          expect(asB.status, `${opKey(o)} public`).toBe(anon.status);
          expect(asB.status).toBeLessThan(500);
          expect(asB.text).not.toContain("+2250700000002");
          expect(asB.text).not.toContain(A.appId);
          continue;
        }
        const unknownPath = fillPath(
          o.path,
          Object.fromEntries(Object.keys(values).map((k) => [k, k === "app_id" && values[k] === B.appId ? B.appId : (UNKNOWN_ID[k] ?? "x")])),
        );
        for (const cred of creds) {
          const res = await t.call(o.method, path, { token: cred.token, headers: cred.headers, body: c.body });
          const where = `${opKey(o)} [${c.label}] as B ${cred.kind} ${JSON.stringify(cred.headers)} → ${res.status} ${res.text.slice(0, 200)}`;
          if (o.auth.includes(cred.kind)) {
            expect(res.status, where).toBe(404);
            expect(res.body.error.code, where).toBe("not_found");
          } else {
            const unknown = await t.call(o.method, unknownPath, { token: cred.token, headers: cred.headers, body: c.body });
            expect([401, 403], where).toContain(res.status);
            expect(res.status, where).toBe(unknown.status);
            expect(res.body.error.code, where).toBe(unknown.body.error.code);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(30);

    // B's dashboard user naming A's app in X-App-Id gets 404 as well.
    for (const path of [`/v1/payments/${aPay}`, "/v1/payments"]) {
      const res = await t.call("GET", path, { token: B.token, headers: { "x-app-id": A.appId } });
      expect(res.status, path).toBe(404);
    }
    const cancelViaHeader = await t.call("POST", `/v1/payments/${aPay}/cancel`, { token: B.token, headers: { "x-app-id": A.appId } });
    expect(cancelViaHeader.status).toBe(404);

    // Nothing of A's changed: app, name, keys, payment.
    const app = await t.call("GET", `/v1/apps/${A.appId}`, { token: A.token });
    expect(app.status).toBe(200);
    expect(app.body.data.name).toBe("alpha");
    expect((await keyList(A)).map((k) => k.id).sort()).toEqual(aKeysBefore);
    const pay = await t.call("GET", `/v1/payments/${aPay}`, { token: A.sk });
    expect(pay.status).toBe(200);
    expect(["pending", "requires_action"]).toContain(pay.body.data.status);
    const otp = await t.call("GET", `/v1/payments/${aOtpPay}`, { token: A.sk });
    expect(otp.body.data.status).toBe("requires_action");
    expect((await t.call("GET", `/v1/apps/${A.appId}/fees`, { token: A.token })).body.data).toEqual({ bps: 0, fixed: {} });
    // A's endpoint: same URL, still active, its secret never rotated (no overlap opened).
    expect(await aWebhook()).toEqual(aWebhookBefore);
  });

  it("AZ-1 an object of the other mode is 404: A's live credentials on A's test payment", async () => {
    const cases: Array<[string, string, string, Record<string, string>, unknown?]> = [
      ["GET", `/v1/payments/${aPay}`, A.skLive, {}],
      ["GET", `/v1/refunds/${aRefund}`, A.skLive, {}],
      ["GET", `/v1/refunds/${aRefund}`, A.token, userHeaders(A, { "x-zerofee-mode": "live" })],
      ["GET", `/v1/settlements/${aSettlement}`, A.skLive, {}],
      ["GET", `/v1/settlements/${aSettlement}/payments`, A.token, userHeaders(A, { "x-zerofee-mode": "live" })],
      ["GET", `/v1/settlements/${aSettlement}/refunds`, A.token, userHeaders(A, { "x-zerofee-mode": "live" })],
      ["GET", `/v1/payments/${aPay}/status`, A.pkLive, {}],
      ["GET", `/v1/payments/${aPay}/status`, A.skLive, {}],
      ["POST", `/v1/payments/${aPay}/cancel`, A.skLive, {}],
      ["POST", `/v1/payments/${aOtpPay}/authenticate`, A.pkLive, {}, { otp: "000000" }],
      ["GET", `/v1/payments/${aPay}`, A.token, userHeaders(A, { "x-zerofee-mode": "live" })],
      ["POST", `/v1/payments/${aPay}/cancel`, A.token, userHeaders(A, { "x-zerofee-mode": "live" })],
    ];
    for (const [method, path, token, headers, body] of cases) {
      const res = await t.call(method, path, { token, headers, body });
      expect(res.status, `${method} ${path} ${JSON.stringify(headers)}: ${res.text}`).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    const liveList = await t.call("GET", "/v1/payments?limit=100", { token: A.skLive });
    expect(liveList.status).toBe(200);
    expect(liveList.body.data.map((p: { id: string }) => p.id)).not.toContain(aPay);
    // And A's test payment is still A's and still open (the live cancel did nothing).
    expect(["pending", "requires_action"]).toContain((await t.call("GET", `/v1/payments/${aPay}`, { token: A.sk })).body.data.status);
  });

  it("AZ-1 list endpoints for B never contain A's ids", async () => {
    const aIds = [aPay, aOtpPay, aDone, aRefund, aEvent, aSettlement, aSession, A.appId, A.skKeyId, ...(await keyList(A)).map((k) => k.id)];
    const lists = [
      await t.call("GET", "/v1/payments?limit=100", { token: B.sk }),
      await t.call("GET", "/v1/payments?limit=100", { token: B.token, headers: userHeaders(B) }),
      await t.call("GET", "/v1/apps", { token: B.token }),
      await t.call("GET", `/v1/apps/${B.appId}/keys`, { token: B.token }),
      await t.call("GET", "/v1/events?limit=100", { token: B.sk }),
      await t.call("GET", "/v1/refunds?limit=100", { token: B.sk }),
      await t.call("GET", "/v1/settlements?limit=100", { token: B.sk }),
    ];
    for (const l of lists) {
      expect(l.status, l.text).toBe(200);
      for (const id of aIds) expect(l.text).not.toContain(id);
    }
    // Not vacuous: B's own objects are there.
    expect(lists[0]?.text).toContain(bPay);
    expect(lists[1]?.text).toContain(bPay);
    expect(lists[2]?.text).toContain(B.appId);
    expect(lists[3]?.text).toContain(B.skKeyId);
    expect(lists[4]?.text).toContain(bPay);
    // The same lists for A hold A's objects: the ids looked for above are real.
    for (const [path, id] of [
      ["/v1/events?limit=100", aEvent],
      ["/v1/refunds?limit=100", aRefund],
      ["/v1/settlements?limit=100", aSettlement],
    ] as const) {
      expect((await t.call("GET", path, { token: A.sk })).text, path).toContain(id);
    }
  });
});

// ----------------------------------------------------------------------------- AZ-2
type Cred = {
  name: string;
  kind: "secret" | "publishable" | "client_secret" | "user" | "invalid";
  mode?: CredMode;
  token?: string;
  headers?: Record<string, string>;
};
/** What an allowed credential acts as: a test-mode one, a live one, or a checkout session's client secret. */
type CredMode = "test" | "live" | "cs";
/** Per mode, the exact status an allowed credential gets; absent: any 2xx. */
type Expect = Partial<Record<CredMode, number>>;
type Override = { token?: string; path?: string; body?: unknown };

/**
 * A request for each operation, acting on A's test-mode objects (fresh throwaway objects where
 * the call destroys or moves them), and what each allowed credential must get (SPEC §4): the
 * route's success, or 404 for an object of the other mode or another checkout session, or the
 * business answer SPEC gives (a live key with no live provider set up, an http URL in live).
 */
/** `as`: for an allowed credential of that mode, the token, path or body to use instead (made only when used). */
type Built = { path: string; body?: unknown; expect?: Expect; as?: Partial<Record<CredMode, () => Promise<Override>>> };
const OTHER_MODE: Expect = { live: 404, cs: 404 };

/** A's test payment that ends in `ending` (sandbox outcome), through the API. */
async function freshPayment(ending: string): Promise<string> {
  const r = await t.call("POST", "/v1/payments", { token: A.sk, body: paymentBody(ending) });
  if (r.status !== 201) throw new Error(`payment: ${r.status} ${r.text}`);
  return r.body.data.id as string;
}
/** A's open checkout session with its client secret. */
async function freshSession(): Promise<{ id: string; secret: string }> {
  const r = await t.call("POST", "/v1/checkout/sessions", { token: A.sk, body: sessionBody() });
  if (r.status !== 201) throw new Error(`session: ${r.status} ${r.text}`);
  return { id: r.body.data.id, secret: r.body.data.client_secret };
}
let csSession: { id: string; secret: string }; // the client-secret credential's session
let csPay: string; // a payment of that session

const ACTS: Record<string, () => Promise<Built>> = {
  "POST /v1/auth/register": async () => ({ path: "/v1/auth/register", body: {} }),
  "POST /v1/auth/login": async () => ({ path: "/v1/auth/login", body: {} }),
  "POST /v1/auth/logout": async () => ({
    path: "/v1/auth/logout",
    as: { test: async () => ({ token: await openSession(t.database.db, A.userId, clock.now()) }) },
  }),
  "GET /v1/auth/me": async () => ({ path: "/v1/auth/me" }),
  // Another account's user, so A's sessions survive; registered only for the user credential.
  "POST /v1/auth/password": async () => ({
    path: "/v1/auth/password",
    body: { current_password: "correct horse battery", new_password: "another long password" },
    as: {
      test: async () => {
        const email = `pw-${randomUUID()}@example.com`;
        const reg = await t.call("POST", "/v1/auth/register", { body: { email, password: "correct horse battery", name: "P", company: "P" } });
        return { token: reg.body.data.token };
      },
    },
  }),
  "POST /v1/apps": async () => ({ path: "/v1/apps", body: { name: "matrix" } }),
  "GET /v1/apps": async () => ({ path: "/v1/apps" }),
  "GET /v1/apps/{app_id}": async () => ({ path: `/v1/apps/${A.appId}` }),
  "PATCH /v1/apps/{app_id}": async () => ({ path: `/v1/apps/${A.appId}`, body: { name: "alpha" } }),
  "DELETE /v1/apps/{app_id}": async () => {
    const r = await t.call("POST", "/v1/apps", { token: A.token, body: { name: "throwaway" } });
    return { path: `/v1/apps/${r.body.data.id}` };
  },
  "POST /v1/apps/{app_id}/keys": async () => ({ path: `/v1/apps/${A.appId}/keys`, body: { type: "publishable", mode: "test" } }),
  "GET /v1/apps/{app_id}/keys": async () => ({ path: `/v1/apps/${A.appId}/keys` }),
  "DELETE /v1/apps/{app_id}/keys/{key_id}": async () => {
    const r = await t.call("POST", `/v1/apps/${A.appId}/keys`, { token: A.token, body: { type: "publishable", mode: "test" } });
    return { path: `/v1/apps/${A.appId}/keys/${r.body.data.id}` };
  },
  "POST /v1/apps/{app_id}/keys/{key_id}/roll": async () => {
    const r = await t.call("POST", `/v1/apps/${A.appId}/keys`, { token: A.token, body: { type: "publishable", mode: "test" } });
    return { path: `/v1/apps/${A.appId}/keys/${r.body.data.id}/roll`, body: { expire_now: true } };
  },
  "GET /v1/apps/{app_id}/providers": async () => ({ path: `/v1/apps/${A.appId}/providers` }),
  "GET /v1/apps/{app_id}/providers/{provider}": async () => ({ path: `/v1/apps/${A.appId}/providers/test` }),
  "PUT /v1/apps/{app_id}/providers/{provider}": async () => ({ path: `/v1/apps/${A.appId}/providers/test`, body: { mode: "test", enabled: true } }),
  "DELETE /v1/apps/{app_id}/providers/{provider}": async () => {
    await t.call("PUT", `/v1/apps/${A.appId}/providers/test`, { token: A.token, body: { mode: "test", enabled: true } });
    return { path: `/v1/apps/${A.appId}/providers/test` };
  },
  "GET /v1/apps/{app_id}/routing": async () => ({ path: `/v1/apps/${A.appId}/routing` }),
  "PUT /v1/apps/{app_id}/routing": async () => ({ path: `/v1/apps/${A.appId}/routing`, body: { mode: "test", rules: [] } }),
  "GET /v1/stats/providers": async () => ({ path: "/v1/stats/providers" }),
  // A live key with no live provider set up: 422 (SPEC §4 "business rule").
  "POST /v1/payments": async () => ({ path: "/v1/payments", body: paymentBody("02"), expect: { test: 201, live: 422 } }),
  "GET /v1/payments": async () => ({ path: "/v1/payments" }),
  "GET /v1/payments/{id}": async () => ({ path: `/v1/payments/${aPay}`, expect: OTHER_MODE }),
  "GET /v1/payments/{id}/status": async () => ({ path: `/v1/payments/${csPay}/status`, expect: { live: 404 } }),
  "POST /v1/payments/{id}/cancel": async () => ({
    path: `/v1/payments/${aPay}/cancel`,
    expect: OTHER_MODE,
    as: { test: async () => ({ path: `/v1/payments/${await freshPayment("02")}/cancel` }) },
  }),
  "POST /v1/payments/{id}/authenticate": async () => ({
    path: `/v1/payments/${aOtpPay}/authenticate`,
    body: { otp: "123456" },
    expect: OTHER_MODE,
    as: { test: async () => ({ path: `/v1/payments/${await freshPayment("03")}/authenticate` }) },
  }),
  "GET /v1/payments/{id}/return": async () => ({ path: `/v1/payments/${aPay}/return` }),
  "POST /v1/webhooks/providers/{provider}": async () => ({ path: "/v1/webhooks/providers/test", body: {} }),
  // Live: the test-mode success URL is http, refused in live (SPEC §16 merchant URLs).
  "POST /v1/checkout/sessions": async () => ({ path: "/v1/checkout/sessions", body: sessionBody(), expect: { test: 201, live: 400 } }),
  "GET /v1/checkout/sessions/{id}": async () => ({ path: `/v1/checkout/sessions/${aSession}`, expect: OTHER_MODE }),
  "POST /v1/checkout/sessions/{id}/expire": async () => ({
    path: `/v1/checkout/sessions/${aSession}/expire`,
    expect: OTHER_MODE,
    as: { test: async () => ({ path: `/v1/checkout/sessions/${(await freshSession()).id}/expire` }) },
  }),
  "GET /v1/checkout/methods": async () => ({ path: "/v1/checkout/methods?country=CI" }),
  // pk_live: simple mode in live needs the app's consent (client_amount); a client secret pays its own session's amount.
  "POST /v1/checkout/pay": async () => ({
    path: "/v1/checkout/pay",
    body: { ...paymentBody("02"), currency: "XOF" },
    expect: { test: 201, live: 422, cs: 201 },
    as: { cs: async () => ({ token: (await freshSession()).secret, body: { payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 02" } } }) },
  }),
  "PUT /v1/apps/{app_id}/checkout": async () => ({ path: `/v1/apps/${A.appId}/checkout`, body: { mode: "test", allowed_origins: [] } }),
  "GET /v1/apps/{app_id}/checkout": async () => ({ path: `/v1/apps/${A.appId}/checkout` }),
  "GET /checkout.js": async () => ({ path: "/checkout.js" }),
  "GET /checkout.esm.js": async () => ({ path: "/checkout.esm.js" }),
  "GET /checkout/{id}": async () => ({ path: `/checkout/${aSession}` }),
  // Live: an http URL is refused there; the live endpoint, never set, is 404.
  "PUT /v1/apps/{app_id}/webhook": async () => ({ path: `/v1/apps/${A.appId}/webhook`, body: { url: "http://127.0.0.1:9/hooks" }, expect: { live: 400 } }),
  "GET /v1/apps/{app_id}/webhook": async () => ({ path: `/v1/apps/${A.appId}/webhook`, expect: { live: 404 } }),
  "GET /v1/apps/{app_id}/webhooks": async () => ({ path: `/v1/apps/${A.appId}/webhooks` }),
  "POST /v1/apps/{app_id}/webhook/rotate-secret": async () => ({ path: `/v1/apps/${A.appId}/webhook/rotate-secret`, expect: { live: 404 } }),
  "POST /v1/apps/{app_id}/webhook/enable": async () => ({ path: `/v1/apps/${A.appId}/webhook/enable`, expect: { live: 404 } }),
  "POST /v1/apps/{app_id}/webhook/test": async () => ({ path: `/v1/apps/${A.appId}/webhook/test`, expect: { live: 404 } }),
  // A refund of 1 on A's completed test payment: live credentials do not see it.
  "POST /v1/refunds": async () => ({ path: "/v1/refunds", body: { payment_id: aDone, amount: 1 }, expect: { test: 201, live: 404 } }),
  "GET /v1/refunds": async () => ({ path: "/v1/refunds" }),
  "GET /v1/refunds/{id}": async () => ({ path: `/v1/refunds/${aRefund}`, expect: OTHER_MODE }),
  "GET /v1/apps/{app_id}/fees": async () => ({ path: `/v1/apps/${A.appId}/fees` }),
  "PUT /v1/apps/{app_id}/fees": async () => ({ path: `/v1/apps/${A.appId}/fees`, body: { bps: 0, fixed: {} } }),
  "GET /v1/settlements": async () => ({ path: "/v1/settlements" }),
  "GET /v1/settlements/{id}": async () => ({ path: `/v1/settlements/${aSettlement}`, expect: OTHER_MODE }),
  "GET /v1/settlements/{id}/payments": async () => ({ path: `/v1/settlements/${aSettlement}/payments`, expect: OTHER_MODE }),
  "GET /v1/settlements/{id}/refunds": async () => ({ path: `/v1/settlements/${aSettlement}/refunds`, expect: OTHER_MODE }),
  "GET /v1/stats": async () => ({ path: "/v1/stats" }),
  "GET /v1/events": async () => ({ path: "/v1/events" }),
  "GET /v1/events/{id}": async () => ({ path: `/v1/events/${aEvent}`, expect: OTHER_MODE }),
  "GET /v1/events/{id}/deliveries": async () => ({ path: `/v1/events/${aEvent}/deliveries`, expect: OTHER_MODE }),
  "POST /v1/events/{id}/resend": async () => ({ path: `/v1/events/${aEvent}/resend`, expect: OTHER_MODE }),
  "POST /v1/events/recover": async () => ({ path: "/v1/events/recover", body: { since: "2020-01-01T00:00:00Z" } }),
  // `zerofee listen` streams test-mode events only.
  "GET /v1/events/listen": async () => ({ path: "/v1/events/listen?wait=0", expect: { live: 400 } }),
  "GET /healthz": async () => ({ path: "/healthz" }),
  "GET /readyz": async () => ({ path: "/readyz" }),
  "GET /metrics": async () => ({ path: "/metrics" }),
};

async function secretKey(): Promise<{ id: string; key: string }> {
  const r = await t.call("POST", `/v1/apps/${A.appId}/keys`, { token: A.token, body: { type: "secret", mode: "test" } });
  return r.body.data;
}

describe("AZ-2 credential matrix (SPEC §4 auth column, x-zerofee-auth)", () => {
  it("AZ-2 credential matrix: every operation × every credential kind gets exactly the access it lists, else 401/403; a rolled key dies after its grace", async () => {
    const uncovered = ops.filter((o) => !ACTS[opKey(o)]).map(opKey);
    expect(uncovered, "routes in /openapi.json without an AZ-2 entry: add them to the ACTS table").toEqual([]);

    const revoked = await secretKey();
    expect((await t.call("DELETE", `/v1/apps/${A.appId}/keys/${revoked.id}`, { token: A.token })).status).toBe(200);
    const expiredNow = await secretKey();
    expect((await t.call("POST", `/v1/apps/${A.appId}/keys/${expiredNow.id}/roll`, { token: A.token, body: { expire_now: true } })).status).toBe(201);
    const rolled = await secretKey();
    const rollRes = await t.call("POST", `/v1/apps/${A.appId}/keys/${rolled.id}/roll`, { token: A.token });
    expect(rollRes.status).toBe(201);
    const successor: string = rollRes.body.data.key;

    csSession = await freshSession();
    const payX = await t.call("POST", "/v1/checkout/pay", {
      token: csSession.secret,
      body: { payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 02" } },
    });
    expect(payX.status, payX.text).toBe(201);
    csPay = payX.body.data.id;

    const valid: Cred[] = [
      { name: "sk_test", kind: "secret", mode: "test", token: A.sk },
      { name: "sk_live", kind: "secret", mode: "live", token: A.skLive },
      { name: "pk_test", kind: "publishable", mode: "test", token: A.pk },
      { name: "pk_live", kind: "publishable", mode: "live", token: A.pkLive },
      { name: "client secret", kind: "client_secret", mode: "cs", token: csSession.secret },
      { name: "user token", kind: "user", mode: "test", token: A.token, headers: userHeaders(A) },
      { name: "rolled key within grace", kind: "secret", mode: "test", token: rolled.key },
      { name: "successor of rolled key", kind: "secret", mode: "test", token: successor },
    ];
    const invalid: Cred[] = [
      { name: "revoked key", kind: "invalid", token: revoked.key },
      { name: "key rolled with expire_now", kind: "invalid", token: expiredNow.key },
      { name: "malformed key", kind: "invalid", token: "sk_test_abc" },
      { name: "bad checksum", kind: "invalid", token: tampered(A.sk) },
      { name: "unknown well-formed session", kind: "invalid", token: "zfs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
      { name: "unknown client secret", kind: "invalid", token: `${csSession.secret.slice(0, -4)}AAAA` },
      { name: "no credential", kind: "invalid" },
    ];

    const run = async (creds: Cred[], label: string) => {
      let n = 0;
      for (const o of ops) {
        const act = ACTS[opKey(o)];
        if (!act) continue;
        const open = o.auth.includes("none") || o.auth.includes("provider");
        const baseline = open ? await t.call(o.method, (await act()).path, { body: (await act()).body }) : undefined;
        for (const c of creds) {
          const built = await act();
          const allowed = c.kind !== "invalid" && o.auth.includes(c.kind);
          const make = allowed && c.mode ? built.as?.[c.mode] : undefined;
          const over: Override = make ? await make() : {};
          const res = await t.call(o.method, over.path ?? built.path, { token: over.token ?? c.token, headers: c.headers, body: over.body ?? built.body });
          const where = `${label}: ${opKey(o)} with ${c.name} → ${res.status} ${res.text.slice(0, 200)}`;
          expect(res.status, where).toBeLessThan(500);
          if (open) {
            expect(res.status, where).toBe(baseline?.status);
          } else if (c.kind === "invalid") {
            expect(res.status, where).toBe(401);
            expect(UNAUTHENTICATED_CODES.has(res.body?.error?.code), where).toBe(true);
          } else if (allowed) {
            // Served: the route's own answer, not merely "no auth error".
            const exact = c.mode ? built.expect?.[c.mode] : undefined;
            if (exact === undefined) {
              expect(res.status, where).toBeGreaterThanOrEqual(200);
              expect(res.status, where).toBeLessThan(300);
            } else {
              expect(res.status, where).toBe(exact);
              if (exact === 404) expect(res.body.error.code, where).toBe("not_found");
            }
          } else {
            expect(res.status, where).toBe(403);
            expect(res.body.error.code, where).toBe("forbidden");
          }
          n++;
        }
      }
      return n;
    };
    expect(await run([...valid, ...invalid], "at once")).toBeGreaterThan(200);

    // Unauthenticated callers learn nothing about the request's shape: 401 before validation.
    for (const o of ops) {
      if (o.auth.includes("none") || o.auth.includes("provider")) continue;
      const built = await ACTS[opKey(o)]?.();
      if (!built) continue;
      const res = await t.call(o.method, built.path, { body: o.method === "GET" || o.method === "DELETE" ? undefined : { zz_unknown: [1, 2, 3] } });
      expect(res.status, `${opKey(o)} without credential and a bad body → ${res.text}`).toBe(401);
    }

    // Past the 24 h grace the rolled key is refused everywhere; its successor still works.
    clock.advance(24 * HOUR + 60_000);
    expect(await run([{ name: "rolled key after grace", kind: "invalid", token: rolled.key }], "after grace")).toBeGreaterThan(10);
    expect((await t.call("GET", "/v1/payments", { token: successor })).status).toBe(200);
    // ~16 credentials × ~55 operations, with fresh objects where a call consumes one.
  }, 90_000);

  it("AZ-2 the auth every operation declares is SPEC §4's auth column (the matrix above enforces the declaration)", async () => {
    const user = ["user"];
    const keyOrUser = ["secret", "user"];
    const browser = ["publishable", "client_secret"];
    // SPEC §4's table, route by route. Routes the SPEC does not list carry their own line below.
    const SPEC_AUTH: Record<string, string[]> = {
      "POST /v1/auth/register": ["none"],
      "POST /v1/auth/login": ["none"],
      "POST /v1/auth/logout": user,
      "GET /v1/auth/me": user,
      "POST /v1/auth/password": user,
      "POST /v1/apps": user,
      "GET /v1/apps": user,
      "GET /v1/apps/{app_id}": user,
      "PATCH /v1/apps/{app_id}": user,
      "DELETE /v1/apps/{app_id}": user,
      "POST /v1/apps/{app_id}/keys": user,
      "GET /v1/apps/{app_id}/keys": user,
      "DELETE /v1/apps/{app_id}/keys/{key_id}": user,
      "POST /v1/apps/{app_id}/keys/{key_id}/roll": user,
      "PUT /v1/apps/{app_id}/providers/{provider}": user,
      "GET /v1/apps/{app_id}/providers/{provider}": user,
      "PUT /v1/apps/{app_id}/routing": user,
      "GET /v1/apps/{app_id}/routing": user,
      "PUT /v1/apps/{app_id}/webhook": user,
      "GET /v1/apps/{app_id}/webhook": user,
      "GET /v1/apps/{app_id}/webhooks": user,
      "POST /v1/apps/{app_id}/webhook/rotate-secret": user,
      "POST /v1/apps/{app_id}/webhook/enable": user,
      "POST /v1/apps/{app_id}/webhook/test": user,
      "POST /v1/payments": ["secret"],
      "GET /v1/payments/{id}": keyOrUser,
      "GET /v1/payments": keyOrUser,
      "POST /v1/payments/{id}/cancel": keyOrUser,
      "POST /v1/payments/{id}/authenticate": browser,
      "GET /v1/payments/{id}/status": browser,
      "GET /v1/payments/{id}/return": ["none"],
      "POST /v1/checkout/sessions": ["secret"],
      "GET /v1/checkout/sessions/{id}": ["secret"],
      "POST /v1/checkout/sessions/{id}/expire": ["secret"],
      "GET /v1/checkout/methods": browser,
      "POST /v1/checkout/pay": browser,
      "GET /checkout/{id}": ["none"],
      "GET /v1/events": keyOrUser,
      "GET /v1/events/{id}": keyOrUser,
      "GET /v1/events/{id}/deliveries": keyOrUser,
      "POST /v1/events/{id}/resend": keyOrUser,
      "POST /v1/refunds": keyOrUser,
      "GET /v1/refunds/{id}": keyOrUser,
      "GET /v1/refunds": keyOrUser,
      "GET /v1/settlements": keyOrUser,
      "GET /v1/settlements/{id}": keyOrUser,
      "GET /v1/stats": keyOrUser,
      "POST /v1/webhooks/providers/{provider}": ["provider"],
      "GET /healthz": ["none"],
      "GET /readyz": ["none"],
      "GET /metrics": ["none"],
      // Not in SPEC §4's table: the dashboard's extra set-up routes, recovery, `zerofee listen`, widget files.
      "GET /v1/apps/{app_id}/providers": user,
      "DELETE /v1/apps/{app_id}/providers/{provider}": user,
      "PUT /v1/apps/{app_id}/checkout": user,
      "GET /v1/apps/{app_id}/checkout": user,
      "GET /v1/stats/providers": keyOrUser,
      "PUT /v1/apps/{app_id}/fees": user,
      "GET /v1/apps/{app_id}/fees": user,
      "GET /v1/settlements/{id}/payments": keyOrUser,
      "GET /v1/settlements/{id}/refunds": keyOrUser,
      "POST /v1/events/recover": keyOrUser,
      "GET /v1/events/listen": ["secret"],
      "GET /checkout.js": ["none"],
      "GET /checkout.esm.js": ["none"],
    };
    // Where the server grants more than the SPEC's column, deliberately: a merchant's server
    // manages its own webhook endpoint, and reads a payment's status or passes its OTP step.
    const BEYOND_SPEC: Record<string, string[]> = {
      "PUT /v1/apps/{app_id}/webhook": ["secret"],
      "GET /v1/apps/{app_id}/webhook": ["secret"],
      "GET /v1/apps/{app_id}/webhooks": ["secret"],
      "POST /v1/apps/{app_id}/webhook/rotate-secret": ["secret"],
      "POST /v1/apps/{app_id}/webhook/enable": ["secret"],
      "POST /v1/apps/{app_id}/webhook/test": ["secret"],
      "GET /v1/payments/{id}/status": ["secret"],
      "POST /v1/payments/{id}/authenticate": ["secret"],
    };
    const declared = Object.fromEntries(ops.map((o) => [opKey(o), [...o.auth].sort()]));
    const expected = Object.fromEntries(
      Object.entries(SPEC_AUTH)
        .filter(([k]) => k in declared)
        .map(([k, kinds]) => [k, [...kinds, ...(BEYOND_SPEC[k] ?? [])].sort()]),
    );
    expect(declared).toEqual(expected);
  });

  it("AZ-2 a publishable key reads only {id, status, amount, currency} on /status", async () => {
    for (const token of [A.pk, A.sk]) {
      const res = await t.call("GET", `/v1/payments/${aPay}/status`, { token });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body.data).sort()).toEqual(["amount", "currency", "status"]);
      expect(res.text).not.toMatch(/phone|customer|metadata|provider|\+225/);
    }
  });

  it("AZ-2 a test key never creates a live payment or reaches a live provider", async () => {
    const test = await t.call("POST", "/v1/payments", { token: A.sk, body: paymentBody("00") });
    expect(test.status).toBe(201);
    expect(test.body.data.livemode).toBe(false);
    // Mode comes from the key; a client cannot ask for live.
    const smuggled = await t.call("POST", "/v1/payments", { token: A.sk, body: paymentBody("00"), headers: { "x-zerofee-mode": "live" } });
    expect(smuggled.status).toBe(201);
    expect(smuggled.body.data.livemode).toBe(false);
    const live = await t.call("POST", "/v1/payments", { token: A.skLive, body: paymentBody("00") });
    expect(live.status).toBe(422);
    expect(live.body.error.code).toBe("no_provider_configured");
    const forced = await t.call("POST", "/v1/payments", { token: A.skLive, body: paymentBody("00", { provider: "test" }) });
    expect(forced.status).toBe(422);
    const liveRows = await t.database.db.select().from(payments).where(eq(payments.livemode, true));
    expect(liveRows.filter((p) => p.provider !== null)).toEqual([]);
    const testRows = await t.database.db.select().from(payments).where(eq(payments.livemode, false));
    expect(testRows.length).toBeGreaterThan(0);
  });
});

// ----------------------------------------------------------------------------- AZ-3
describe("AZ-3 mass assignment", () => {
  const FIELDS: Record<string, unknown> = {
    status: "completed",
    fee_amount: 0,
    app_id: "app_other",
    livemode: true,
    provider_reference: "forged",
    completed_at: "2020-01-01T00:00:00Z",
  };

  it("AZ-3 mass assignment: server-owned fields in create and PATCH bodies → 400 naming the param; nothing stored changes", async () => {
    const before = await t.database.db.select().from(payments);
    for (const [field, value] of Object.entries(FIELDS)) {
      const res = await t.call("POST", "/v1/payments", { token: A.sk, body: paymentBody("00", { [field]: value }) });
      expect(res.status, `${field}: ${res.text}`).toBe(400);
      expect(res.body.error.code).toBe("validation_error");
      expect(res.body.error.param, field).toBe(field);
      const patch = await t.call("PATCH", `/v1/apps/${A.appId}`, { token: A.token, body: { name: "renamed", [field]: value } });
      expect(patch.status, `${field}: ${patch.text}`).toBe(400);
      expect(patch.body.error.param, field).toBe(field);
      // Nested too: customer is a closed object.
      const nested = await t.call("POST", "/v1/payments", {
        token: A.sk,
        body: paymentBody("00", { customer: { phone: "+225 07 00 00 00 00", [field]: value } }),
      });
      expect(nested.status).toBe(400);
      expect(nested.body.error.param).toBe(`customer.${field}`);
    }
    const after = await t.database.db.select().from(payments);
    expect(after.length).toBe(before.length);
    const [app] = await t.database.db.select().from(apps).where(eq(apps.id, A.appId));
    expect(app?.name).toBe("alpha");
    expect(app?.accountId).toBe(A.accountId);
  });

  it("AZ-3 the other create bodies (checkout session, refund, app, webhook endpoint) refuse server-owned fields too, and create nothing", async () => {
    const counts = async () => ({
      sessions: (await t.database.db.select().from(checkoutSessions)).length,
      refunds: (await t.database.db.select().from(refunds)).length,
      apps: (await t.database.db.select().from(apps)).length,
    });
    const before = await counts();
    const hookBefore = await aWebhook();
    const bodies: Array<{ label: string; method: string; path: string; token: () => string; body: Record<string, unknown> }> = [
      { label: "checkout session", method: "POST", path: "/v1/checkout/sessions", token: () => A.sk, body: sessionBody() },
      { label: "refund", method: "POST", path: "/v1/refunds", token: () => A.sk, body: { payment_id: aDone, amount: 1 } },
      { label: "app", method: "POST", path: "/v1/apps", token: () => A.token, body: { name: "forged" } },
      { label: "webhook endpoint", method: "PUT", path: `/v1/apps/${A.appId}/webhook`, token: () => A.sk, body: { url: "http://127.0.0.1:9/forged" } },
    ];
    const owned: Record<string, unknown> = { ...FIELDS, id: "forged_1", account_id: "acc_other", created_at: "2020-01-01T00:00:00Z", secret: "whsec_forged" };
    let checked = 0;
    for (const b of bodies) {
      for (const [field, value] of Object.entries(owned)) {
        if (field in b.body) continue;
        const res = await t.call(b.method, b.path, { token: b.token(), body: { ...b.body, [field]: value } });
        const where = `${b.label} + ${field}: ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status, where).toBe(400);
        expect(res.body.error.code, where).toBe("validation_error");
        expect(res.body.error.param, where).toBe(field);
        checked++;
      }
    }
    expect(checked).toBe(bodies.length * Object.keys(owned).length);
    expect(await counts()).toEqual(before);
    expect(await aWebhook()).toEqual(hookBefore);
  });
});

// ----------------------------------------------------------------------------- AZ-4
describe("AZ-4 sessions and CSRF (SPEC §16 dashboard sessions)", () => {
  it("AZ-4 logout and password change revoke old tokens; cross-site cookie POSTs are refused; Bearer works; cross-site login refused", async () => {
    const C = await createMerchant(t, "gamma");
    const email: string = (await t.call("GET", "/v1/auth/me", { token: C.token })).body.data.email;
    const login = (password: string, headers: Record<string, string> = {}) => t.call("POST", "/v1/auth/login", { body: { email, password }, headers });
    const l1 = await login("correct horse battery");
    const l2 = await login("correct horse battery");
    expect(l1.status).toBe(200);
    const cookie = l1.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/zerofee_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const tok1: string = l1.body.data.token;
    const tok2: string = l2.body.data.token;
    const me = (token: string) => t.call("GET", "/v1/auth/me", { token });

    // Logout ends that session only.
    expect((await t.call("POST", "/v1/auth/logout", { token: tok1 })).status).toBe(200);
    expect((await me(tok1)).status).toBe(401);
    expect((await t.call("GET", "/v1/apps", { token: tok1 })).status).toBe(401);
    expect((await me(tok2)).status).toBe(200);

    // Password change ends every other session, including by cookie.
    const change = await t.call("POST", "/v1/auth/password", {
      token: tok2,
      body: { current_password: "correct horse battery", new_password: "new horse battery staple" },
    });
    expect(change.status, change.text).toBe(200);
    const tok3: string = change.body.data.token;
    for (const old of [tok2, C.token]) {
      expect((await me(old)).status).toBe(401);
      expect((await t.call("GET", "/v1/apps", { headers: { cookie: `zerofee_session=${old}` } })).status).toBe(401);
    }
    expect((await me(tok3)).status).toBe(200);
    expect((await login("correct horse battery")).status).toBe(401);
    expect((await login("new horse battery staple")).status).toBe(200);

    // CSRF: cookie-authenticated state changes from another site are refused.
    const countApps = async () => (await t.database.db.select().from(apps).where(eq(apps.accountId, C.accountId))).length;
    const appsBefore = await countApps();
    const viaCookie = (headers: Record<string, string>) =>
      t.call("POST", "/v1/apps", { body: { name: "csrf" }, headers: { cookie: `zerofee_session=${tok3}`, ...headers } });
    const crossSite: Array<Record<string, string>> = [
      { "sec-fetch-site": "cross-site" },
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site", origin: t.url },
    ];
    for (const headers of crossSite) {
      const res = await viaCookie(headers);
      expect(res.status, `${JSON.stringify(headers)}: ${res.text}`).toBe(403);
      expect(res.body.error.code).toBe("cross_site_request");
    }
    const logoutCsrf = await t.call("POST", "/v1/auth/logout", { headers: { cookie: `zerofee_session=${tok3}`, "sec-fetch-site": "cross-site" } });
    expect(logoutCsrf.status).toBe(403);
    expect(await countApps()).toBe(appsBefore);
    expect((await me(tok3)).status).toBe(200);

    // Same-origin cookie POSTs and Bearer POSTs (which a page cannot forge) work.
    expect((await viaCookie({ "sec-fetch-site": "same-origin" })).status).toBe(201);
    expect((await viaCookie({ origin: t.url })).status).toBe(201);
    const bearer = await t.call("POST", "/v1/apps", {
      token: tok3,
      body: { name: "bearer" },
      headers: { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
    });
    expect(bearer.status).toBe(201);

    // Login CSRF: a cross-site sign-in (or sign-up) form post is refused.
    const crossLogin = await login("new horse battery staple", { "sec-fetch-site": "cross-site" });
    expect(crossLogin.status).toBe(403);
    expect(crossLogin.body.error.code).toBe("cross_site_request");
    expect(crossLogin.headers.get("set-cookie")).toBeNull();
    const crossRegister = await t.call("POST", "/v1/auth/register", {
      body: { email: `csrf-${Date.now()}@example.com`, password: "correct horse battery", name: "X", company: "X" },
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(crossRegister.status).toBe(403);
  });

  it("AZ-4 without Sec-Fetch-Site a cookie state change needs an Origin or Referer naming ZeroFee; form bodies are 415 on JSON routes", async () => {
    const C = await createMerchant(t, "delta");
    const cookie = { cookie: `zerofee_session=${C.token}` };
    const foreign = { referer: "https://evil.example/attack.html" };
    const own = { referer: `${t.url}/dashboard/apps` };
    const countApps = async () => (await t.database.db.select().from(apps).where(eq(apps.accountId, C.accountId))).length;
    const liveKeys = async () => (await keyList(C)).length;
    const webhookUrl = async () => (await t.call("GET", `/v1/apps/${C.appId}/webhook?mode=test`, { token: C.token })).body?.data?.url ?? null;
    const changes = (headers: Record<string, string>) => [
      () => t.call("POST", "/v1/apps", { body: { name: "csrf" }, headers: { ...cookie, ...headers } }),
      () => t.call("POST", `/v1/apps/${C.appId}/keys`, { body: { type: "secret", mode: "live" }, headers: { ...cookie, ...headers } }),
      () => t.call("PUT", `/v1/apps/${C.appId}/webhook`, { body: { mode: "test", url: "http://127.0.0.1:9/evil" }, headers: { ...cookie, ...headers } }),
      () => t.call("POST", "/v1/auth/logout", { headers: { ...cookie, ...headers } }),
    ];
    const before = { apps: await countApps(), keys: await liveKeys(), url: await webhookUrl() };
    const noProof: Array<Record<string, string>> = [foreign, {}, { origin: "null" }, { origin: "null", ...foreign }, { referer: "not a url" }];
    for (const headers of noProof) {
      for (const call of changes(headers)) {
        const res = await call();
        expect(res.status, `${JSON.stringify(headers)}: ${res.text}`).toBe(403);
        expect(res.body.error.code).toBe("cross_site_request");
      }
    }
    expect({ apps: await countApps(), keys: await liveKeys(), url: await webhookUrl() }).toEqual(before);
    expect((await t.call("GET", "/v1/auth/me", { token: C.token })).status).toBe(200);

    // ZeroFee's own pages keep working: a Referer on PUBLIC_URL, or a same-origin fetch whose
    // Origin the page's Referrer-Policy blanked to `null`.
    const [createApp, createKey, setWebhook] = changes(own);
    expect((await createApp?.())?.status).toBe(201);
    expect((await createKey?.())?.status).toBe(201);
    expect((await setWebhook?.())?.status).toBeLessThan(300);
    const sameOrigin = await t.call("POST", "/v1/apps", { body: { name: "same" }, headers: { ...cookie, "sec-fetch-site": "same-origin", origin: "null" } });
    expect(sameOrigin.status, sameOrigin.text).toBe(201);

    // A plain HTML form (no preflight) cannot post to a JSON route, whatever the credential.
    const form = (path: string, headers: Record<string, string>) =>
      t.call("POST", path, { rawBody: "name=csrf&type=secret&mode=live", headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
    const appsNow = await countApps();
    for (const [path, headers] of [
      ["/v1/apps", { ...cookie, ...own }],
      ["/v1/apps", { authorization: `Bearer ${C.token}` }],
      [`/v1/apps/${C.appId}/keys`, { ...cookie, "sec-fetch-site": "same-origin" }],
      ["/v1/auth/login", {}],
      ["/v1/payments", { authorization: `Bearer ${C.sk}` }],
    ] as const) {
      const res = await form(path, headers);
      expect(res.status, `${path}: ${res.text}`).toBe(415);
      expect(res.body.error.code).toBe("unsupported_media_type");
    }
    expect(await countApps()).toBe(appsNow);
  });
});
