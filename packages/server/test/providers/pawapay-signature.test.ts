/**
 * PawaPay's signed callbacks (RFC 9421; docs/providers/pawapay.md) at ZeroFee's inbound
 * route, against PawaPay's real sandbox over HTTP: the sandbox's own callbacks are accepted;
 * a captured signed callback replayed after the freshness window is refused; a signature that
 * does not cover the request line (`@method`, `@authority`, `@path`) is refused. The messages
 * made here are signed with the sandbox's own key (served at `/v2/public-key/http`), so only
 * the checks under test can refuse them. Workers are off: nothing but a callback completes a
 * payment here.
 */
import { sign } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentDigest, sandboxSigningKey, signatureBase, signMessage } from "../../../providers/src/pawapay/signature.js";
import { providerCallbacks } from "../../src/db/schema/index.js";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;
let key: ReturnType<typeof sandboxSigningKey>;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "pawapay-sig");
  key = sandboxSigningKey(t.app.ctx.providers.sandboxSecret("pawapay"));
});
afterAll(() => t?.stop());

const get = async (id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
const callbackUrl = () => `${t.url}/v1/webhooks/providers/pawapay`;
const refusedLogs = () => t.logs.filter((l) => l.includes("provider webhook refused") && l.includes('"pawapay"'));

/** A PawaPay payment whose customer never answers (…02): open, and no callback of its own. */
async function openPayment() {
  const res = await t.call("POST", "/v1/payments", {
    token: m.sk,
    body: { amount: 1500, payment_method: "PAYIN_MTN_CI", provider: "pawapay", customer: { phone: "+225 05 00 00 00 02" } },
  });
  expect(res.status, res.text).toBe(201);
  const depositId = res.body.data.provider_reference as string;
  const atPawapay = await t.call("GET", `/sandbox/pawapay/v2/deposits/${depositId}`, { headers: { authorization: "Bearer sandbox-token" } });
  expect(atPawapay.body.status).toBe("FOUND");
  // What PawaPay would post once the deposit completes: the deposit itself.
  const body = JSON.stringify({ ...atPawapay.body.data, status: "COMPLETED", providerTransactionId: "SBXTEST" });
  return { id: res.body.data.id as string, openStatus: res.body.data.status as string, body };
}

const post = (body: string, headers: Record<string, string>) =>
  t.call("POST", "/v1/webhooks/providers/pawapay", { rawBody: body, headers: { "content-type": "application/json", ...headers } });

describe("PawaPay callback signatures at /v1/webhooks/providers/pawapay", () => {
  it("the sandbox's own signed callback is accepted and completes the payment", async () => {
    const res = await t.call("POST", "/v1/payments", {
      token: m.sk,
      body: { amount: 1500, payment_method: "PAYIN_MTN_CI", provider: "pawapay", customer: { phone: "+225 05 00 00 00 00" } },
    });
    expect(res.status, res.text).toBe(201);
    await eventually(async () => (await get(res.body.data.id)).status === "completed");
    const rows = await t.database.db
      .select()
      .from(providerCallbacks)
      .where(and(eq(providerCallbacks.provider, "pawapay"), eq(providerCallbacks.paymentId, res.body.data.id)));
    expect(rows.map((r) => r.reportedStatus)).toContain("completed");
    expect(refusedLogs()).toEqual([]);
  });

  it("a signed callback replayed after the freshness window (6 min old) is refused; the same one fresh is accepted", async () => {
    const p = await openPayment();
    const stale = signMessage({ url: callbackUrl(), body: p.body, keyId: key.keyId, privateKey: key.privateKey, date: new Date(Date.now() - 6 * 60_000) });
    const replayed = await post(p.body, { ...stale });
    expect(replayed.status).toBe(401);
    expect((await get(p.id)).status).toBe(p.openStatus);
    expect(refusedLogs().some((l) => l.includes("stale"))).toBe(true);

    const fresh = signMessage({ url: callbackUrl(), body: p.body, keyId: key.keyId, privateKey: key.privateKey, date: new Date() });
    const accepted = await post(p.body, { ...fresh });
    expect(accepted.status, accepted.text).toBe(200);
    expect((await get(p.id)).status).toBe("completed");
  });

  it("a signature 4 minutes old is still inside the window", async () => {
    const p = await openPayment();
    const recent = signMessage({ url: callbackUrl(), body: p.body, keyId: key.keyId, privateKey: key.privateKey, date: new Date(Date.now() - 4 * 60_000) });
    expect((await post(p.body, { ...recent })).status).toBe(200);
    expect((await get(p.id)).status).toBe("completed");
  });

  it("a signature dated in the future beyond the clock skew is refused", async () => {
    const p = await openPayment();
    const ahead = signMessage({ url: callbackUrl(), body: p.body, keyId: key.keyId, privateKey: key.privateKey, date: new Date(Date.now() + 10 * 60_000) });
    expect((await post(p.body, { ...ahead })).status).toBe(401);
    expect((await get(p.id)).status).toBe(p.openStatus);
  });

  it("a fresh, valid signature that does not cover @method, @authority and @path is refused", async () => {
    const p = await openPayment();
    const date = new Date();
    const components = ["signature-date", "content-digest", "content-type"];
    const headers = { "content-digest": contentDigest(p.body), "signature-date": date.toISOString(), "content-type": "application/json" };
    const params = `(${components.map((c) => `"${c}"`).join(" ")});created=${Math.floor(date.getTime() / 1000)};keyid="${key.keyId}";alg="ecdsa-p256-sha256"`;
    const sig = sign("sha256", Buffer.from(signatureBase(components, headers, params)), key.privateKey).toString("base64");
    const res = await post(p.body, { ...headers, "signature-input": `sig-pp=${params}`, signature: `sig-pp=:${sig}:` });
    expect(res.status).toBe(401);
    expect((await get(p.id)).status).toBe(p.openStatus);
    expect(refusedLogs().some((l) => l.includes("@method"))).toBe(true);
  });
});
