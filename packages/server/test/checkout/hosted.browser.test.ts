/**
 * The hosted page `GET /checkout/{id}` in real Chromium (issue #5 items 5 and 7; WG-3): by
 * redirect it ends on the session's success URL; in an iframe of an allowed origin it posts
 * the result to that parent; an unlisted origin cannot frame it.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, metricValue, startTestApp, type TestApp } from "../harness.js";
import { context, dialog, expectState, launch, type Site, shot, startSite } from "./browser.js";
import { createSession } from "./helpers.js";

let t: TestApp;
let m: Merchant;
let shop: Site;
let stranger: Site;
let browser: Browser;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "hosted-shop");
  shop = await startSite("localhost");
  stranger = await startSite("localhost");
  browser = await launch();
  const set = await t.call("PUT", `/v1/apps/${m.appId}/checkout`, { token: m.token, body: { mode: "test", allowed_origins: [shop.origin] } });
  expect(set.status, set.text).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await stranger?.close();
  await t?.stop();
});

describe("hosted checkout page", () => {
  it("by redirect: the full-page flow pays and sends the customer to the session's success URL", async () => {
    const s = await createSession(t, m, { success_url: `${shop.origin}/thanks`, allowed_countries: ["SN"], locale: "fr" });
    const ctx = await context(browser, { locale: "fr-FR" });
    const page = await ctx.newPage();
    const csp: string[] = [];
    page.on("console", (msg) => {
      if (/Content Security Policy/i.test(msg.text())) csp.push(msg.text());
    });
    // The page's icon is inline (and allowed by its CSP): Chromium, which asks a page's origin for
    // /favicon.ico otherwise (a 404 here), asks nothing. Its own requests for it are not the page's
    // (Playwright does not see them): counted by the server, as requests no route matched.
    const unmatched = async () =>
      metricValue((await t.call("GET", "/metrics")).text, 'zerofee_http_requests_total{method="GET",route="unmatched",status="404"}');
    const unmatchedBefore = await unmatched();
    const res = await page.goto(s.url);
    expect(res?.headers()["content-security-policy"]).toContain(`frame-ancestors ${shop.origin}`);
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Numéro de téléphone").fill("77 000 00 00");
    await shot(page, "11-hosted-details-fr");
    await dlg.getByRole("button", { name: /^Payer/ }).click();
    await page.waitForURL(new RegExp(`^${shop.origin}/thanks\\?session_id=${s.id}$`), { timeout: 20_000 });
    expect(csp, "the page's own CSP blocks nothing it needs").toEqual([]);
    const session = (await t.call("GET", `/v1/checkout/sessions/${s.id}`, { token: m.sk })).body.data;
    expect(session.status).toBe("complete");
    // Loading it again shows it is done instead of a second checkout.
    await page.goto(s.url);
    await page.locator('main[data-state="completed"]').waitFor();
    expect(csp, "nor the completed page's").toEqual([]);
    expect(await unmatched()).toBe(unmatchedBefore);
    await ctx.close();
  });

  it("in an iframe of an allowed origin: pays inside the frame and posts the result to the parent", async () => {
    const s = await createSession(t, m, { success_url: `${shop.origin}/thanks`, allowed_countries: ["CI"] });
    // The parent logs what it receives: the hosted page may navigate the top window right after posting.
    shop.pages.set(
      "/embed",
      `<!doctype html><title>Embed</title><script>addEventListener("message",function(e){console.log("zf-msg "+JSON.stringify({origin:e.origin,data:e.data}))})</script><iframe id="zf" src="${s.url}" width="600" height="700" title="Payment"></iframe>`,
    );
    const ctx = await context(browser, { locale: "en-US" });
    const page = await ctx.newPage();
    const received: Array<{ origin: string; data: { type?: string; session_id?: string } }> = [];
    page.on("console", (msg) => {
      if (msg.text().startsWith("zf-msg ")) received.push(JSON.parse(msg.text().slice(7)));
    });
    await page.goto(`${shop.origin}/embed`);
    const frame = page.frameLocator("#zf");
    await frame.getByRole("button", { name: "Orange Money" }).click();
    await frame.getByLabel("Phone number").fill("0700000000");
    await shot(page, "12-hosted-iframe-en");
    await frame.getByRole("button", { name: /^Pay/ }).click();
    await expect.poll(() => received.find((x) => x.data.type === "zerofee:checkout.completed"), { timeout: 20_000 }).toBeTruthy();
    // Then the frame sends the top window to the success URL (Chromium lets it: the click was a user activation).
    await page.waitForURL(new RegExp(`^${shop.origin}/thanks\\?session_id=${s.id}$`));
    const msg = received.find((x) => x.data.type === "zerofee:checkout.completed");
    expect(msg?.origin).toBe(new URL(t.url).origin);
    expect(msg?.data.session_id).toBe(s.id);
    expect(JSON.stringify(received)).not.toContain("_secret_");
    expect((await t.call("GET", `/v1/checkout/sessions/${s.id}`, { token: m.sk })).body.data.status).toBe("complete");
    await ctx.close();
  });

  it("WG-3 hosted page headers: an unlisted origin cannot frame the page (Chromium refuses it)", async () => {
    const s = await createSession(t, m);
    stranger.pages.set("/frame", `<!doctype html><title>Stranger</title><iframe id="zf" src="${s.url}"></iframe>`);
    const ctx = await context(browser);
    const page = await ctx.newPage();
    const refused: string[] = [];
    page.on("console", (msg) => {
      if (/frame-ancestors/.test(msg.text())) refused.push(msg.text());
    });
    await page.goto(`${stranger.origin}/frame`);
    await expect.poll(() => refused.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(refused[0]).toMatch(/violates the following Content Security Policy directive: "frame-ancestors/);
    expect(await page.frameLocator("#zf").locator("[data-zerofee-checkout]").count()).toBe(0);
    await ctx.close();
  });

  it("the widget's own expired and completed states in the hosted page", async () => {
    const s = await createSession(t, m);
    await t.call("POST", `/v1/checkout/sessions/${s.id}/expire`, { token: m.sk });
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(s.url);
    await page.locator('main[data-state="expired"]').waitFor();
    const open = await createSession(t, m, { allowed_countries: ["CI"] });
    await page.goto(open.url);
    await expectState(page, "idle");
    await ctx.close();
  });
});
