/**
 * A live provider that refuses the app's own credentials (its documented 401/403) took
 * nothing: routing may cascade (SPEC §5), and with no candidate left the create answers 503
 * `provider_unavailable` — naming the provider that refused the credentials, since a plain
 * "retry" would send the merchant round the same refusal. The credential never shows.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallResult, createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { testRegistry } from "./registry.js";

/** Each provider with HTTP-authenticated credentials: what it is set up with and a payment it takes. */
const PROVIDERS = {
  pawapay: {
    name: "PawaPay",
    credentials: { api_token: "pp_live_refused_0123456789abcdef" },
    body: { amount: 1500, currency: "XOF", payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 00" } },
  },
  hub2: {
    name: "Hub2",
    credentials: { api_key: "hub2_live_refused_0123456789abcdef", merchant_id: "M-1", webhook_secret: "hub2_whsec_refused_0123456789" },
    body: { amount: 1500, currency: "XOF", payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 00" } },
  },
  bui: {
    name: "BUI",
    credentials: { api_key: "bui_prod_refused_0123456789abcdef", webhook_secret: "ws_refused_0123456789abcdef" },
    body: { amount: 1500, currency: "XOF", payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 00" } },
  },
  stripe: {
    name: "Stripe",
    credentials: { secret_key: "sk_live_refused_0123456789abcdef", webhook_secret: "whsec_refused_0123456789abcdef" },
    body: { amount: 1500, currency: "XOF", payment_method: "PAYIN_CARD", customer: { email: "buyer@example.com" } },
  },
  paypal: {
    name: "PayPal",
    credentials: { client_id: "paypal-client-refused", client_secret: "paypal_secret_refused_0123456789", webhook_id: "WH-REFUSED" },
    body: { amount: 1500, currency: "EUR", payment_method: "PAYIN_PAYPAL", customer: { email: "buyer@example.com" } },
  },
  // The `test` adapter as a live provider (../providers/registry.ts): the template's own rule.
  test_live: {
    name: "ZeroFee test provider",
    credentials: { api_key: "test_live_refused_0123456789abcdef" },
    body: { amount: 1500, currency: "XOF", payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 00" } },
  },
} as const;
type Provider = keyof typeof PROVIDERS;

let t: TestApp;
let m: Merchant;
let answer = 401;
const heard: Array<{ url: string; headers: IncomingMessage["headers"] }> = [];
// The live providers, all on one loopback server that refuses whatever it is sent.
const provider = createServer((req, res) => {
  heard.push({ url: req.url ?? "", headers: req.headers });
  req.resume();
  res.writeHead(answer, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: "refused", failureReason: { failureCode: answer === 401 ? "AUTHENTICATION_ERROR" : "INVALID_INPUT" } }));
});

beforeAll(async () => {
  await new Promise<void>((r) => provider.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  const env = Object.fromEntries(Object.keys(PROVIDERS).map((p) => [`ZEROFEE_PROVIDER_${p.toUpperCase()}_URL`, url]));
  t = await startTestApp({ env, providers: testRegistry() });
  m = await createMerchant(t, "refused");
  for (const [p, spec] of Object.entries(PROVIDERS)) {
    const put = await t.call("PUT", `/v1/apps/${m.appId}/providers/${p}`, { token: m.token, body: { mode: "live", credentials: spec.credentials } });
    expect(put.status, put.text).toBe(200);
  }
});
afterAll(async () => {
  await t?.stop();
  await new Promise((r) => provider.close(r));
});

const create = (p: Provider, key?: string) =>
  t.call("POST", "/v1/payments", { token: m.skLive, body: { ...PROVIDERS[p].body, provider: p }, ...(key ? { idempotencyKey: key } : {}) });

function expectNoCredential(res: CallResult) {
  for (const spec of Object.values(PROVIDERS)) {
    for (const value of Object.values(spec.credentials)) if (value.length > 12) expect(res.text).not.toContain(value);
  }
}

describe("a live provider refusing the app's credentials", () => {
  it.each(Object.keys(PROVIDERS) as Provider[])(
    "%s: 503 provider_unavailable naming the refused credentials; the attempt says credentials_refused",
    async (p) => {
      answer = 401;
      const before = heard.length;
      const res = await create(p, `refused-${p}`);
      expect(res.status, res.text).toBe(503);
      expect(heard.length).toBeGreaterThan(before);
      expect(res.body.error.code).toBe("provider_unavailable");
      expect(res.body.error.message).toContain(`${p} refused this app's live credentials`);
      expect(res.body.error.message).toMatch(/dashboard/);
      expectNoCredential(res);
      // The payment waits for a retry with the key; its attempt records why.
      const [payment] = (await t.call("GET", "/v1/payments?limit=1", { token: m.skLive })).body.data;
      const detail = await t.call("GET", `/v1/payments/${payment.id}`, { token: m.skLive });
      expect(detail.body.data.status).toBe("pending");
      expect(
        detail.body.data.attempts.map((a: { provider: string; error_code: string; error_message: string }) => [a.provider, a.error_code, a.error_message]),
      ).toEqual([[p, "credentials_refused", `${PROVIDERS[p].name} refused the credentials (HTTP 401)`]]);
      expectNoCredential(detail);
    },
  );

  it("a 403 (not authorised) reads the same; a create without a key fails the payment with that message", async () => {
    answer = 403;
    const res = await create("pawapay");
    expect(res.status, res.text).toBe(503);
    expect(res.body.error.message).toContain("pawapay refused this app's live credentials");
    const [payment] = (await t.call("GET", "/v1/payments?limit=1", { token: m.skLive })).body.data;
    expect(payment.status).toBe("failed");
    expect(payment.failure_code).toBe("provider_unavailable");
    expect(payment.failure_message).toBe("No provider could take the payment: pawapay refused this app's live credentials.");
    expect(t.logs.some((l) => l.includes("credentials refused") && l.includes(payment.id))).toBe(true);
    for (const spec of Object.values(PROVIDERS))
      for (const value of Object.values(spec.credentials)) expect(t.logs.filter((l) => l.includes(value))).toEqual([]);
  });

  it("any other refusal (a 400) keeps the plain answer: retry with the same key", async () => {
    answer = 400;
    const res = await create("pawapay", "refused-400");
    expect(res.status, res.text).toBe(503);
    expect(res.body.error.message).toBe("No provider could take this payment right now; retry with the same Idempotency-Key.");
    const detail = await t.call("GET", `/v1/payments/${(await t.call("GET", "/v1/payments?limit=1", { token: m.skLive })).body.data[0].id}`, {
      token: m.skLive,
    });
    expect(detail.body.data.attempts[0].error_code).toBe("provider_rejected");
  });
});
