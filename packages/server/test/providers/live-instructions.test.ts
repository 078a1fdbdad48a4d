/**
 * What a live customer reads: a provider's `next_action.instructions` carry the sandbox's code
 * (`123456`) only in test mode. Live BUI and Hub2 are this server's own simulators behind a
 * loopback forwarder (the live base URL override), paid by Orange Money CI, their OTP flow.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;
const targets: Record<string, string> = {};
// "Live" BUI and Hub2: every request passed on, headers and all, to the provider's simulator.
const live = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const [, provider, ...rest] = (req.url ?? "").split("/");
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length")) as Record<string, string>;
  // Hub2's sandbox takes only `Environment: sandbox` (its live API, `live`): the simulator stands in for the live API here.
  if (headers.environment === "live") headers.environment = "sandbox";
  const upstream = await fetch(`${targets[provider ?? ""]}/${rest.join("/")}`, {
    method: req.method,
    headers,
    body: chunks.length ? Buffer.concat(chunks) : undefined,
  });
  res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
  res.end(Buffer.from(await upstream.arrayBuffer()));
});

beforeAll(async () => {
  await new Promise<void>((r) => live.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(live.address() as AddressInfo).port}`;
  t = await startTestApp({ env: { ZEROFEE_PROVIDER_BUI_URL: `${base}/bui`, ZEROFEE_PROVIDER_HUB2_URL: `${base}/hub2` } });
  targets.bui = `${t.url}/sandbox/bui`;
  targets.hub2 = `${t.url}/sandbox/hub2`;
  m = await createMerchant(t, "live-otp");
  const credentials = {
    bui: { api_key: "bui_prod_live_instructions", webhook_secret: t.app.ctx.providers.sandboxSecret("bui") },
    hub2: { api_key: "hub2_live_instructions", merchant_id: "M-1", webhook_secret: t.app.ctx.providers.sandboxSecret("hub2") },
  };
  for (const [provider, c] of Object.entries(credentials)) {
    const put = await t.call("PUT", `/v1/apps/${m.appId}/providers/${provider}`, { token: m.token, body: { mode: "live", credentials: c } });
    expect(put.status, put.text).toBe(200);
  }
});
afterAll(async () => {
  await t?.stop();
  await new Promise((r) => live.close(r));
});

describe("OTP instructions", () => {
  it.each(["bui", "hub2"])("%s: the sandbox's code in test mode only", async (provider) => {
    const body = { amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 03" }, provider };
    const inTest = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: `otp-test-${provider}` });
    expect(inTest.status, inTest.text).toBe(201);
    expect(inTest.body.data.next_action).toMatchObject({ type: "otp", instructions: expect.stringContaining("(sandbox: 123456)") });
    const inLive = await t.call("POST", "/v1/payments", { token: m.skLive, body, idempotencyKey: `otp-live-${provider}` });
    expect(inLive.status, inLive.text).toBe(201);
    expect(inLive.body.data.livemode).toBe(true);
    expect(inLive.body.data.next_action.type).toBe("otp");
    expect(inLive.body.data.next_action.instructions).not.toMatch(/sandbox|123456/);
  });
});
