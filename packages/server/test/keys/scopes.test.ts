/**
 * Restricted secret keys (`scopes`): every scope a route checks can be granted, so a key made
 * for one job can do that job — and a key without the scope is refused naming one it can ask
 * for. (A route once checked `checkout:read` while key creation refused that scope: no
 * restricted key could ever read a checkout session.)
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { openApiOperations } from "../security/helpers.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "scopes");
});
afterAll(() => t?.stop());

async function restrictedKey(scopes: string[]): Promise<string> {
  const r = await t.call("POST", `/v1/apps/${m.appId}/keys`, { token: m.token, body: { type: "secret", mode: "test", scopes } });
  expect(r.status, r.text).toBe(201);
  expect(r.body.data.scopes).toEqual(scopes);
  return r.body.data.key;
}

describe("restricted keys", () => {
  it("every scope a route requires (x-zerofee-scope in /openapi.json) can be granted to a key", async () => {
    const required = new Set((await openApiOperations(t)).flatMap((o) => (o.scope ? [o.scope] : [])));
    expect(required.has("checkout:read")).toBe(true);
    for (const scope of required) await restrictedKey([scope]);
    // …and the key-creation schema lists exactly the scopes routes check, no dead ones.
    const doc = (await t.call("GET", "/openapi.json")).body;
    const create = doc.paths["/v1/apps/{app_id}/keys"].post.requestBody.content["application/json"].schema;
    const body = create.$ref ? doc.components.schemas[create.$ref.split("/").at(-1)] : create;
    expect([...body.properties.scopes.items.enum].sort()).toEqual([...required].sort());
  });

  it("a checkout:read key reads a session; a checkout:write-only key is refused naming the scope it lacks, which can be granted", async () => {
    const writer = await restrictedKey(["checkout:write"]);
    const created = await t.call("POST", "/v1/checkout/sessions", {
      token: writer,
      idempotencyKey: randomUUID(),
      body: { amount: 2500, currency: "XOF", reference: "order-scopes", success_url: "http://127.0.0.1:9/ok" },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.data.id as string;

    const refused = await t.call("GET", `/v1/checkout/sessions/${id}`, { token: writer });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ type: "permission_error", code: "forbidden" });
    const lacking = /lacks the (\S+) scope/.exec(refused.body.error.message)?.[1];
    expect(lacking).toBe("checkout:read");

    // The scope named in the refusal is one a merchant can grant.
    const reader = await restrictedKey([lacking as string]);
    const read = await t.call("GET", `/v1/checkout/sessions/${id}`, { token: reader });
    expect(read.status, read.text).toBe(200);
    expect(read.body.data).toMatchObject({ id, status: "open", amount: 2500 });
    // A read-only key still cannot create one.
    const write = await t.call("POST", "/v1/checkout/sessions", {
      token: reader,
      idempotencyKey: randomUUID(),
      body: { amount: 2500, currency: "XOF", reference: "order-scopes-2", success_url: "http://127.0.0.1:9/ok" },
    });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toContain("checkout:write");
  });
  it("the browser's payment routes (status, OTP) hold a restricted secret key to its payments scopes", async () => {
    const created = await t.call("POST", "/v1/payments", {
      token: m.sk,
      idempotencyKey: randomUUID(),
      body: { amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 03" } },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.data.id as string;
    const checkoutOnly = await restrictedKey(["checkout:write"]);
    const status = await t.call("GET", `/v1/payments/${id}/status`, { token: checkoutOnly });
    expect(status.status).toBe(403);
    expect(status.body.error.message).toMatch(/lacks the payments:read scope/);
    const otp = await t.call("POST", `/v1/payments/${id}/authenticate`, { token: checkoutOnly, idempotencyKey: randomUUID(), body: { otp: "000000" } });
    expect(otp.status).toBe(403);
    expect(otp.body.error.message).toMatch(/lacks the payments:write scope/);
    // With the scopes they work as for the publishable key.
    expect((await t.call("GET", `/v1/payments/${id}/status`, { token: await restrictedKey(["payments:read"]) })).status).toBe(200);
    expect((await t.call("GET", `/v1/payments/${id}/status`, { token: m.pk })).status).toBe(200);
  });
});
