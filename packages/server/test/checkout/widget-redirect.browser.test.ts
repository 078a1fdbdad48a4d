/**
 * checkout.js in real Chromium, redirect methods (issue #5 items 4 and 7; WG-1, WG-2): the
 * card page in a popup opened in the click handler, the same with popups blocked (new tab +
 * "I've completed the payment", or the status poll), forged messages, and an opener that changes origin.
 * The provider page is driven by its `data-action` buttons (SPEC §14), whichever provider serves cards.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";
import {
  actOnProviderPage,
  context,
  dialog,
  events,
  expectState,
  launch,
  messages,
  pauseClock,
  RECORDER,
  type Site,
  shot,
  startSite,
  widgetPage,
} from "./browser.js";
import { createSession } from "./helpers.js";

let t: TestApp;
let m: Merchant;
let shop: Site;
let other: Site;
let browser: Browser;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "card-shop");
  shop = await startSite("localhost");
  other = await startSite("localhost");
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await other?.close();
  await t?.stop();
});

async function openCard(page: Page, path: string): Promise<void> {
  await page.goto(`${shop.origin}${path}`);
  await page.click("#pay-btn");
  const dlg = dialog(page);
  await dlg.getByRole("button", { name: "Card" }).click();
}

const statusOf = async (id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data.status as string;

describe("checkout.js — redirect methods", () => {
  it("card through the popup: opened in the click handler, provider page approved, result relayed to this origin only, then checked with the server", async () => {
    const s = await createSession(t, m, { currency: "EUR", amount: 1999 });
    shop.pages.set("/card", widgetPage(t.url, { clientSecret: s.client_secret }));
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await openCard(page, "/card");
    const dlg = dialog(page);
    await shot(page, "08-idle-card-en");
    const [popup] = await Promise.all([page.waitForEvent("popup"), dlg.getByRole("button", { name: /^Pay €19\.99/ }).click()]);
    await expectState(page, "redirect_waiting");
    await shot(page, "09-redirect-waiting-en");
    await popup.waitForURL(/\/sandbox\//);
    await actOnProviderPage(popup, "approve");
    await expectState(page, "completed");
    const ok = (await events(page)).find((e) => e.type === "success");
    expect(await statusOf(ok?.result?.transactionId ?? "")).toBe("completed");
    // WG-2: exactly one message from ZeroFee's origin, nothing secret in it.
    const fromZeroFee = (await messages(page)).filter((x) => x.origin === new URL(t.url).origin);
    expect(fromZeroFee).toHaveLength(1);
    expect(fromZeroFee[0]?.data).toEqual({ type: "zerofee:payment", transaction_id: ok?.result?.transactionId, status: "completed" });
    expect(JSON.stringify(fromZeroFee)).not.toMatch(/secret|sk_|pk_/);
    expect((await t.call("GET", `/v1/checkout/sessions/${s.id}`, { token: m.sk })).body.data.status).toBe("complete");
    await ctx.close();
  });

  it("popups blocked: redirect_blocked shows the link and 'I've completed the payment' at once; the button asks the server, and completes once the new tab has paid", async () => {
    shop.pages.set("/blocked", widgetPage(t.url, { publicKey: m.pk, amount: 2500, currency: "XOF", locale: "fr" }));
    const ctx = await context(browser, { blockPopups: true });
    const page = await ctx.newPage();
    // The widget's 2-s status poll would also complete the payment, racing the button on a slow
    // machine (the button is gone once the widget settles): the page's timers wait on the test.
    await pauseClock(page);
    await page.goto(`${shop.origin}/blocked`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Carte bancaire" }).click();
    await dlg.getByRole("button", { name: /^Payer/ }).click();
    await expectState(page, "redirect_blocked");
    const link = dlg.getByRole("link", { name: "Ouvrir la page de paiement" });
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener");
    const iPaid = dlg.getByRole("button", { name: "J'ai effectué le paiement" });
    await iPaid.waitFor();
    await shot(page, "10-redirect-blocked-fr");
    // Pressed before paying: the widget asks the server, which says the payment is still open.
    const early = page.waitForResponse((r) => /\/v1\/payments\/[^/]+\/status/.test(r.url()));
    await iPaid.click();
    expect((await (await early).json()).data.status).toBe("requires_action");
    expect(await page.locator("[role=dialog]").getAttribute("data-state")).toBe("redirect_blocked");
    const [tab] = await Promise.all([ctx.waitForEvent("page"), link.click()]);
    await actOnProviderPage(tab, "approve");
    // No opener in a noopener tab: the return page shows the result itself.
    await tab.locator('[data-status="completed"]').waitFor();
    expect(await page.locator("[role=dialog]").getAttribute("data-state")).toBe("redirect_blocked");
    await iPaid.click();
    await expectState(page, "completed");
    const ok = (await events(page)).find((e) => e.type === "success");
    expect(await statusOf(ok?.result?.transactionId ?? "")).toBe("completed");
    await ctx.close();
  });

  it("popups blocked: without the button, the widget's status poll completes the payment the new tab paid", async () => {
    shop.pages.set("/blocked-poll", widgetPage(t.url, { publicKey: m.pk, amount: 2600, currency: "XOF", locale: "fr" }));
    const ctx = await context(browser, { blockPopups: true });
    const page = await ctx.newPage();
    await pauseClock(page);
    await page.goto(`${shop.origin}/blocked-poll`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Carte bancaire" }).click();
    await dlg.getByRole("button", { name: /^Payer/ }).click();
    await expectState(page, "redirect_blocked");
    const [tab] = await Promise.all([ctx.waitForEvent("page"), dlg.getByRole("link", { name: "Ouvrir la page de paiement" }).click()]);
    await actOnProviderPage(tab, "approve");
    await tab.locator('[data-status="completed"]').waitFor();
    const polled = page.waitForResponse((r) => /\/v1\/payments\/[^/]+\/status/.test(r.url()));
    await page.clock.runFor(2_000);
    expect((await (await polled).json()).data.status).toBe("completed");
    await expectState(page, "completed");
    expect((await events(page)).filter((e) => e.type === "success")).toHaveLength(1);
    await ctx.close();
  });

  it("WG-1 forged postMessage: another origin, and ZeroFee's origin with a wrong id or a false 'completed', change nothing", async () => {
    other.pages.set(
      "/evil",
      `<!doctype html><script>parent.postMessage({type:"zerofee:payment",transaction_id:location.hash.slice(1),status:"completed"},"*")</script>`,
    );
    shop.pages.set("/forged", widgetPage(t.url, { publicKey: m.pk, amount: 990, currency: "XOF" }));
    const ctx = await context(browser);
    const page = await ctx.newPage();
    // No status poll of its own: every /status request below is one a message caused.
    await pauseClock(page);
    const statusAsks: string[] = [];
    page.on("request", (r) => {
      if (/\/v1\/payments\/[^/]+\/status/.test(r.url())) statusAsks.push(r.url());
    });
    await openCard(page, "/forged");
    const [popup] = await Promise.all([page.waitForEvent("popup"), dialog(page).getByRole("button", { name: /^Pay/ }).click()]);
    await expectState(page, "redirect_waiting");
    await popup.waitForURL(/\/sandbox\//);
    const id = (await t.call("GET", "/v1/payments?limit=1", { token: m.sk })).body.data[0].id as string;
    expect(await statusOf(id)).toBe("requires_action");
    // 1. Another origin (an iframe from elsewhere) claims success for the real id.
    await page.evaluate((src) => {
      const f = document.createElement("iframe");
      f.src = src;
      document.body.append(f);
    }, `${other.origin}/evil#${id}`);
    await page.waitForFunction(() => (window as unknown as { __messages: unknown[] }).__messages.length >= 1);
    // 2. ZeroFee's origin (the provider page in the popup is on it) with a wrong id.
    await popup.evaluate(() => window.opener.postMessage({ type: "zerofee:payment", transaction_id: "txn_wrong", status: "completed" }, "*"));
    await page.waitForFunction(() => (window as unknown as { __messages: unknown[] }).__messages.length >= 2);
    // Neither made the widget even ask: another origin, or another payment, is ignored outright.
    expect(statusAsks).toEqual([]);
    // 3. ZeroFee's origin, the right id, a false "completed": the widget asks the server, which says no.
    const asked = page.waitForResponse((r) => r.url().includes(`/v1/payments/${id}/status`));
    await popup.evaluate((txn) => window.opener.postMessage({ type: "zerofee:payment", transaction_id: txn, status: "completed" }, "*"), id);
    expect((await (await asked).json()).data.status).toBe("requires_action");
    await page.waitForFunction(() => (window as unknown as { __messages: unknown[] }).__messages.length >= 3);
    expect(await page.locator("[role=dialog]").getAttribute("data-state")).toBe("redirect_waiting");
    expect((await events(page)).filter((e) => e.type === "success")).toEqual([]);
    expect(statusAsks).toHaveLength(1);
    expect(await statusOf(id)).toBe("requires_action");
    await actOnProviderPage(popup, "decline");
    await expectState(page, "failed");
    expect((await events(page)).filter((e) => e.type === "success")).toEqual([]);
    await ctx.close();
  });

  it("WG-2 return page's target origin: the opener moves to origin B during the redirect; B receives no message", async () => {
    other.pages.set("/b", `<!doctype html><title>B</title>${RECORDER}<h1 id="b">B</h1>`);
    shop.pages.set("/swap", widgetPage(t.url, { publicKey: m.pk, amount: 1200, currency: "XOF" }));
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await openCard(page, "/swap");
    const [popup] = await Promise.all([page.waitForEvent("popup"), dialog(page).getByRole("button", { name: /^Pay/ }).click()]);
    await popup.waitForURL(/\/sandbox\//);
    await page.goto(`${other.origin}/b`);
    await actOnProviderPage(popup, "approve");
    const returned = popup.locator('[data-status="completed"]');
    await returned.waitFor();
    // The relay has run once the return page closes itself (it posts, then closes 1.5 s later):
    // only then is "B got nothing" worth reading.
    if (!popup.isClosed()) await popup.waitForEvent("close", { timeout: 10_000 });
    expect(await page.evaluate(() => document.title)).toBe("B");
    expect(await messages(page)).toEqual([]);
    await ctx.close();
  });
});
