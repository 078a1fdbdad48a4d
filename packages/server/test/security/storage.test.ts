/**
 * SE-2 storage at rest (reference/reliability.md §5 H; SPEC §13, §16): after setting provider
 * credentials, keys, a password and OTPs, every table dumped as text holds none of them in
 * clear; provider credentials are AES-256-GCM ciphertext bound to their row (AAD
 * `app_id|provider|mode`), refused with a truncated tag and when moved to another app's row.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptSecret } from "../../src/lib/crypto.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { testRegistry } from "../providers/registry.js";
import { rows } from "../reliability/helpers.js";
import { findSecrets } from "./helpers.js";

let t: TestApp;
let A: Merchant;
let B: Merchant;
const SECRETS = {
  liveApiKey: "prov_live_Q7vX2mN9pL4kR8sT1wY6",
  liveWebhookSecret: "whsec_provider_Z3bC5dF7gH9jK2mN",
  liveMerchantId: "MERCHANT-PLAINTEXT-7731",
  testApiKey: "prov_test_A1sD3fG5hJ7kL9qW2eR4",
};
const WRONG_OTP = "918273";

beforeAll(async () => {
  t = await startTestApp({ providers: testRegistry() });
  A = await createMerchant(t, "storage-a");
  B = await createMerchant(t, "storage-b");
});
afterAll(() => t?.stop());

/** Every table of the public schema, as JSON text. */
async function dumpAll(): Promise<string> {
  const tables = await rows(
    t.database.db,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  expect(tables.length).toBeGreaterThan(8);
  let out = "";
  for (const { table_name } of tables) out += `${table_name}\n${JSON.stringify(await rows(t.database.db, sql.raw(`select * from "${table_name}"`)))}\n`;
  return out;
}

describe("SE-2 storage at rest", () => {
  it("SE-2 after setting credentials and keys, no table holds an API key, password, OTP or provider credential in clear; credentials are GCM ciphertext bound to their row", async () => {
    const live = await t.call("PUT", `/v1/apps/${A.appId}/providers/test_live`, {
      token: A.token,
      body: { mode: "live", credentials: { api_key: SECRETS.liveApiKey, webhook_secret: SECRETS.liveWebhookSecret, merchant_id: SECRETS.liveMerchantId } },
    });
    expect(live.status, live.text).toBe(200);
    const test = await t.call("PUT", `/v1/apps/${A.appId}/providers/test`, {
      token: A.token,
      body: { mode: "test", credentials: { api_key: SECRETS.testApiKey } },
    });
    expect(test.status, test.text).toBe(200);
    const extraKey = await t.call("POST", `/v1/apps/${A.appId}/keys`, { token: A.token, body: { type: "secret", mode: "live" } });
    const otp = await t.call("POST", "/v1/payments", { token: A.sk, body: paymentBody("03") });
    expect((await t.call("POST", `/v1/payments/${otp.body.data.id}/authenticate`, { token: A.pk, body: { otp: WRONG_OTP } })).status).toBe(422);
    expect((await t.call("POST", `/v1/payments/${otp.body.data.id}/authenticate`, { token: A.pk, body: { otp: "123456" } })).status).toBe(200);
    await eventually(async () => (await t.call("GET", `/v1/payments/${otp.body.data.id}`, { token: A.sk })).body.data.status === "completed");

    const dump = await dumpAll();
    const plaintext: Array<[string, string]> = [
      ...Object.entries(SECRETS),
      ...[A.sk, A.pk, A.skLive, A.pkLive, B.sk, extraKey.body.data.key].map((k): [string, string] => ["API key", k]),
      ["password", "correct horse battery"],
      ["session token", A.token],
      ["wrong OTP", WRONG_OTP],
      ["right OTP", "123456"],
      ["master key", t.app.ctx.config.masterKey.toString("base64")],
    ];
    // Phone numbers are stored on purpose (the payment needs them); secrets never are.
    expect(plaintext.filter(([, value]) => dump.includes(value)).map(([what]) => what)).toEqual([]);
    expect(dump).toContain(A.appId); // not vacuous: the dump holds the app's rows

    const stored = await rows(
      t.database.db,
      sql`select app_id, provider, livemode, credentials_ciphertext, key_id from app_providers where app_id = ${A.appId}`,
    );
    expect(stored).toHaveLength(2);
    for (const r of stored) {
      expect(r.credentials_ciphertext).toMatch(/^v1\.[A-Za-z0-9+/]{16}\.[A-Za-z0-9+/]{22}==\.[A-Za-z0-9+/=]+$/);
      expect(r.key_id).toMatch(/^[0-9a-f]{12}$/);
    }
    const sealed: string = stored.find((r) => r.provider === "test_live")?.credentials_ciphertext;
    const key = t.app.ctx.config.masterKey;
    const aad = `${A.appId}|test_live|live`;
    expect(JSON.parse(decryptSecret(key, sealed, aad))).toMatchObject({ api_key: SECRETS.liveApiKey });
    // A truncated tag is refused (authTagLength: 16), and so is the ciphertext under another row's AAD.
    const [v, iv, tag, body] = sealed.split(".");
    const truncated = [
      v,
      iv,
      Buffer.from(tag ?? "", "base64")
        .subarray(0, 8)
        .toString("base64"),
      body,
    ].join(".");
    expect(() => decryptSecret(key, truncated, aad)).toThrow();
    expect(() => decryptSecret(key, sealed, `${B.appId}|test_live|live`)).toThrow();
    expect(() => decryptSecret(key, sealed, `${A.appId}|test_live|test`)).toThrow();
    expect(() => decryptSecret(key, sealed, `${A.appId}|test_b|live`)).toThrow();
  });

  it("SE-2 a ciphertext copied to another app's row does not decrypt: that app sees no credential set, nothing leaks, no 5xx", async () => {
    expect(
      (await t.call("PUT", `/v1/apps/${B.appId}/providers/test_live`, { token: B.token, body: { mode: "live", credentials: { api_key: "b-own-key" } } }))
        .status,
    ).toBe(200);
    await t.database.db.execute(sql`
      update app_providers set credentials_ciphertext = (select credentials_ciphertext from app_providers where app_id = ${A.appId} and provider = 'test_live' and livemode)
      where app_id = ${B.appId} and provider = 'test_live' and livemode`);
    const view = await t.call("GET", `/v1/apps/${B.appId}/providers/test_live?mode=live`, { token: B.token });
    expect(view.status).toBe(200);
    expect(view.body.data.credentials.every((f: { set: boolean }) => !f.set)).toBe(true);
    expect(view.text).not.toContain(SECRETS.liveApiKey.slice(-4));
    expect(t.logs.some((l) => l.includes("stored provider credentials do not decrypt"))).toBe(true);
    expect(findSecrets(t.logs, Object.entries(SECRETS))).toEqual([]);
  });
});
