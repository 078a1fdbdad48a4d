/**
 * The browser side of checkout over HTTP (SPEC §8, issue #5 items 2, 4, 5): the catalogue,
 * payment creation by publishable key or client secret, what a client secret reaches (WG-4),
 * the return page's relay (WG-2, server half), and page and asset headers (WG-3).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutSettings } from "../../src/db/schema/index.js";
import { loadBundle } from "../../src/lib/checkout-bundle.js";
import { filesUnder } from "../files.js";
import { createMerchant, type Merchant, startTestApp, type TestApp, tampered } from "../harness.js";
import { actOnSandbox } from "../providers/sandbox-page.js";
import { createSession, orange, pay } from "./helpers.js";

let t: TestApp;
let A: Merchant;
let B: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  A = await createMerchant(t, "alpha");
  B = await createMerchant(t, "beta");
});
afterAll(() => t?.stop());

describe("catalogue for the browser", () => {
  it("a publishable key gets every country the app can take, with operators, inline logos and libphonenumber phone formats", async () => {
    const r = await t.call("GET", "/v1/checkout/methods", { token: A.pk, headers: { origin: "http://shop.example" } });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    const ci = r.body.data.countries.find((c: { code: string }) => c.code === "CI");
    expect(ci).toMatchObject({ name: "Côte d'Ivoire", currency: "XOF", phone: { dial_code: "225", lengths: [10] } });
    expect(new RegExp(`^(?:${ci.phone.mobile_pattern})$`).test("0700000000")).toBe(true);
    const om = ci.methods.find((x: { code: string }) => x.code === "PAYIN_ORANGE_CI");
    expect(om).toMatchObject({ name: "Orange Money", flow: "ussd_push", prefixes: ["07"] });
    expect(om.logo).toMatch(/^data:image\/svg\+xml,/);
    expect(ci.methods.find((x: { code: string }) => x.code === "PAYIN_WAVE_CI").flow).toBe("redirect");
    const card = r.body.data.global_methods.find((x: { code: string }) => x.code === "PAYIN_CARD");
    expect(card).toMatchObject({ name: "Card", name_fr: "Carte bancaire", flow: "redirect" });
    expect(r.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1|localhost)[a-z]/i);
    const one = await t.call("GET", "/v1/checkout/methods?country=SN&currency=XOF", { token: A.pk });
    expect(one.body.data.countries.map((c: { code: string }) => c.code)).toEqual(["SN"]);
    const eur = await t.call("GET", "/v1/checkout/methods?currency=EUR", { token: A.pk });
    expect(eur.body.data.countries).toEqual([]);
    expect(eur.body.data.global_methods.map((x: { code: string }) => x.code)).toEqual(["PAYIN_CARD", "PAYIN_PAYPAL"]);
  });

  it("follows the app's provider set-up: a provider turned off takes its methods away, for that app only", async () => {
    const m = await createMerchant(t, "setup");
    const globals = async (who: Merchant) =>
      (await t.call("GET", "/v1/checkout/methods", { token: who.pk })).body.data.global_methods.map((x: { code: string }) => x.code);
    expect(await globals(m)).toEqual(["PAYIN_CARD", "PAYIN_PAYPAL"]);
    // Cards go to stripe, else to the test provider (SPEC §5 test-mode default): both off.
    for (const provider of ["stripe", "test"]) {
      const off = await t.call("PUT", `/v1/apps/${m.appId}/providers/${provider}`, { token: m.token, body: { mode: "test", enabled: false } });
      expect(off.status, off.text).toBe(200);
    }
    expect(await globals(m)).toEqual(["PAYIN_PAYPAL"]);
    expect(await globals(A)).toEqual(["PAYIN_CARD", "PAYIN_PAYPAL"]);
  });

  it("a client secret gets its session's currency, amount and allow-lists", async () => {
    const s = await createSession(t, A, { allowed_countries: ["CI"], allowed_methods: ["PAYIN_ORANGE_CI", "PAYIN_CARD"] });
    const r = await t.call("GET", "/v1/checkout/methods", { token: s.client_secret });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data).toMatchObject({ amount: 2500, currency: "XOF", livemode: false, session: { id: s.id, status: "open" } });
    expect(r.body.data.countries.map((c: { code: string }) => c.code)).toEqual(["CI"]);
    expect(r.body.data.countries[0].methods.map((x: { code: string }) => x.code)).toEqual(["PAYIN_ORANGE_CI"]);
    expect(r.body.data.global_methods.map((x: { code: string }) => x.code)).toEqual(["PAYIN_CARD"]);
    const refused = await pay(t, s.client_secret, { payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 00" } });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe("method_not_supported");
    const amountSmuggled = await pay(t, s.client_secret, { ...orange("00"), amount: 1 });
    expect(amountSmuggled.status).toBe(400);
    expect(amountSmuggled.body.error.param).toBe("amount");
  });

  it("a client secret cannot rewrite what the merchant's server set: the description is refused, the buyer's name and email stand; the browser's phone pays", async () => {
    const s = await createSession(t, A, { description: "Order 77: 1 T-shirt", customer: { name: "Real Buyer", phone: "+225 07 00 00 00 02" } });
    const described = await pay(t, s.client_secret, { ...orange("00"), description: "PAID IN FULL - ship 50 units" });
    expect(described.status).toBe(400);
    expect(described.body.error.param).toBe("description");
    const r = await pay(t, s.client_secret, {
      payment_method: "PAYIN_ORANGE_CI",
      customer: { phone: "+225 07 00 00 00 00", name: "Someone Else", email: "buyer@example.com" },
    });
    expect(r.status, r.text).toBe(201);
    const p = (await t.call("GET", `/v1/payments/${r.body.data.id}`, { token: A.sk })).body.data;
    expect(p.description).toBe("Order 77: 1 T-shirt");
    // The session's name stands; the email it left empty is the browser's; the phone is the one that pays.
    expect(p.customer).toMatchObject({ name: "Real Buyer", email: "buyer@example.com", phone: "+2250700000000" });
  });

  it("simple mode: a publishable key pays an amount the page sets (amount_source client); live mode refuses it unless the app allows it", async () => {
    const r = await pay(t, A.pk, { ...orange("00"), amount: 700, currency: "XOF" });
    expect(r.status, r.text).toBe(201);
    const p = (await t.call("GET", `/v1/payments/${r.body.data.id}`, { token: A.sk })).body.data;
    expect(p).toMatchObject({ amount: 700, metadata: { amount_source: "client" } });
    const live = await pay(t, A.pkLive, { ...orange("00"), amount: 700, currency: "XOF" });
    expect(live.status).toBe(422);
    expect(live.body.error.code).toBe("client_amount_not_allowed");
    const noAmount = await pay(t, A.pk, orange("00"));
    expect(noAmount.body.error.param).toBe("amount");
  });
});

describe("WG-4 client secret scope", () => {
  it("WG-4 client secret scope: session A's secret reads only session A's payments; 404 for session B's and other apps', 403 on secret-key routes", async () => {
    const sa = await createSession(t, A);
    const sb = await createSession(t, A);
    const sc = await createSession(t, B);
    const pa = (await pay(t, sa.client_secret, orange("02"))).body.data.id as string;
    const pb = (await pay(t, sb.client_secret, orange("02"))).body.data.id as string;
    const pc = (await pay(t, sc.client_secret, orange("02"))).body.data.id as string;
    const plain = (await t.call("POST", "/v1/payments", { token: A.sk, body: { amount: 100, ...orange("02") } })).body.data.id as string;

    const own = await t.call("GET", `/v1/payments/${pa}/status`, { token: sa.client_secret });
    expect(own.status).toBe(200);
    expect(Object.keys(own.body.data).sort()).toEqual(["amount", "currency", "status"]);
    for (const id of [pb, pc, plain]) {
      const r = await t.call("GET", `/v1/payments/${id}/status`, { token: sa.client_secret });
      expect(r.status, `${id}: ${r.text}`).toBe(404);
      const otp = await t.call("POST", `/v1/payments/${id}/authenticate`, { token: sa.client_secret, body: { otp: "123456" } });
      expect(otp.status).toBe(404);
    }
    const secretRoutes: Array<[string, string, unknown?]> = [
      ["GET", `/v1/checkout/sessions/${sa.id}`],
      ["POST", `/v1/checkout/sessions/${sa.id}/expire`],
      ["POST", "/v1/checkout/sessions", { amount: 1, currency: "XOF", reference: "x", success_url: "http://a.example" }],
      ["GET", `/v1/payments/${pa}`],
      ["GET", "/v1/payments"],
      ["POST", "/v1/payments", { amount: 100, ...orange("00") }],
      ["POST", `/v1/payments/${pa}/cancel`],
      ["GET", `/v1/apps/${A.appId}/checkout`],
    ];
    for (const [method, path, body] of secretRoutes) {
      const r = await t.call(method, path, { token: sa.client_secret, body });
      expect(r.status, `${method} ${path}: ${r.text}`).toBe(403);
      const pk = await t.call(method, path, { token: A.pk, body });
      expect([401, 403], `${method} ${path} with pk`).toContain(pk.status);
    }
    // A forged or tampered secret is no credential at all.
    expect((await t.call("GET", "/v1/checkout/methods", { token: tampered(sa.client_secret) })).status).toBe(401);
    expect((await t.call("GET", "/v1/checkout/methods", { token: `${sb.id}_secret_${sa.client_secret.split("_secret_")[1]}` })).status).toBe(401);
    expect((await t.call("GET", `/v1/payments/${pa}/status`, { token: A.sk })).body.data.status).toBe("requires_action");
  });
});

describe("return page relay (WG-2 server half)", () => {
  it("WG-2 return page's target origin: the result is posted only to the origin that created the payment, never '*', with nothing secret", async () => {
    const s = await createSession(t, A);
    const r = await pay(t, s.client_secret, { payment_method: "PAYIN_CARD" }, "http://localhost:4321");
    expect(r.status, r.text).toBe(201);
    expect(r.body.data.next_action.type).toBe("redirect");
    const journey = await actOnSandbox(r.body.data.next_action.redirect_url, new URL(t.url).origin, "approve");
    const last = journey.visited.at(-1) ?? "";
    expect(last.startsWith(`${t.url}/v1/payments/${r.body.data.id}/return`), last).toBe(true);
    const page = await fetch(last);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('"target":"http://localhost:4321"');
    expect(html).toContain('data-status="completed"');
    expect(html).not.toMatch(/postMessage\([^)]*["']\*["']/);
    expect(html).not.toContain(s.client_secret);
    expect(page.headers.get("cross-origin-opener-policy")).toBeNull();
    expect(page.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("content-security-policy")).not.toMatch(/unsafe-eval|https?:\/\//);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self' 'nonce-[^']+'/);
    const got = (await t.call("GET", `/v1/checkout/sessions/${s.id}`, { token: A.sk })).body.data;
    expect(got.status).toBe("complete");

    // No Origin recorded (not a browser): the page shows the result and posts nothing.
    const s2 = await createSession(t, A);
    const r2 = await t.call("POST", "/v1/checkout/pay", { token: s2.client_secret, body: { payment_method: "PAYIN_CARD" } });
    const html2 = await (await fetch(`${t.url}/v1/payments/${r2.body.data.id}/return`)).text();
    expect(html2).toContain('"target":null');
    expect(html2).toContain('<link rel="icon" href="data:image/svg+xml,');
    // A server-made payment keeps the plain redirect to the merchant's URL.
    const plain = await t.call("POST", "/v1/payments", {
      token: A.sk,
      body: {
        amount: 100,
        payment_method: "PAYIN_CARD",
        currency: "XOF",
        success_url: "http://127.0.0.1:9/ok",
        error_url: "http://127.0.0.1:9/err",
        cancel_url: "http://127.0.0.1:9/c",
      },
    });
    const j = await actOnSandbox(plain.body.data.next_action.redirect_url, new URL(t.url).origin, "approve");
    expect(j.final).toMatch(/^http:\/\/127\.0\.0\.1:9\/ok\?/);
  });

  it("WG-2 no postMessage(…, '*') anywhere in the widget, hosted page or return page sources", async () => {
    await loadBundle(false); // builds dist/ when a bare `npx vitest run` comes before any build
    const root = fileURLToPath(new URL("../../../", import.meta.url));
    // Every file that could post to a window: the widget's sources and both bundles, and all
    // the server's sources (pages are built there), so a new one cannot slip past a list.
    const files = [
      ...filesUnder(`${root}checkout/src`, (f) => f.endsWith(".ts")),
      ...filesUnder(`${root}checkout/dist`, (f) => f.endsWith(".js")),
      ...filesUnder(`${root}server/src`, (f) => f.endsWith(".ts")),
    ].map((f) => f.slice(root.length));
    expect(files).toEqual(
      expect.arrayContaining(["server/src/routes/checkout/relay.ts", "checkout/src/redirect.ts", "checkout/dist/checkout.js", "checkout/dist/checkout.esm.js"]),
    );
    let calls = 0;
    for (const f of files) {
      const text = readFileSync(`${root}${f}`, "utf8");
      calls += (text.match(/postMessage\(/g) ?? []).length;
      expect(text, f).not.toMatch(/postMessage\([^;]*,\s*["'`]\*["'`]\s*\)/);
    }
    expect(calls).toBeGreaterThan(0);
  });
});

describe("WG-3 headers of pages and assets", () => {
  it("WG-3 hosted page headers: strict CSP without unsafe-eval or third-party origins, frame-ancestors from the app setting, Referrer-Policy, nosniff", async () => {
    const s = await createSession(t, A);
    const page = await fetch(s.url);
    const html = await page.text();
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|https?:\/\/|\*/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(page.headers.get("x-frame-options")).toBeNull();
    expect(html).toMatch(/<script src="\/checkout\.js\?v=[0-9a-f]{12}" nonce=/);
    expect(html).toContain(s.client_secret);

    const set = await t.call("PUT", `/v1/apps/${A.appId}/checkout`, { token: A.token, body: { mode: "test", allowed_origins: ["http://localhost:4321"] } });
    expect(set.status, set.text).toBe(200);
    const bad = await t.call("PUT", `/v1/apps/${A.appId}/checkout`, { token: A.token, body: { mode: "live", allowed_origins: ["http://shop.example"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe("allowed_origins.0");
    expect((await fetch(s.url)).headers.get("content-security-policy")).toMatch(/frame-ancestors http:\/\/localhost:4321(;|$)/);
    // An origin names one site: a wildcard or a bare public suffix would let anyone frame a
    // page holding the client secret. Refused in both modes, and nothing stored changes.
    for (const mode of ["test", "live"] as const) {
      for (const origin of [
        "https://*",
        "https://*.com",
        "https://*.shop.example",
        "https://com",
        "https://co.uk",
        "https://com.ng",
        "https://co.ke",
        "https://github.io",
      ]) {
        const res = await t.call("PUT", `/v1/apps/${A.appId}/checkout`, { token: A.token, body: { mode, allowed_origins: ["https://shop.example", origin] } });
        expect(res.status, `${mode} ${origin}: ${res.text}`).toBe(400);
        expect(res.body.error.param, origin).toBe("allowed_origins.1");
      }
    }
    expect((await fetch(s.url)).headers.get("content-security-policy")).toMatch(/frame-ancestors http:\/\/localhost:4321(;|$)/);
    // A wildcard stored before this rule existed is never sent in frame-ancestors.
    await t.database.db
      .update(checkoutSettings)
      .set({ allowedOrigins: ["http://localhost:4321", "https://*", "https://co.uk"] })
      .where(eq(checkoutSettings.appId, A.appId));
    expect((await fetch(s.url)).headers.get("content-security-policy")).toMatch(/frame-ancestors http:\/\/localhost:4321(;|$)/);
    const named = await t.call("PUT", `/v1/apps/${A.appId}/checkout`, {
      token: A.token,
      body: { mode: "live", allowed_origins: ["https://shop.co.uk", "https://pay.shop.com.ng", "https://shop.example:8443"] },
    });
    expect(named.status, named.text).toBe(200);
    expect(
      (await t.call("PUT", `/v1/apps/${A.appId}/checkout`, { token: A.token, body: { mode: "live", allowed_origins: ["https://localhost"] } })).status,
    ).toBe(400);
    const other = await t.call("PUT", `/v1/apps/${A.appId}/checkout`, { token: B.token, body: { mode: "test", allowed_origins: [] } });
    expect(other.status).toBe(404);
    expect((await fetch(`${t.url}/checkout/cs_unknown`)).status).toBe(404);
  });

  it("serves checkout.js and checkout.esm.js with CORS, max-age=300, and immutable content-hashed copies", async () => {
    for (const path of ["/checkout.js", "/checkout.esm.js"]) {
      const r = await fetch(`${t.url}${path}`);
      const body = await r.text();
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toMatch(/^application\/javascript/);
      expect(r.headers.get("access-control-allow-origin")).toBe("*");
      expect(r.headers.get("cache-control")).toBe("public, max-age=300");
      const hash = r.headers.get("x-zerofee-checkout-hash");
      expect(hash).toMatch(/^[0-9a-f]{12}$/);
      const pinned = await fetch(`${t.url}${path}?v=${hash}`);
      expect(pinned.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(await pinned.text()).toBe(body);
      expect((await fetch(`${t.url}${path}?v=000000000000`)).status).toBe(404);
    }
    expect(await (await fetch(`${t.url}/checkout.js`)).text()).toContain("ZeroFeeCheckout");
  });
});
