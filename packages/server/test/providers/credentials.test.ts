/**
 * Provider credentials per app and mode (SPEC §4, §5, §13): validated against the adapter's
 * declared fields, encrypted at rest, never returned nor logged; live mode routes only to
 * providers with credentials, at the live base URL (or its configured override), with the
 * app's own credentials — for initiation, callbacks and reconciliation alike.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expirePayments } from "../../src/jobs/expire.js";
import { reconcilePayments } from "../../src/jobs/reconcile.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp, TestClock } from "../harness.js";
import { eventCounts } from "../reliability/helpers.js";
import { findSecrets } from "../security/helpers.js";
import { recordingProxy } from "./recording-proxy.js";
import { testRegistry } from "./registry.js";

let t: TestApp;
let A: Merchant;
let B: Merchant;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
const apiKey = `prov_live_${randomBytes(12).toString("hex")}`;
const merchantId = "M-7731";
// Payments expire 1 s after creation: only this clock moves them there.
const clock = new TestClock();

beforeAll(async () => {
  proxy = await recordingProxy();
  t = await startTestApp({
    clock,
    providers: testRegistry(),
    env: { ZEROFEE_PROVIDER_TEST_LIVE_URL: proxy.url, ZEROFEE_RECONCILE_AFTER_S: "0", ZEROFEE_PAYMENT_EXPIRY_S: "1", LOG_LEVEL: "debug" },
  });
  proxy.forwardTo(`${t.url}/sandbox/test_live`);
  A = await createMerchant(t, "creds-a");
  B = await createMerchant(t, "creds-b");
});
afterAll(async () => {
  await t?.stop();
  await proxy?.close();
});

/** A `test_live` callback saying the payment behind `reference` succeeded, under a fresh event id. */
const successCallback = (reference: string) =>
  JSON.stringify({
    event_id: `forged_${randomBytes(4).toString("hex")}`,
    type: "collection.updated",
    data: { id: "x", reference, status: "SUCCESSFUL", amount: 1500, currency: "XOF", flow: "ussd_push", payment_url: null, failure_reason: null },
  });
const put = (m: Merchant, provider: string, body: unknown) => t.call("PUT", `/v1/apps/${m.appId}/providers/${provider}`, { token: m.token, body });
const liveCredentials = () => ({ api_key: apiKey, merchant_id: merchantId, webhook_secret: t.app.ctx.providers.sandboxSecret("test_live") });

describe("provider credentials API", () => {
  it("validates against the adapter's fields; answers which fields are set, never a value; 404 for another account", async () => {
    const missing = await put(A, "test_live", { mode: "live", credentials: { merchant_id: merchantId } });
    expect(missing.status, missing.text).toBe(400);
    expect(missing.body.error.param).toBe("credentials.api_key");
    const unknownField = await put(A, "test_live", { mode: "live", credentials: { api_key: apiKey, password: "x" } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.param).toBe("credentials.password");
    const sandboxOnly = await put(A, "test", { mode: "live", credentials: { api_key: "x" } });
    expect(sandboxOnly.status).toBe(400);
    expect(sandboxOnly.body.error.param).toBe("provider");
    expect((await put(A, "nosuch", { mode: "live", credentials: {} })).status).toBe(404);
    const control = await put(A, "test_live", { mode: "live", credentials: { api_key: "a\nb" } });
    expect(control.status).toBe(400);

    const saved = await put(A, "test_live", { mode: "live", credentials: liveCredentials() });
    expect(saved.status, saved.text).toBe(200);
    const view = saved.body.data;
    expect(view).toMatchObject({ provider: "test_live", mode: "live", enabled: true, priority: 100, configured: true });
    const field = (name: string) => view.credentials.find((f: { name: string }) => f.name === name);
    expect(field("api_key")).toMatchObject({ set: true, secret: true, required: true, hint: `…${apiKey.slice(-4)}` });
    expect(field("merchant_id")).toMatchObject({ set: true, hint: null });
    expect(view.webhook_url).toBe(`${t.url}/v1/webhooks/providers/test_live?app=${A.appId}&mode=live`);

    const read = await t.call("GET", `/v1/apps/${A.appId}/providers/test_live?mode=live`, { token: A.token });
    const list = await t.call("GET", `/v1/apps/${A.appId}/providers?mode=live`, { token: A.token });
    const testList = await t.call("GET", `/v1/apps/${A.appId}/providers`, { token: A.token });
    expect(read.status).toBe(200);
    expect(list.body.data.map((p: { provider: string }) => p.provider)).not.toContain("test"); // sandbox-only
    expect(list.body.data.find((p: { provider: string }) => p.provider === "test_live").configured).toBe(true);
    expect(testList.body.data.find((p: { provider: string }) => p.provider === "test_live").configured).toBe(false); // per mode
    for (const res of [saved, read, list, testList]) {
      expect(res.text).not.toContain(apiKey);
      expect(res.text).not.toContain(merchantId);
      expect(res.text).not.toContain(liveCredentials().webhook_secret);
    }

    // Another account: 404, as for an unknown app.
    expect((await t.call("GET", `/v1/apps/${A.appId}/providers/test_live?mode=live`, { token: B.token })).status).toBe(404);
    expect((await t.call("PUT", `/v1/apps/${A.appId}/providers/test_live`, { token: B.token, body: { mode: "live", enabled: false } })).status).toBe(404);
    expect((await t.call("DELETE", `/v1/apps/${A.appId}/providers/test_live?mode=live`, { token: B.token })).status).toBe(404);

    // Changing only `enabled` keeps the credentials.
    const toggled = await put(A, "test_live", { mode: "live", enabled: false });
    expect(toggled.body.data).toMatchObject({ enabled: false, configured: true });
    expect((await put(A, "test_live", { mode: "live", enabled: true })).body.data.enabled).toBe(true);

    // A throwaway provider set-up can be removed.
    expect((await put(B, "test_b", { mode: "live", credentials: { api_key: "k" } })).status).toBe(200);
    const del = await t.call("DELETE", `/v1/apps/${B.appId}/providers/test_b?mode=live`, { token: B.token });
    expect(del.status).toBe(200);
    expect((await t.call("GET", `/v1/apps/${B.appId}/providers/test_b?mode=live`, { token: B.token })).body.data.configured).toBe(false);
    expect((await t.call("DELETE", `/v1/apps/${B.appId}/providers/test_b?mode=live`, { token: B.token })).status).toBe(404);

    expect(
      findSecrets(t.logs, [
        ["provider api key", apiKey],
        ["provider webhook secret", liveCredentials().webhook_secret],
      ]),
    ).toEqual([]);
  });
});

describe("live mode uses the app's credentials", () => {
  it("only providers with credentials are candidates; the adapter calls the configured live URL with the app's key; the signed callback verifies with the app's secret", async () => {
    const noCreds = await t.call("POST", "/v1/payments", { token: B.skLive, body: paymentBody("00") });
    expect(noCreds.status).toBe(422);
    expect(noCreds.body.error.code).toBe("no_provider_configured");
    // Test mode needs nothing set up.
    expect((await t.call("POST", "/v1/payments", { token: B.sk, body: paymentBody("00") })).status).toBe(201);

    expect((await put(A, "test_live", { mode: "live", credentials: liveCredentials() })).status).toBe(200);
    const before = proxy.seen.length;
    const created = await t.call("POST", "/v1/payments", { token: A.skLive, body: paymentBody("00", { success_url: "https://shop.example/ok" }) });
    expect(created.status, created.text).toBe(201);
    expect(created.body.data).toMatchObject({ livemode: true, provider: "test_live" });
    const initiate = proxy.seen.slice(before).find((s) => s.method === "POST" && s.path === "/v1/collections");
    expect(initiate?.authorization).toBe(`Bearer ${apiKey}`);
    const done = await eventually(async () => {
      const p = (await t.call("GET", `/v1/payments/${created.body.data.id}`, { token: A.skLive })).body.data;
      return p.status === "completed" ? p : null;
    });
    expect(done.timeline.at(-1)).toMatchObject({ status: "completed", source: "provider_webhook" });

    // A disabled provider is no candidate.
    await put(A, "test_live", { mode: "live", enabled: false });
    const disabled = await t.call("POST", "/v1/payments", { token: A.skLive, body: paymentBody("00") });
    expect(disabled.status).toBe(422);
    await put(A, "test_live", { mode: "live", enabled: true });
  });

  it("a live callback signed with another secret is refused (401) and changes nothing", async () => {
    const created = await t.call("POST", "/v1/payments", { token: A.skLive, body: paymentBody("02") });
    expect(created.status).toBe(201);
    const [attempt] = created.body.data.attempts;
    const body = successCallback(attempt.provider_payment_id);
    const { signPayload } = await import("@zerofee/providers");
    const wrong = signPayload("not-the-app-secret", body, Math.floor(Date.now() / 1000));
    const res = await t.call("POST", `/v1/webhooks/providers/test_live?app=${A.appId}&mode=live`, {
      rawBody: body,
      headers: { "content-type": "application/json", "x-test-signature": wrong },
    });
    expect(res.status).toBe(401);
    // Without naming the app, a live callback cannot be verified at all.
    const right = signPayload(liveCredentials().webhook_secret, body, Math.floor(Date.now() / 1000));
    const anonymous = await t.call("POST", "/v1/webhooks/providers/test_live?mode=live", {
      rawBody: body,
      headers: { "content-type": "application/json", "x-test-signature": right },
    });
    expect(anonymous.status).toBe(401);
    // Signed for app B: verified with B's secret, but it cannot touch A's payment.
    await put(B, "test_live", { mode: "live", credentials: { api_key: "b-key", webhook_secret: liveCredentials().webhook_secret } });
    const crossApp = await t.call("POST", `/v1/webhooks/providers/test_live?app=${B.appId}&mode=live`, {
      rawBody: body,
      headers: { "content-type": "application/json", "x-test-signature": right },
    });
    expect(crossApp.status).toBe(200);
    expect(crossApp.body.data.applied).toBe(false);
    const after = (await t.call("GET", `/v1/payments/${created.body.data.id}`, { token: A.skLive })).body.data;
    expect(["pending", "requires_action"]).toContain(after.status);
  });

  it("a live callback for an app that holds no webhook secret is refused: an empty secret verifies nothing", async () => {
    // The app's live set-up has no webhook_secret (optional for the calls), or its credentials
    // were removed while a payment was pending: a message signed with HMAC("") must not pass.
    const C = await createMerchant(t, "creds-c");
    expect((await put(C, "test_live", { mode: "live", credentials: { api_key: apiKey, merchant_id: merchantId } })).status).toBe(200);
    const created = await t.call("POST", "/v1/payments", { token: C.skLive, body: paymentBody("02") });
    expect(created.status, created.text).toBe(201);
    const [attempt] = created.body.data.attempts;
    const { signPayload } = await import("@zerofee/providers");
    const send = (body: string) =>
      t.call("POST", `/v1/webhooks/providers/test_live?app=${C.appId}&mode=live`, {
        rawBody: body,
        headers: { "content-type": "application/json", "x-test-signature": signPayload("", body, Math.floor(Date.now() / 1000)) },
      });
    expect((await send(successCallback(attempt.provider_payment_id))).status).toBe(401);
    expect((await t.call("DELETE", `/v1/apps/${C.appId}/providers/test_live?mode=live`, { token: C.token })).status).toBe(200);
    expect((await send(successCallback(attempt.provider_payment_id))).status).toBe(401);
    const after = (await t.call("GET", `/v1/payments/${created.body.data.id}`, { token: C.skLive })).body.data;
    expect(["pending", "requires_action"]).toContain(after.status);
  });

  it("reconciliation after dropped callbacks asks the provider with the app's live credentials, and applies once", async () => {
    await t.call("POST", "/sandbox/test_live/_control", { body: { drop_callbacks: true } });
    try {
      const created = await t.call("POST", "/v1/payments", { token: A.skLive, body: paymentBody("00") });
      expect(created.status).toBe(201);
      const id: string = created.body.data.id;
      const reference: string = created.body.data.attempts[0].provider_payment_id;
      const mark = proxy.seen.length;
      const done = await eventually(async () => {
        // Reconciliation takes payments older than now − 0 s: this clock only moves when told.
        clock.advance(1_000);
        await reconcilePayments(t.app.ctx);
        const p = (await t.call("GET", `/v1/payments/${id}`, { token: A.skLive })).body.data;
        return p.status === "completed" ? p : null;
      });
      expect(done.timeline.at(-1).source).toBe("reconciliation");
      const statusCalls = proxy.seen.slice(mark).filter((s) => s.method === "GET" && s.path.includes(reference));
      expect(statusCalls.length).toBeGreaterThan(0);
      for (const s of statusCalls) expect(s.authorization).toBe(`Bearer ${apiKey}`);
      await reconcilePayments(t.app.ctx);
      expect(await eventCounts(t.database.db, id)).toEqual({ "payment.created": 1, "payment.completed": 1 });
    } finally {
      await t.call("POST", "/sandbox/test_live/_control", { body: { drop_callbacks: false } });
    }
  });

  it("cancel and expiry ask the provider with the app's live credentials before closing", async () => {
    const toCancel = await t.call("POST", "/v1/payments", { token: A.skLive, body: paymentBody("02") });
    const toExpire = await t.call("POST", "/v1/payments", { token: A.skLive, body: paymentBody("02") });
    expect([toCancel.status, toExpire.status]).toEqual([201, 201]);
    const mark = proxy.seen.length;
    const cancelled = await t.call("POST", `/v1/payments/${toCancel.body.data.id}/cancel`, { token: A.skLive });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.data.status).toBe("cancelled");
    clock.advance(1_100); // ZEROFEE_PAYMENT_EXPIRY_S=1
    await expirePayments(t.app.ctx);
    // Expiry asks the provider to cancel first; the provider's own "cancelled" callback may
    // land before expiry records its outcome. Either way the payment is closed, once.
    expect(["expired", "cancelled"]).toContain((await t.call("GET", `/v1/payments/${toExpire.body.data.id}`, { token: A.skLive })).body.data.status);
    for (const p of [toCancel, toExpire]) {
      const reference: string = p.body.data.attempts[0].provider_payment_id;
      const calls = proxy.seen.slice(mark).filter((s) => s.path === `/v1/collections/by-reference/${reference}/cancel`);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.authorization).toBe(`Bearer ${apiKey}`);
    }
  });
});
