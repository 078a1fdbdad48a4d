/**
 * SPEC §4 as a client reads it: every dashboard-user route called with exactly the body the
 * SPEC gives (no field it does not name), the mode named the SPEC's way — `X-ZeroFee-Mode`
 * (default test), or `mode` only where the SPEC puts it in the body or query. One app boot.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallOptions, type CallResult, paymentBody, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let token: string;
let appId: string;
let sk: string;

/** A dashboard user's call: Bearer session, the app in the path or `X-App-Id`, the mode by header. */
const user = (method: string, path: string, opts: CallOptions & { mode?: "test" | "live" } = {}) =>
  t.call(method, path, {
    ...opts,
    token: opts.token ?? token,
    headers: { "x-app-id": appId, ...(opts.mode ? { "x-zerofee-mode": opts.mode } : {}), ...opts.headers },
  });

const expectOk = (res: CallResult, status: number, where: string) => {
  expect(res.status, `${where} → ${res.status} ${res.text.slice(0, 300)}`).toBe(status);
  expect(res.body.success, where).toBe(true);
  return res.body.data;
};

beforeAll(async () => {
  t = await startTestApp();
  // POST /v1/auth/register {email, password, name, company} → {token, user}
  const email = `contract-${randomBytes(4).toString("hex")}@example.com`;
  const reg = await t.call("POST", "/v1/auth/register", { body: { email, password: "correct horse battery", name: "Ada", company: "Contract Shop" } });
  token = expectOk(reg, 201, "register").token;
  // POST /v1/auth/login {email, password} → {token, user}, token also as an httpOnly cookie
  const login = await t.call("POST", "/v1/auth/login", { body: { email, password: "correct horse battery" } });
  expect(expectOk(login, 200, "login")).toMatchObject({ token: expect.any(String), user: { email } });
  expect(login.headers.get("set-cookie")).toMatch(/zerofee_session=.*HttpOnly/i);
  // POST /v1/apps {name}
  appId = expectOk(await user("POST", "/v1/apps", { body: { name: "Contract" } }), 201, "POST /v1/apps").id;
  expect(appId).toMatch(/^app_/);
});
afterAll(() => t?.stop());

describe("SPEC §4 user routes with the SPEC's exact bodies", () => {
  it("auth and apps: me, list, get, PATCH {name}, DELETE", async () => {
    expectOk(await user("GET", "/v1/auth/me"), 200, "me");
    expect(expectOk(await user("GET", "/v1/apps"), 200, "list apps").map((a: { id: string }) => a.id)).toContain(appId);
    expect(expectOk(await user("GET", `/v1/apps/${appId}`), 200, "get app")).toMatchObject({ id: appId, name: "Contract", created_at: expect.any(String) });
    expect(expectOk(await user("PATCH", `/v1/apps/${appId}`, { body: { name: "Contract shop" } }), 200, "patch app").name).toBe("Contract shop");
    const spare = expectOk(await user("POST", "/v1/apps", { body: { name: "Spare" } }), 201, "create spare").id;
    expectOk(await user("DELETE", `/v1/apps/${spare}`), 200, "delete app");
  });

  it("keys: POST {type, mode, scopes?} in both modes, list, roll, revoke", async () => {
    const secret = expectOk(await user("POST", `/v1/apps/${appId}/keys`, { body: { type: "secret", mode: "test" } }), 201, "secret key");
    expect(secret.key).toMatch(/^sk_test_/);
    sk = secret.key;
    const live = expectOk(await user("POST", `/v1/apps/${appId}/keys`, { body: { type: "publishable", mode: "live" } }), 201, "live pk");
    expect(live.key).toMatch(/^pk_live_/);
    const scoped = expectOk(await user("POST", `/v1/apps/${appId}/keys`, { body: { type: "secret", mode: "test", scopes: ["payments:read"] } }), 201, "scoped");
    expect(expectOk(await user("GET", `/v1/apps/${appId}/keys`), 200, "list keys").length).toBe(3);
    expectOk(await user("POST", `/v1/apps/${appId}/keys/${scoped.id}/roll`), 201, "roll");
    expectOk(await user("DELETE", `/v1/apps/${appId}/keys/${scoped.id}`), 200, "revoke");
  });

  it("providers: PUT {mode, enabled?, priority?, credentials} and GET in the mode X-ZeroFee-Mode names", async () => {
    const put = await user("PUT", `/v1/apps/${appId}/providers/pawapay`, {
      body: { mode: "live", enabled: true, priority: 10, credentials: { api_token: "live-token-value-1234" } },
    });
    expect(expectOk(put, 200, "PUT provider")).toMatchObject({ provider: "pawapay", mode: "live", enabled: true, priority: 10, configured: true });
    expect(put.text).not.toContain("live-token-value-1234");
    // GET takes the mode from the header (SPEC: a user names the mode with X-ZeroFee-Mode).
    expect(expectOk(await user("GET", `/v1/apps/${appId}/providers/pawapay`, { mode: "live" }), 200, "GET live").configured).toBe(true);
    expect(expectOk(await user("GET", `/v1/apps/${appId}/providers/pawapay`, { mode: "test" }), 200, "GET test")).toMatchObject({
      mode: "test",
      configured: false,
    });
    expect(expectOk(await user("GET", `/v1/apps/${appId}/providers/pawapay`), 200, "GET default").mode).toBe("test");
  });

  it("routing: PUT {rules} with no mode acts in the X-ZeroFee-Mode mode; GET reads that mode", async () => {
    const testRules = { rules: [{ payment_method: "PAYIN_ORANGE_CI", providers: ["test"] }] };
    const put = await user("PUT", `/v1/apps/${appId}/routing`, { body: testRules, mode: "test" });
    expect(expectOk(put, 200, "PUT routing test")).toMatchObject({ mode: "test", rules: [{ payment_method: "PAYIN_ORANGE_CI", providers: ["test"] }] });
    // No header: test, the default.
    expectOk(await user("PUT", `/v1/apps/${appId}/routing`, { body: testRules }), 200, "PUT routing default");

    const liveRules = { rules: [{ payment_method: "PAYIN_MTN_CI", country: "CI", split: [{ provider: "pawapay", weight: 1 }] }] };
    expect(expectOk(await user("PUT", `/v1/apps/${appId}/routing`, { body: liveRules, mode: "live" }), 200, "PUT routing live").mode).toBe("live");
    // The live header really means live: the sandbox-only provider is refused there.
    const wrong = await user("PUT", `/v1/apps/${appId}/routing`, { body: testRules, mode: "live" });
    expect(wrong.status, wrong.text).toBe(400);
    expect(wrong.body.error.param).toMatch(/^rules/);

    const readLive = expectOk(await user("GET", `/v1/apps/${appId}/routing`, { mode: "live" }), 200, "GET routing live");
    expect(readLive).toMatchObject({ mode: "live", rules: [{ payment_method: "PAYIN_MTN_CI", split: [{ provider: "pawapay", weight: 1 }] }] });
    const readTest = expectOk(await user("GET", `/v1/apps/${appId}/routing`), 200, "GET routing test");
    expect(readTest).toMatchObject({ mode: "test", rules: [{ payment_method: "PAYIN_ORANGE_CI", providers: ["test"] }] });
  });

  it("webhook: PUT {mode, url, events?}, GET ?mode=, rotate-secret, enable, test", async () => {
    const put = await user("PUT", `/v1/apps/${appId}/webhook`, { body: { mode: "test", url: "http://127.0.0.1:9/hooks", events: ["payment.completed"] } });
    const created = expectOk(put, 201, "PUT webhook");
    expect(created).toMatchObject({
      mode: "test",
      url: "http://127.0.0.1:9/hooks",
      events: ["payment.completed"],
      active: true,
      secret: expect.stringMatching(/^whsec_/),
    });
    expect(expectOk(await user("GET", `/v1/apps/${appId}/webhook?mode=test`), 200, "GET webhook").url).toBe("http://127.0.0.1:9/hooks");
    expect(expectOk(await user("POST", `/v1/apps/${appId}/webhook/rotate-secret`), 200, "rotate").secret).toMatch(/^whsec_/);
    expectOk(await user("POST", `/v1/apps/${appId}/webhook/enable`), 200, "enable");
    const test = await user("POST", `/v1/apps/${appId}/webhook/test`);
    expect(test.status, test.text).toBeLessThan(300);
    // The live endpoint is its own, named by the header as well as by `mode`.
    expect((await user("GET", `/v1/apps/${appId}/webhook`, { mode: "live" })).status).toBe(404);
  });

  it("checkout settings: PUT {allowed_origins} in the header's mode", async () => {
    const put = await user("PUT", `/v1/apps/${appId}/checkout`, { body: { allowed_origins: ["https://shop.example"] }, mode: "live" });
    expect(expectOk(put, 200, "PUT checkout")).toMatchObject({ mode: "live", allowed_origins: ["https://shop.example"] });
    expect(expectOk(await user("GET", `/v1/apps/${appId}/checkout`, { mode: "live" }), 200, "GET checkout live").allowed_origins).toEqual([
      "https://shop.example",
    ]);
    expect(expectOk(await user("GET", `/v1/apps/${appId}/checkout`), 200, "GET checkout test").allowed_origins).toEqual([]);
  });

  it("payments and events as a user: X-App-Id, get, list, cancel, events, deliveries, resend, stats", async () => {
    const created = await t.call("POST", "/v1/payments", { token: sk, body: paymentBody("02") });
    const id = expectOk(created, 201, "create payment").id;
    expect(expectOk(await user("GET", `/v1/payments/${id}`), 200, "get payment").id).toBe(id);
    expect(expectOk(await user("GET", "/v1/payments"), 200, "list payments").map((p: { id: string }) => p.id)).toContain(id);
    expect(expectOk(await user("POST", `/v1/payments/${id}/cancel`), 200, "cancel").status).toBe("cancelled");
    const events = expectOk(await user("GET", "/v1/events"), 200, "events");
    expect(events.length).toBeGreaterThan(0);
    expectOk(await user("GET", `/v1/events/${events[0].id}`), 200, "event");
    expectOk(await user("GET", `/v1/events/${events[0].id}/deliveries`), 200, "deliveries");
    expect((await user("POST", `/v1/events/${events[0].id}/resend`)).status).toBeLessThan(300);
    expectOk(await user("GET", "/v1/stats/providers"), 200, "stats");
    // The user's live mode sees none of the test payments.
    expect(expectOk(await user("GET", "/v1/payments", { mode: "live" }), 200, "live list")).toEqual([]);
  });

  it("auth: POST /v1/auth/password then POST /v1/auth/logout", async () => {
    const changed = await user("POST", "/v1/auth/password", { body: { current_password: "correct horse battery", new_password: "another horse battery" } });
    token = expectOk(changed, 200, "password").token;
    expectOk(await user("POST", "/v1/auth/logout"), 200, "logout");
    expect((await user("GET", "/v1/auth/me")).status).toBe(401);
  });
});
