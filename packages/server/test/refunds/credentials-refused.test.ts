/**
 * A refund the provider refuses for the app's credentials (its documented 401/403) moved no
 * money, and asking again cannot help until the merchant corrects them: the refund fails at
 * once as `credentials_refused`, saying so, and its amount is refundable again — rather than
 * being retried for an hour as if the provider were down and then failing `provider_unavailable`.
 * Each provider's sandbox is reached through a proxy that refuses only the refund's calls.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retryPendingRefunds } from "../../src/services/refunds/process.js";
import { CI_PHONE, createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { recordingProxy } from "../providers/recording-proxy.js";
import { actOnSandbox } from "../providers/sandbox-page.js";

type Provider = "stripe" | "paypal" | "pawapay";
const PROVIDERS: Record<Provider, { name: string; refundPath: RegExp; body: Record<string, unknown> }> = {
  // Stripe's refund reads the Checkout Session first; PayPal's reads the order, after its OAuth token.
  stripe: { name: "Stripe", refundPath: /^\/v1\/(refunds|checkout\/sessions\/)/, body: { currency: "EUR", payment_method: "PAYIN_CARD" } },
  paypal: {
    name: "PayPal",
    refundPath: /^\/v1\/oauth2\/token|^\/v2\/(payments\/captures\/.*\/refund|checkout\/orders\/[^/]+$)/,
    body: { currency: "EUR", payment_method: "PAYIN_PAYPAL" },
  },
  pawapay: { name: "PawaPay", refundPath: /^\/v2\/refunds/, body: { payment_method: "PAYIN_MTN_CI", customer: { phone: CI_PHONE("00").replace("07", "05") } } },
};
const urls = { success_url: "https://merchant.example/success", cancel_url: "https://merchant.example/cancel", error_url: "https://merchant.example/error" };

let t: TestApp;
let m: Merchant;
const proxies = {} as Record<Provider, Awaited<ReturnType<typeof recordingProxy>>>;

beforeAll(async () => {
  for (const p of Object.keys(PROVIDERS) as Provider[]) proxies[p] = await recordingProxy();
  const env = Object.fromEntries(Object.entries(proxies).map(([p, proxy]) => [`ZEROFEE_PROVIDER_${p.toUpperCase()}_SANDBOX_URL`, proxy.url]));
  t = await startTestApp({ env });
  for (const [p, proxy] of Object.entries(proxies)) proxy.forwardTo(`${t.url}/sandbox/${p}`);
  m = await createMerchant(t, "refund-refused");
});
afterAll(async () => {
  await t?.stop();
  for (const proxy of Object.values(proxies)) await proxy.close();
});

const get = async (path: string) => (await t.call("GET", path, { token: m.sk })).body.data;

async function completed(provider: Provider): Promise<string> {
  const res = await t.call("POST", "/v1/payments", { token: m.sk, body: { amount: 5_000, provider, ...urls, ...PROVIDERS[provider].body } });
  expect(res.status, res.text).toBe(201);
  if (res.body.data.next_action?.type === "redirect") await actOnSandbox(res.body.data.next_action.redirect_url, new URL(t.url).origin, "approve");
  await eventually(async () => (await get(`/v1/payments/${res.body.data.id}`)).status === "completed");
  return res.body.data.id;
}

describe.each(Object.keys(PROVIDERS) as Provider[])("%s refusing a refund's credentials", (provider) => {
  it("fails the refund at once as credentials_refused, asks the provider no more, and leaves the amount refundable", async () => {
    const paymentId = await completed(provider);
    const proxy = proxies[provider];
    proxy.refuse(PROVIDERS[provider].refundPath, provider === "paypal" ? 403 : 401);
    try {
      const res = await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: paymentId, amount: 2_000 } });
      expect(res.status, res.text).toBe(201);
      const refundId = res.body.data.id;
      const failed = await eventually(async () => {
        const r = await get(`/v1/refunds/${refundId}`);
        return r.status !== "pending" ? r : null;
      });
      expect(failed).toMatchObject({ status: "failed", failure_code: "credentials_refused" });
      expect(failed.failure_message).toBe(
        `${PROVIDERS[provider].name} refused the credentials (HTTP ${provider === "paypal" ? 403 : 401}); nothing was refunded. Correct them in the dashboard, then refund again.`,
      );
      const asked = proxy.seen.length;
      await retryPendingRefunds(t.app.ctx);
      expect(proxy.seen.length).toBe(asked);
      expect((await get(`/v1/payments/${paymentId}`)).amount_refunded).toBe(0);
      const events = (await t.call("GET", "/v1/events?limit=20", { token: m.sk })).body.data as Array<{ type: string; data: { id: string } }>;
      expect(events.filter((e) => e.data.id === refundId).map((e) => e.type)).toEqual(["refund.failed", "refund.created"]);
    } finally {
      proxy.refuse(null);
    }
    // Credentials corrected: the whole amount can be refunded.
    const again = await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: paymentId } });
    expect(again.status, again.text).toBe(201);
    expect(again.body.data.amount).toBe(5_000);
  });
});
