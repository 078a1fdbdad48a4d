/**
 * Secrets (reliability.md §5 group H): SE-1 logs stay clean, SE-3 key format, SE-4 password
 * hashing. SE-1 also runs over the whole suite through global-log-scan.ts.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/client.js";
import { apiKeys, users } from "../../src/db/schema/index.js";
import { API_KEY_RE, generateApiKey, parseApiKey } from "../../src/lib/api-keys.js";
import { createMerchant, eventually, freshDatabase, type Merchant, paymentBody, startTestApp, type TestApp, tampered, testLogStream } from "../harness.js";
import { findSecrets } from "./helpers.js";

// The password hashing cost of an operator's process (the suite's other apps hash cheaper:
// harness testConfig), so SE-4 checks what production stores.
const OPERATOR_HASHING = { passwordHashLogN: loadConfig({ NODE_ENV: "test" }, { persistKey: false }).passwordHashLogN };

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  // debug: the most the server ever writes, simulators included.
  t = await startTestApp({ env: { LOG_LEVEL: "debug" }, config: OPERATOR_HASHING });
  m = await createMerchant(t, "secrets");
});
afterAll(() => t?.stop());

describe("SE-1 logs stay clean", () => {
  it("SE-1 logs stay clean: register, login, keys, payments, OTP and failed auth leave no secret in any log line", { timeout: 120_000 }, async () => {
    const email: string = (await t.call("GET", "/v1/auth/me", { token: m.token })).body.data.email;
    // Three independent logins (each one scrypt at 2^17), sent at once.
    const [login, wrong, unknown] = await Promise.all([
      t.call("POST", "/v1/auth/login", { body: { email, password: "correct horse battery" } }),
      t.call("POST", "/v1/auth/login", { body: { email, password: "wrong horse battery" } }),
      t.call("POST", "/v1/auth/login", { body: { email: "nobody@example.com", password: "wrong horse battery" } }),
    ]);
    expect(login.status).toBe(200);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const cookieCall = await t.call("GET", "/v1/apps", { headers: { cookie: `zerofee_session=${login.body.data.token}` } });
    expect(cookieCall.status).toBe(200);

    const created = await t.call("POST", `/v1/apps/${m.appId}/keys`, { token: m.token, body: { type: "secret", mode: "test" } });
    const rolled = await t.call("POST", `/v1/apps/${m.appId}/keys/${created.body.data.id}/roll`, { token: m.token, body: { grace_period_s: 60 } });
    expect(rolled.status).toBe(201);
    const mangled = tampered(m.sk);
    for (const bad of [mangled, "sk_live_short", m.sk.replace("sk_", "pk_"), "zfs_notasession000000000000000000"]) {
      expect((await t.call("GET", "/v1/payments", { token: bad })).status).toBe(401);
    }
    expect((await t.call("GET", "/v1/payments", { headers: { authorization: `Basic ${m.sk}` } })).status).toBe(401);
    expect((await t.call("POST", "/v1/payments", { token: m.pk, body: paymentBody("00") })).status).toBe(403);

    const done = await t.call("POST", "/v1/payments", {
      token: m.sk,
      body: paymentBody("00", { customer: { phone: "+225 07 00 00 00 00", name: "Awa", email: "awa@example.com" } }),
    });
    expect(done.status).toBe(201);
    await eventually(async () => (await t.call("GET", `/v1/payments/${done.body.data.id}`, { token: m.sk })).body.data.status === "completed");
    const failed = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("01") });
    await eventually(async () => (await t.call("GET", `/v1/payments/${failed.body.data.id}`, { token: m.sk })).body.data.status === "failed");
    const otp = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("03") });
    expect((await t.call("POST", `/v1/payments/${otp.body.data.id}/authenticate`, { token: m.pk, body: { otp: "000000" } })).status).toBe(422);
    expect((await t.call("POST", `/v1/payments/${otp.body.data.id}/authenticate`, { token: m.pk, body: { otp: "123456" } })).status).toBe(200);
    const down = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("05") });
    expect(down.status).toBe(503);
    expect((await t.call("POST", "/v1/webhooks/providers/test", { body: { event: "x" }, headers: { "x-signature": "forged" } })).status).toBeLessThan(500);
    const change = await t.call("POST", "/v1/auth/password", {
      token: login.body.data.token,
      body: { current_password: "correct horse battery", new_password: "new horse battery staple" },
    });
    expect(change.status).toBe(200);
    m = { ...m, token: change.body.data.token }; // the change signed every other session out

    expect(t.logs.length, "the flow must produce log lines to scan").toBeGreaterThan(20);
    const master = t.app.ctx.config.masterKey;
    const literals: Array<[string, string]> = [
      ["master key (base64)", master.toString("base64")],
      ["master key (hex)", master.toString("hex")],
      ...[m.sk, m.pk, m.skLive, m.pkLive, created.body.data.key, rolled.body.data.key].map((k): [string, string] => ["API key", k]),
      ...[m.token, login.body.data.token, change.body.data.token].map((k): [string, string] => ["session token", k]),
      ["sandbox webhook secret", t.app.ctx.providers.sandboxSecret("test")],
      ["phone digits", "2250700000000"],
      ["phone digits", "0700000001"],
      ["customer email", "awa@example.com"],
    ];
    expect(findSecrets(t.logs, literals)).toEqual([]);
  });
});

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
function documentedChecksum(body: string): string {
  let n = crc32(body);
  let out = "";
  while (out.length < 6) {
    out = `${BASE62[n % 62]}${out}`;
    n = Math.floor(n / 62);
  }
  return out;
}

describe("SE-3 key format", () => {
  it("SE-3 key format: 1000 generated keys match the published regex with a valid checksum and >= 32 random base62 characters", () => {
    const bodies = new Set<string>();
    const seen = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const type = i % 2 ? "secret" : "publishable";
      const live = i % 4 < 2;
      const { key, hash, displayPrefix } = generateApiKey(type, live);
      const match = API_KEY_RE.exec(key);
      expect(match, key).not.toBeNull();
      expect(key.startsWith(`${type === "secret" ? "sk" : "pk"}_${live ? "live" : "test"}_`)).toBe(true);
      expect(parseApiKey(key)).toEqual({ type, livemode: live });
      // The checksum as documented, worked out apart from the code: CRC-32 (Node's zlib) of
      // everything before it, written as 6 base62 digits, most significant first.
      expect(match?.[4]).toBe(documentedChecksum(key.slice(0, -6)));
      const random = match?.[3] ?? "";
      expect(random).toMatch(/^[0-9A-Za-z]{32,}$/);
      bodies.add(random);
      for (const ch of random) seen.set(ch, (seen.get(ch) ?? 0) + 1);
      expect(hash).toBe(createHash("sha256").update(key).digest("hex"));
      expect(displayPrefix.length).toBeLessThan(20);
      expect(key.includes(displayPrefix.replace("…", ""))).toBe(false);
    }
    expect(bodies.size).toBe(1000);
    // 32,000 base62 characters: every symbol shows up, none dominates (a broken generator,
    // e.g. modulo bias over a byte or a hex alphabet, fails this).
    expect(seen.size).toBe(62);
    for (const n of seen.values()) expect(n).toBeGreaterThan(350);
    for (const n of seen.values()) expect(n).toBeLessThan(700);
  });

  it("SE-3 keys created over HTTP: only the SHA-256 and a display prefix are stored", async () => {
    const keys: Array<{ id: string; key: string }> = [];
    for (let i = 0; i < 20; i++) {
      const r = await t.call("POST", `/v1/apps/${m.appId}/keys`, {
        token: m.token,
        body: { type: i % 2 ? "secret" : "publishable", mode: i % 3 ? "test" : "live" },
      });
      expect(r.status).toBe(201);
      expect(r.body.data.key).toMatch(API_KEY_RE);
      expect(parseApiKey(r.body.data.key)).not.toBeNull();
      keys.push({ id: r.body.data.id, key: r.body.data.key });
    }
    const list = await t.call("GET", `/v1/apps/${m.appId}/keys`, { token: m.token });
    for (const k of keys) expect(list.text).not.toContain(k.key);
    const rows = await t.database.db.select().from(apiKeys).where(eq(apiKeys.appId, m.appId));
    const dump = JSON.stringify(rows);
    for (const k of keys) {
      const row = rows.find((r) => r.id === k.id);
      expect(row?.keyHash).toBe(createHash("sha256").update(k.key).digest("hex"));
      expect(row?.displayPrefix.length).toBeLessThan(20);
      expect(dump).not.toContain(k.key);
      expect(dump).not.toContain(k.key.slice(8, 40));
    }
  });

  it("SE-3 a key with a bad checksum gets 401 with no database query (query counter)", async () => {
    // A second app whose `db` is wrapped in a Proxy counting every query-builder entry point
    // (select, insert, update, delete, execute, transaction, relational `query`). Every query
    // the services run starts at ctx.db, so the count is exact for a request; the sandbox is
    // off and workers are not started, so nothing else queries in the background.
    const fresh = await freshDatabase({ migrated: true });
    let queries = 0;
    const ENTRY = new Set([
      "select",
      "selectDistinct",
      "selectDistinctOn",
      "insert",
      "update",
      "delete",
      "execute",
      "transaction",
      "with",
      "$with",
      "$count",
      "query",
      "refreshMaterializedView",
    ]);
    const db = new Proxy(fresh.database.db, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof prop === "string" && ENTRY.has(prop)) {
          queries++;
          return typeof value === "function" ? value.bind(target) : value;
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const database: Database = { ...fresh.database, db };
    const config = loadConfig(
      {
        NODE_ENV: "test",
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        ZEROFEE_SANDBOX: "off",
        ZEROFEE_RATE_LIMIT_PER_KEY: "0",
        ZEROFEE_RATE_LIMIT_PER_IP: "0",
      },
      { persistKey: false },
    );
    const app = await buildApp({ config, database, logStream: testLogStream(), workers: false });
    const url = await app.listen();
    try {
      const get = async (key: string) => (await fetch(`${url}/v1/payments`, { headers: { authorization: `Bearer ${key}` } })).status;
      const good = generateApiKey("secret", false).key;
      const [, prefix = "", random = "", sum = ""] = /^(\w{2}_\w{4}_)(\w{32})(\w{6})$/.exec(good) ?? [];
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);
      const bad = [
        flip(good, good.length - 1),
        prefix + flip(random, 5) + sum,
        good.replace("sk_test_", "sk_live_"),
        good.replace("sk_", "pk_"),
        `${good}x`,
        good.slice(0, -1),
        "sk_test_",
        `sk_prod_${random}${sum}`,
      ];
      for (const key of bad) {
        expect(parseApiKey(key), key).toBeNull();
        queries = 0;
        expect(await get(key), key).toBe(401);
        expect(queries, `${key} reached the database`).toBe(0);
      }
      // Control: a well-formed key nobody holds costs its one lookup, so the counter sees queries.
      queries = 0;
      expect(await get(good)).toBe(401);
      expect(queries).toBeGreaterThan(0);
    } finally {
      await app.stop();
      await fresh.drop();
    }
  });
});

describe("SE-4 password hashing", () => {
  it("SE-4 password hashing: the stored hash encodes scrypt N>=2^17, r=8, p=1", async () => {
    const [user] = await t.database.db.select().from(users).where(eq(users.id, m.userId));
    const [scheme, n, r, p, salt, hash] = (user?.passwordHash ?? "").split("$");
    expect(scheme).toBe("scrypt");
    expect(Number(n)).toBeGreaterThanOrEqual(2 ** 17);
    expect(Number(r)).toBe(8);
    expect(Number(p)).toBe(1);
    expect(Buffer.from(salt ?? "", "base64url").length).toBeGreaterThanOrEqual(16);
    expect(Buffer.from(hash ?? "", "base64url").length).toBeGreaterThanOrEqual(32);
    expect(user?.passwordHash).not.toContain("correct horse");
  });

  it("SE-4 20 parallel logins all succeed and peak RSS stays bounded (the hashing semaphore works)", async () => {
    // Own app: the login guard allows 30 attempts per IP and 10 per email per 15 minutes, so
    // 3 users with 7, 7 and 6 logins (each email also spent one attempt registering) fit, on a
    // limiter no other test touched.
    const s = await startTestApp({ config: OPERATOR_HASHING });
    try {
      // The three registrations (each one scrypt at 2^17) at once.
      const emails: string[] = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const mm = await createMerchant(s, `par${i}`);
          return (await s.call("GET", "/v1/auth/me", { token: mm.token })).body.data.email as string;
        }),
      );
      // Settle the allocator after registration, then measure the burst against that baseline.
      await new Promise((r) => setTimeout(r, 200));
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => s.call("POST", "/v1/auth/login", { body: { email: emails[i % 3], password: "correct horse battery" } })),
      );
      clearInterval(sampler);
      for (const res of results) {
        expect(res.status, res.text).toBe(200);
        expect(res.text).not.toMatch(/memory limit/i);
      }
      const growthMiB = (peak - baseline) / 2 ** 20;
      // One scrypt at N=2^17, r=8 holds 128 MiB. The semaphore allows 2 at once: ~256 MiB.
      // Without it, libuv's 4 pool threads would run 4 (~512 MiB), and with a larger
      // UV_THREADPOOL_SIZE up to all 20 (2.5 GiB). 384 MiB (3 hashes) sits between.
      console.info(`SE-4: RSS baseline ${(baseline / 2 ** 20).toFixed(0)} MiB, growth during 20 logins ${growthMiB.toFixed(0)} MiB`);
      expect(growthMiB).toBeLessThan(384);
      expect(s.logs.join("\n")).not.toMatch(/memory limit exceeded/i);
    } finally {
      await s.stop();
    }
  }, 180_000);
});
