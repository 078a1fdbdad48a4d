/**
 * Verified returns (SPEC §3) and merchant URLs (SR-3, SPEC §16): the return route asks the
 * provider under the adapter's `returnCheck` policy before redirecting, records what the
 * provider confirms, redirects only to the URL stored at creation (an unpaid payment never
 * reaches success_url) and ignores any target in its query; bad URLs are 400 at creation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { testRegistry } from "./registry.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp({ providers: testRegistry() });
  m = await createMerchant(t, "returns");
});
afterAll(() => t?.stop());

const URLS = {
  success_url: "https://shop.example/ok?order=42",
  cancel_url: "https://shop.example/cancel",
  error_url: "https://shop.example/error",
  pending_url: "https://shop.example/pending",
};
const card = (provider: string) => ({ amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD", provider, ...URLS });
const returnCalls = async (provider: string, operation: string) => {
  const text = (await t.call("GET", "/metrics")).text;
  return text
    .split("\n")
    .filter((l) => l.startsWith(`zerofee_provider_calls_total{provider="${provider}",operation="${operation}"`))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
};
const approve = (provider: string, reference: string) =>
  t.call("POST", `/sandbox/${provider}/pay/${encodeURIComponent(reference)}`, {
    rawBody: "action=approve",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });

describe("SR-3 success, cancel and error URLs", () => {
  it("SR-3 javascript:, scheme-relative, backslash, scheme without slashes, CR/LF, userinfo and non-http URLs are 400 at creation; http:// is 400 in live", async () => {
    const bad = [
      "javascript:alert(1)",
      "//evil.com",
      "/\\evil.com",
      "http:evil.com",
      "https://shop.example/ok\r\nSet-Cookie: a=b",
      "https://shop.example/%0d%0a\n",
      "https://user:pw@shop.example/",
      "ftp://shop.example/",
      "data:text/html,<script>alert(1)</script>",
      " https://shop.example/",
    ];
    for (const field of ["success_url", "cancel_url", "error_url", "pending_url"]) {
      for (const url of bad) {
        const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { [field]: url }) });
        expect(res.status, `${field}=${JSON.stringify(url)} → ${res.text}`).toBe(400);
        expect(res.body.error.param).toBe(field);
      }
    }
    const live = await t.call("POST", "/v1/payments", { token: m.skLive, body: paymentBody("00", { success_url: "http://shop.example/ok" }) });
    expect(live.status).toBe(400);
    expect(live.body.error.param).toBe("success_url");
    // Test mode takes any http(s) URL, loopback included.
    expect((await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { success_url: "http://127.0.0.1:3000/ok" }) })).status).toBe(201);
  });

  it("SR-3 the return route redirects only to the stored URL, appends transaction_id and status, and ignores any target in its query", async () => {
    const created = await t.call("POST", "/v1/payments", { token: m.sk, body: card("test") });
    const { id } = created.body.data;
    const reference = created.body.data.attempts[0].provider_payment_id;
    expect((await approve("test", reference)).status).toBe(303);
    const spoofed = "?redirect=https://evil.com&success_url=https://evil.com&status=completed&transaction_id=txn_other&return_to=//evil.com";
    const ret = await t.call("GET", `/v1/payments/${id}/return${spoofed}`);
    expect(ret.status).toBe(303);
    const target = new URL(ret.headers.get("location") ?? "");
    expect(`${target.origin}${target.pathname}`).toBe("https://shop.example/ok");
    expect([...target.searchParams.entries()]).toEqual([
      ["order", "42"],
      ["transaction_id", id],
      ["status", "completed"],
    ]);
    expect((await t.call("GET", "/v1/payments/txn_nosuch/return")).status).toBe(404);
  });
});

describe("verified returns under the adapter's returnCheck policy", () => {
  it("default policy: one verification; an unpaid return goes to pending_url, never success_url", async () => {
    const created = await t.call("POST", "/v1/payments", { token: m.sk, body: card("test") });
    const before = await returnCalls("test", "return");
    const ret = await t.call("GET", `/v1/payments/${created.body.data.id}/return?status=completed`);
    const target = new URL(ret.headers.get("location") ?? "");
    expect(target.pathname).toBe("/pending");
    expect(target.searchParams.get("status")).toBe("requires_action");
    expect((await returnCalls("test", "return")) - before).toBe(1);
  });

  it("a policy with a wait and re-checks (PaiementPro-style): an unpaid payment is checked 1 + 3 times, then sent to pending_url", async () => {
    const created = await t.call("POST", "/v1/payments", { token: m.sk, body: card("test_slow_return") });
    const before = await returnCalls("test_slow_return", "return");
    const ret = await t.call("GET", `/v1/payments/${created.body.data.id}/return`);
    expect(new URL(ret.headers.get("location") ?? "").pathname).toBe("/pending");
    expect((await returnCalls("test_slow_return", "return")) - before).toBe(4);
    expect((await t.call("GET", `/v1/payments/${created.body.data.id}`, { token: m.sk })).body.data.status).toBe("requires_action");
  });

  it("a callback that settles the payment while the return waits ends the wait at once: no second check, sent to success_url", async () => {
    const created = await t.call("POST", "/v1/payments", { token: m.sk, body: card("test_held_return") });
    const { id } = created.body.data;
    const checksBefore = await returnCalls("test_held_return", "return");
    const held = t.call("GET", `/v1/payments/${id}/return`);
    // The first check found the payment open; the next one is two minutes away.
    await eventually(async () => (await returnCalls("test_held_return", "return")) - checksBefore === 1);
    expect((await approve("test_held_return", created.body.data.attempts[0].provider_payment_id)).status).toBe(303);
    const ret = await held;
    const target = new URL(ret.headers.get("location") ?? "");
    expect(target.pathname).toBe("/ok");
    expect(target.searchParams.get("status")).toBe("completed");
    const p = (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
    expect(p.timeline.at(-1)).toMatchObject({ status: "completed", source: "provider_webhook" });
    expect((await returnCalls("test_held_return", "return")) - checksBefore).toBe(1);
  });

  it("the provider settles while the return is held: confirmed with getStatus, recorded as return_callback, sent to success_url", async () => {
    await t.call("POST", "/sandbox/test_slow_return/_control", { body: { drop_callbacks: true } });
    try {
      const created = await t.call("POST", "/v1/payments", { token: m.sk, body: card("test_slow_return") });
      const { id } = created.body.data;
      const confirmsBefore = await returnCalls("test_slow_return", "status");
      const held = t.call("GET", `/v1/payments/${id}/return`);
      expect((await approve("test_slow_return", created.body.data.attempts[0].provider_payment_id)).status).toBe(303);
      const ret = await held;
      const target = new URL(ret.headers.get("location") ?? "");
      expect(target.pathname).toBe("/ok");
      expect(target.searchParams.get("status")).toBe("completed");
      const p = (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
      expect(p.timeline.at(-1)).toMatchObject({ status: "completed", source: "return_callback" });
      expect((await returnCalls("test_slow_return", "status")) - confirmsBefore).toBe(1);
    } finally {
      await t.call("POST", "/sandbox/test_slow_return/_control", { body: { drop_callbacks: false } });
    }
  });
});
