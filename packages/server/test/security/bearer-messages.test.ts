/**
 * What a merchant reads when the Bearer they send is not a key (SPEC §4: 401): a placeholder,
 * a truncated key or a webhook secret pasted is told it is not a ZeroFee API key and what one
 * looks like — not the dashboard's "sign in again". Dashboard session tokens, by Bearer or
 * cookie, keep their own answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp, tampered } from "../harness.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "bearer-messages");
});
afterAll(() => t?.stop());

describe("a Bearer that is not an API key", () => {
  it("is 401 invalid_api_key saying it is not a ZeroFee API key and what keys look like", async () => {
    const webhook = await t.call("PUT", `/v1/apps/${m.appId}/webhook`, { token: m.sk, body: { url: "http://127.0.0.1:9/hooks" } });
    const whsec: string = webhook.body.data.secret;
    const cases: Array<[string, string]> = [
      ["a placeholder", "not-a-key"],
      ["a placeholder typed with dots", "sk_test_..."],
      ["a truncated key", m.sk.slice(0, 20)],
      ["a key with a character changed", tampered(m.sk)],
      ["a webhook secret", whsec],
    ];
    for (const [label, token] of cases) {
      for (const path of ["/v1/payments", "/v1/apps"]) {
        const r = await t.call("GET", path, { token });
        expect(r.status, `${label} on ${path}: ${r.text}`).toBe(401);
        expect(r.body.error, label).toMatchObject({ type: "authentication_error", code: "invalid_api_key" });
        expect(r.body.error.message, label).toMatch(/not a ZeroFee API key/);
        expect(r.body.error.message, label).toContain("sk_test_");
        expect(r.body.error.message, label).not.toMatch(/session|sign in/i);
      }
    }
    const secret = await t.call("GET", "/v1/payments", { token: whsec });
    expect(secret.body.error.message).toMatch(/webhook signing secret/);
  });

  it("a well-formed key that is not (or no longer) valid keeps its own answer", async () => {
    const revoked = await t.call("POST", `/v1/apps/${m.appId}/keys`, { token: m.token, body: { type: "secret", mode: "test" } });
    await t.call("DELETE", `/v1/apps/${m.appId}/keys/${revoked.body.data.id}`, { token: m.token });
    const r = await t.call("GET", "/v1/payments", { token: revoked.body.data.key });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: "invalid_api_key", message: "Invalid API key." });
  });

  it("dashboard session tokens keep their behaviour: valid ones work, ended ones are told to sign in again", async () => {
    expect((await t.call("GET", "/v1/auth/me", { token: m.token })).status).toBe(200);
    const login = await t.call("POST", "/v1/auth/login", {
      body: { email: (await t.call("GET", "/v1/auth/me", { token: m.token })).body.data.email, password: "correct horse battery" },
    });
    expect(login.status, login.text).toBe(200);
    const ended: string = login.body.data.token;
    expect((await t.call("POST", "/v1/auth/logout", { token: ended })).status).toBeLessThan(300);
    const sent: Array<Record<string, string>> = [
      { authorization: `Bearer ${ended}` },
      { cookie: `zerofee_session=${ended}` },
      { cookie: "zerofee_session=not-a-session" },
    ];
    for (const headers of sent) {
      const r = await t.call("GET", "/v1/auth/me", { headers });
      expect(r.status, JSON.stringify(headers)).toBe(401);
      expect(r.body.error, JSON.stringify(headers)).toMatchObject({ code: "authentication_required", message: "Your session has ended; sign in again." });
    }
  });
});
