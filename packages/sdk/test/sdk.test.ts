/**
 * The TypeScript SDK, as published (the built package, imported by its name), against the
 * real server: one boot, real HTTP, sandbox providers, a real webhook delivery. No mocked
 * transport: lost answers and 429s come from a loopback proxy and the server's own limiter.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  type Payment,
  type Refund,
  VERSION,
  type WebhookEvent,
  WebhookVerificationError,
  ZeroFee,
  type ZeroFeeError,
} from "zerofee";
import { closeSettlements } from "../../server/src/services/settlements/close.js";
import { launch } from "../../server/test/checkout/browser.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../../server/test/harness.js";
import { setEndpoint } from "../../server/test/webhooks/helpers.js";
import { type Receiver, startReceiver } from "../../server/test/webhooks/receiver.js";
import { fetchDocument, GENERATED, generateTypeScript } from "../scripts/openapi.js";
import { type LossyProxy, startProxy } from "./proxy.js";

const RATE_LIMIT = 40;
let t: TestApp;
let m: Merchant;
let zf: ZeroFee;
let proxy: LossyProxy;
let receiver: Receiver;
let webhookSecret: string;
let document: { paths: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  t = await startTestApp({ workers: true, env: { ZEROFEE_RATE_LIMIT_PER_KEY: String(RATE_LIMIT) } });
  m = await createMerchant(t, "sdk-node");
  proxy = await startProxy(t.url);
  receiver = await startReceiver();
  webhookSecret = await setEndpoint(t, m, receiver.url);
  zf = new ZeroFee(m.sk, { baseUrl: proxy.url });
  document = (await fetchDocument(t.url)) as typeof document;
});
afterAll(async () => {
  await proxy?.close();
  await receiver?.close();
  await t?.stop();
});

const completed = (id: string, client = zf) =>
  eventually(async () => {
    const p = await client.payments.retrieve(id);
    return p.status === "completed" ? p : null;
  });

describe("TypeScript SDK against the server", () => {
  it("the checked-in generated types are what the running server publishes (run `npm run sdk:generate`)", async () => {
    expect(readFileSync(GENERATED.typescript, "utf8")).toBe(await generateTypeScript(document));
  });

  it("is one package for ESM and CommonJS, with the version of its package.json in its User-Agent", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(VERSION).toBe(pkg.version);
    const cjs = createRequire(import.meta.url)("zerofee");
    expect(typeof cjs.ZeroFee).toBe("function");
    expect(new cjs.ZeroFee(m.sk)).not.toBeInstanceOf(ZeroFee); // really the other build
    await zf.payments.list({ limit: 1 });
    expect(proxy.seen.at(-1)?.userAgent).toBe(`zerofee-node/${pkg.version}`);
  });

  it("creates a sandbox payment and sees it complete", async () => {
    const p = await zf.payments.create(paymentBody("00", { reference: "sdk-first" }));
    expect(p).toMatchObject({ object: "payment", amount: 1500, currency: "XOF" });
    const done: Payment = await completed(p.id);
    expect(done.completed_at).toBeTruthy();
  });

  it("lists 45 payments 20 at a time: the iterator yields every one once, newest first", async () => {
    const other = await createMerchant(t, "sdk-node-list");
    const zf2 = new ZeroFee(other.sk, { baseUrl: t.url });
    const created: string[] = [];
    for (let batch = 0; batch < 9; batch++) {
      const five = Array.from({ length: 5 }, (_, i) => zf2.payments.create(paymentBody("00", { reference: `list-${batch * 5 + i}` })));
      for (const p of await Promise.all(five)) created.push(p.id);
    }
    const first = await zf2.payments.list({ limit: 20 });
    expect(first.data).toHaveLength(20);
    expect(first.has_more).toBe(true);
    const seen: Payment[] = [];
    for await (const p of zf2.payments.list({ limit: 20 })) seen.push(p);
    expect(seen).toHaveLength(45);
    expect(new Set(seen.map((p) => p.id))).toEqual(new Set(created));
    const times = seen.map((p) => p.created_at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("a checkout session: create (typed with its client_secret), retrieve, expire", async () => {
    const s = await zf.checkout.sessions.create({ amount: 2500, currency: "XOF", reference: "order-1", success_url: "https://shop.example/ok" });
    expect(s.url).toContain(`/checkout/${s.id}`);
    const secret: string = s.client_secret; // a type error while the create was typed as a plain CheckoutSession
    expect(secret.length).toBeGreaterThan(20);
    expect((await zf.checkout.sessions.retrieve(s.id)).status).toBe("open");
    expect((await zf.checkout.sessions.expire(s.id)).status).toBe("expired");
  });

  it("errors are typed: bad key, missing object, validation error with its param; no key in a message", async () => {
    const bad = new ZeroFee("sk_test_not_a_real_key_123456", { baseUrl: t.url, maxRetries: 0 });
    const e1 = await bad.payments.retrieve("txn_nope").catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(AuthenticationError);
    expect(e1).toMatchObject({ statusCode: 401, code: "invalid_api_key" });
    expect((e1 as ZeroFeeError).requestId).toBeTruthy();
    expect(String(e1)).not.toContain("not_a_real_key");
    const e2 = await zf.payments.retrieve("txn_01NOSUCHPAYMENT").catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(NotFoundError);
    expect(e2).toMatchObject({ statusCode: 404, code: "not_found" });
    const e3 = await zf.payments.create({ ...paymentBody(), amount: 0 }).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(InvalidRequestError);
    expect(e3).toMatchObject({ statusCode: 400, code: "validation_error", param: "amount" });
    expect(JSON.stringify(e3)).not.toContain(m.sk);
  });

  it("an id that a URL would read as a path step (., ..) or an empty one is refused before anything is sent", async () => {
    // Port 9 answers nothing: a request sent would end as an APIConnectionError.
    const offline = new ZeroFee(m.sk, { baseUrl: "http://127.0.0.1:9", maxRetries: 0 });
    const calls: Array<() => unknown> = [
      () => offline.settlements.listPayments(".."), // would have read /v1/payments: every payment of the app
      () => offline.payments.retrieve("."),
      () => offline.payments.cancel(".."),
      () => offline.refunds.retrieve(""),
    ];
    for (const call of calls) {
      const e = await Promise.resolve()
        .then(call)
        .catch((err: unknown) => err);
      expect(e).toBeInstanceOf(InvalidRequestError);
      expect(e).toMatchObject({ code: "invalid_id", param: "id" });
    }
    // An id with a dot inside is an id like any other, escaped into its segment.
    const dotted = await zf.payments.retrieve("txn_.x").catch((err: unknown) => err);
    expect(dotted).toBeInstanceOf(NotFoundError);
  });

  it("a lost answer: the create is retried with the same idempotency key and gives one payment, not two", async () => {
    proxy.loseNextAnswer((method, path) => method === "POST" && path === "/v1/payments");
    const before = proxy.seen.length;
    const p = await zf.payments.create(paymentBody("00", { reference: "lost-answer" }));
    const creates = proxy.seen.slice(before).filter((s) => s.path === "/v1/payments");
    expect(creates.map((s) => [s.status, s.dropped])).toEqual([
      [201, true],
      [201, false],
    ]);
    expect(creates[0]?.idempotencyKey).toBeTruthy();
    expect(creates[1]?.idempotencyKey).toBe(creates[0]?.idempotencyKey);
    const all = await t.call("GET", "/v1/payments?reference=lost-answer", { token: m.sk });
    expect(all.body.data.map((x: Payment) => x.id)).toEqual([p.id]);
  });

  it("a caller's idempotency key: two creates with it are one payment", async () => {
    const key = `order-${Date.now()}`;
    const a = await zf.payments.create(paymentBody("00", { reference: "own-key" }), { idempotencyKey: key });
    const b = await zf.payments.create(paymentBody("00", { reference: "own-key" }), { idempotencyKey: key });
    expect(b.id).toBe(a.id);
  });

  it("a 429 with Retry-After is waited out, then the call succeeds", async () => {
    const key = await t.call("POST", `/v1/apps/${m.appId}/keys`, { token: m.token, body: { type: "secret", mode: "test" } });
    // One retry only: backoff alone (≤ 0.5 s) would retry inside the same one-second window; only honouring Retry-After (1 s) gets through.
    const limited = new ZeroFee(key.body.data.key, { baseUrl: proxy.url, maxRetries: 1 });
    // Spend this key's window (a fixed one-second window per key) straight at the server, then
    // call through the proxy. Under load the window may roll over before the SDK's call lands
    // (its first answer is then a 200): that round proves nothing and is played again.
    for (let round = 0; round < 5; round++) {
      let limitedNow = false;
      while (!limitedNow) {
        const burst = await Promise.all(Array.from({ length: 10 }, () => t.call("GET", "/v1/payments?limit=1", { token: key.body.data.key })));
        limitedNow = burst.some((r) => r.status === 429);
      }
      const before = proxy.seen.length;
      const page = await limited.payments.list({ limit: 1 });
      expect(Array.isArray(page.data)).toBe(true);
      const statuses = proxy.seen.slice(before).map((s) => s.status);
      if (statuses[0] !== 429) continue;
      expect(statuses).toEqual([429, 200]);
      return;
    }
    throw new Error("the SDK's call never met a full window in 5 rounds");
  });

  it("verifies a real delivery from the server (both signature schemes) and refuses a tampered body", async () => {
    const p = await zf.payments.create(paymentBody("00", { reference: "webhook" }));
    const delivery = await eventually(async () => receiver.received.find((r) => r.body.includes(p.id) && r.headers["x-zerofee-event"] === "payment.completed"));
    const event: WebhookEvent = await zf.webhooks.verify(delivery.body, delivery.headers, webhookSecret);
    expect(event.type).toBe("payment.completed");
    if (event.type === "payment.completed") expect(event.data.id).toBe(p.id);
    const { "x-zerofee-signature": _zf, ...standardOnly } = delivery.headers;
    expect((await zf.webhooks.verify(delivery.body, standardOnly, webhookSecret)).id).toBe(event.id);
    // During a rotation the header carries two v1 values: any one may match.
    const rotated = { ...delivery.headers, "x-zerofee-signature": `${delivery.headers["x-zerofee-signature"]},v1=${"0".repeat(64)}` };
    expect((await zf.webhooks.verify(delivery.body, rotated, webhookSecret)).id).toBe(event.id);
    const tampered = delivery.body.replace('"amount":1500', '"amount":1');
    expect(tampered).not.toBe(delivery.body);
    await expect(zf.webhooks.verify(tampered, delivery.headers, webhookSecret)).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(zf.webhooks.verify(tampered, standardOnly, webhookSecret)).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(zf.webhooks.verify(delivery.body, delivery.headers, "whsec_wrong")).rejects.toBeInstanceOf(WebhookVerificationError);
    const late = Math.floor(Date.now() / 1000) + 301;
    await expect(zf.webhooks.verify(delivery.body, delivery.headers, webhookSecret, { nowS: late })).rejects.toBeInstanceOf(WebhookVerificationError);
    // The body as a fetch-style handler reads it (`await request.arrayBuffer()`), or as a view.
    const bytes = new TextEncoder().encode(delivery.body);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    expect((await zf.webhooks.verify(buffer, delivery.headers, webhookSecret)).id).toBe(event.id);
    expect((await zf.webhooks.verify(Buffer.from(delivery.body), standardOnly, webhookSecret)).id).toBe(event.id);
    // Not bytes (a body a JSON middleware parsed, nothing): the documented error, not a TypeError.
    for (const notBytes of [JSON.parse(delivery.body), undefined, new DataView(buffer)]) {
      const e = await zf.webhooks.verify(notBytes as never, delivery.headers, webhookSecret).catch((err: unknown) => err);
      if (notBytes instanceof DataView) expect((e as WebhookEvent).id).toBe(event.id);
      else expect(e).toBeInstanceOf(WebhookVerificationError);
    }
  });

  it("a test event ('Send test event') verifies and narrows to its own type", async () => {
    const sent = await t.call("POST", `/v1/apps/${m.appId}/webhook/test`, { token: m.token, body: { mode: "test" } });
    expect(sent.status, sent.text).toBe(202);
    const delivery = await eventually(async () => receiver.received.find((r) => r.headers["x-zerofee-event"] === "webhook.test"));
    const event: WebhookEvent = await zf.webhooks.verify(delivery.body, delivery.headers, webhookSecret);
    if (event.type !== "webhook.test") throw new Error(`expected webhook.test, got ${event.type}`);
    // Typed: `data.message` exists on this branch of the union only.
    expect(event.data.object).toBe("webhook_test");
    expect(event.data.message).toMatch(/test event/);
  });

  it("runs in a browser (Chromium): the ESM build loads without Node's modules and verifies a real delivery with Web Crypto", async () => {
    const p = await zf.payments.create(paymentBody("00", { reference: "browser" }));
    const delivery = await eventually(async () => receiver.received.find((r) => r.body.includes(p.id) && r.headers["x-zerofee-event"] === "payment.completed"));
    const dist = fileURLToPath(new URL("../dist/esm/", import.meta.url));
    const site = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      if (!path.startsWith("/sdk/")) return void res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>shop</title>");
      try {
        res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(dist + path.slice(5).replace(/\.\./g, "")));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`http://localhost:${(site.address() as AddressInfo).port}/`);
      // A string, not a function: the test runner would rewrite a function's dynamic import.
      const input = JSON.stringify({ body: delivery.body, headers: delivery.headers, secret: webhookSecret });
      const result = await page.evaluate(`(async ({ body, headers, secret }) => {
        const { ZeroFee } = await import("/sdk/index.js");
        const zf = new ZeroFee("pk_test_browser");
        const event = await zf.webhooks.verify(body, headers, secret);
        const refusal = await zf.webhooks.verify(body.replace("completed", "failed"), headers, secret).catch((e) => e.name);
        return { id: event.id, refusal };
      })(${input})`);
      expect(result).toEqual({ id: JSON.parse(delivery.body).id, refusal: "WebhookVerificationError" });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      site.closeAllConnections();
      await new Promise((r) => site.close(r));
    }
  });

  it("events: retrieve and list", async () => {
    const page = await zf.events.list({ limit: 5 });
    expect(page.data.length).toBeGreaterThan(0);
    const first = page.data[0]!;
    expect((await zf.events.retrieve(first.id)).id).toBe(first.id);
  });

  it("refunds: create a partial refund of a completed payment, retrieve it, list it", async () => {
    const p = await completed((await zf.payments.create(paymentBody("00", { reference: "refund-me" }))).id);
    const r = await zf.refunds.create({ payment_id: p.id, amount: 500, reason: "requested_by_customer" });
    expect(r).toMatchObject({ object: "refund", payment_id: p.id, amount: 500 });
    expect((await zf.refunds.retrieve(r.id)).id).toBe(r.id);
    const ids: string[] = [];
    for await (const x of zf.refunds.list({ limit: 1 })) ids.push(x.id);
    expect(ids).toContain(r.id);
    const over = await zf.refunds.create({ payment_id: p.id, amount: 5000 }).catch((e: unknown) => e);
    expect(over).toMatchObject({ statusCode: 422, code: "refund_exceeds_payment", param: "amount" });
  });

  it("settlements: list and retrieve; a settlement's payments and refunds add up to its gross and refunded_amount", async () => {
    const paid = await completed((await zf.payments.create(paymentBody("00", { reference: "settle-me" }))).id);
    const refund = await zf.refunds.create({ payment_id: paid.id, amount: 300 });
    await eventually(async () => ((await zf.refunds.retrieve(refund.id)).status === "completed" ? true : null));
    const closed = await closeSettlements(t.app.ctx, new Date(Date.now() + 1000));
    expect(closed.length).toBeGreaterThan(0);
    const page = await zf.settlements.list({ limit: 10 });
    expect(page.data.map((s) => s.id)).toEqual(expect.arrayContaining(closed.filter((s) => s.appId === m.appId && !s.livemode).map((s) => s.id)));
    for (const s of page.data) expect((await zf.settlements.retrieve(s.id)).id).toBe(s.id);
    const missing = await zf.settlements.retrieve("stl_01NOSUCH").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    const withRefund = page.data.find((s) => s.refunded_amount > 0);
    if (!withRefund) throw new Error("no settlement deducted the refund");
    const payments: Payment[] = [];
    for await (const p of zf.settlements.listPayments(withRefund.id, { limit: 2 })) payments.push(p);
    const refunds: Refund[] = [];
    for await (const r of zf.settlements.listRefunds(withRefund.id)) refunds.push(r);
    expect(payments.reduce((n, p) => n + p.amount, 0)).toBe(withRefund.gross_amount);
    expect(refunds.map((r) => r.id)).toContain(refund.id);
    expect(new Set(refunds.map((r) => r.settlement_id))).toEqual(new Set([withRefund.id]));
    expect(refunds.reduce((n, r) => n + r.amount, 0)).toBe(withRefund.refunded_amount);
  });
});

/** A loopback server standing in for ZeroFee, answering every request with `handle`; records what it was sent. */
async function standIn(handle: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void) {
  const seen: Array<{ method: string; url: string; headers: import("node:http").IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    req.resume();
    req.on("end", () => handle(req, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

describe("TypeScript SDK transport", () => {
  const KEY = "sk_test_offline_0123456789abcdef";

  it("a redirect is an error naming it; the key goes nowhere else, and a POST never becomes a GET", async () => {
    const elsewhere = await standIn((_req, res) => res.end(JSON.stringify({ data: { id: "txn_evil", status: "completed", amount: 1 } })));
    try {
      for (const status of [301, 302, 307, 308]) {
        const origin = await standIn((_req, res) => res.writeHead(status, { location: `${elsewhere.url}/v1/payments/txn_1` }).end());
        try {
          const sdk = new ZeroFee(KEY, { baseUrl: origin.url, maxRetries: 0 });
          const got = await sdk.payments.retrieve("txn_1").catch((e: unknown) => e);
          expect(got).toBeInstanceOf(APIError);
          expect(got).toMatchObject({ statusCode: status, message: expect.stringContaining("redirect") });
          const created = await sdk.payments.create({ amount: 1500, payment_method: "PAYIN_ORANGE_CI" }).catch((e: unknown) => e);
          expect(created).toBeInstanceOf(APIError);
          expect(origin.seen.map((s) => s.method)).toEqual(["GET", "POST"]);
        } finally {
          await origin.close();
        }
      }
      expect(elsewhere.seen).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it("a POST without an answer says it may have been carried out and carries the key to resume it with", async () => {
    const server = await standIn((req) => req.socket.destroy());
    try {
      const sdk = new ZeroFee(KEY, { baseUrl: server.url, maxRetries: 1 });
      const err = await sdk.payments.create({ amount: 1500, payment_method: "PAYIN_ORANGE_CI" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIConnectionError);
      const keys = server.seen.map((s) => s.headers["idempotency-key"]);
      expect(keys).toHaveLength(2);
      expect(keys[1]).toBe(keys[0]);
      expect((err as ZeroFeeError).idempotencyKey).toBe(keys[0]);
      expect(String(err)).toContain("may have been carried out");
      expect(String(err)).toContain(String(keys[0]));
      expect(String(err)).not.toContain(KEY);
      const read = await sdk.payments.retrieve("txn_1").catch((e: unknown) => e);
      expect(read).toBeInstanceOf(APIConnectionError);
      expect((read as ZeroFeeError).idempotencyKey).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it("a base URL without its scheme, or with a query, is refused when the client is made (not a network error later)", () => {
    for (const bad of ["127.0.0.1:8000", "pay.example.com", "ftp://pay.example.com", "https://pay.example.com/?x=1", "not a url"]) {
      expect(() => new ZeroFee(KEY, { baseUrl: bad }), bad).toThrow(/baseUrl must be an http\(s\) address/);
    }
    expect(new ZeroFee(KEY, { baseUrl: " https://pay.example.com/zf/ " }).baseUrl).toBe("https://pay.example.com/zf");
  });

  it("a key or idempotency key no header can carry is refused at once, locally, as what it is: nothing is sent, nothing 'may have been carried out'", async () => {
    const server = await standIn((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"data":{}}'));
    try {
      // The README's placeholder pasted as is ("…" is U+2026): refused when the client is made.
      const placeholder = (() => {
        try {
          new ZeroFee("sk_test_…", { baseUrl: server.url });
        } catch (e) {
          return e;
        }
      })();
      expect(placeholder).toBeInstanceOf(AuthenticationError);
      expect(placeholder).toMatchObject({ code: "invalid_api_key", statusCode: undefined });
      expect(String(placeholder)).toContain("U+2026");
      expect(String(placeholder)).toContain("Nothing was sent");
      expect(() => new ZeroFee("sk_test_abc def", { baseUrl: server.url })).toThrow(AuthenticationError);

      const sdk = new ZeroFee(KEY, { baseUrl: server.url, maxRetries: 2 });
      for (const key of ["订单-1001", "order\n1001", "order 1001", "", "k".repeat(256)]) {
        const err = await sdk.payments.create({ amount: 1500, payment_method: "PAYIN_ORANGE_CI" }, { idempotencyKey: key }).catch((e: unknown) => e);
        expect(err, JSON.stringify(key)).toBeInstanceOf(InvalidRequestError);
        expect(err, JSON.stringify(key)).not.toBeInstanceOf(APIConnectionError);
        expect(err).toMatchObject({ code: "invalid_idempotency_key", param: "idempotencyKey", statusCode: undefined });
        expect(String(err)).toMatch(/1 to 255 visible ASCII characters/);
        expect(String(err)).not.toContain("may have been carried out");
      }
      expect(server.seen).toEqual([]);
      // A key read from a file with its line break still works (surrounding whitespace is dropped), and the idempotency key is sent as given.
      const fromFile = new ZeroFee(`${KEY}\n`, { baseUrl: server.url });
      await fromFile.payments.create({ amount: 1500, payment_method: "PAYIN_ORANGE_CI" }, { idempotencyKey: "order:1001/a" });
      expect(server.seen.map((s) => [s.headers.authorization, s.headers["idempotency-key"]])).toEqual([[`Bearer ${KEY}`, "order:1001/a"]]);
    } finally {
      await server.close();
    }
  });

  it("a 5xx after its retries carries the key to retry with", async () => {
    const body = { error: { type: "api_error", code: "provider_unavailable", message: "retry with the same Idempotency-Key." } };
    const server = await standIn((_req, res) => res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify(body)));
    try {
      const sdk = new ZeroFee(KEY, { baseUrl: server.url, maxRetries: 0 });
      const err = await sdk.payments.create({ amount: 1500, payment_method: "PAYIN_ORANGE_CI" }, { idempotencyKey: "order-77" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIError);
      expect(err).toMatchObject({ code: "provider_unavailable", idempotencyKey: "order-77" });
    } finally {
      await server.close();
    }
  });
});
