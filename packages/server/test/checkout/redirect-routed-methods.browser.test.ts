/**
 * checkout.js in real Chromium, a mobile-money method the app routes to a redirect provider
 * (SPEC §8): Moov Money CI sent to PaiementPro's hosted page by a routing rule. The catalogue
 * says `redirect` for this app, so the « Payer » click opens the payment window itself (never
 * « … a bloqué la fenêtre de paiement »), and the payment completes once the sandbox page is
 * approved. When the catalogue said push and the payment still answers a page (the rule came
 * after the widget loaded its methods), nothing was blocked: the widget offers the page as a link.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { actOnProviderPage, context, dialog, events, expectState, launch, pauseClock, type Site, shot, startSite, widgetPage } from "./browser.js";

let t: TestApp;
let shop: Site;
let browser: Browser;

beforeAll(async () => {
  t = await startTestApp();
  shop = await startSite("localhost");
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await t?.stop();
});

const routeMoovToPaiementPro = async (m: Merchant) => {
  const r = await t.call("PUT", `/v1/apps/${m.appId}/routing`, {
    token: m.token,
    body: { mode: "test", rules: [{ payment_method: "PAYIN_MOOV_CI", providers: ["paiementpro"] }] },
  });
  expect(r.status, r.text).toBe(200);
};

const paymentOf = async (m: Merchant, id: string) =>
  (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data as { status: string; provider: string };

/** Simple mode, in French: Côte d'Ivoire → Moov Money → 01 00 00 00 00, up to the « Payer » button. */
async function moovDetails(page: Page, path: string): Promise<ReturnType<typeof dialog>> {
  await page.goto(`${shop.origin}${path}`);
  await page.click("#pay-btn");
  const dlg = dialog(page);
  await dlg.getByRole("button", { name: "Côte d'Ivoire" }).click();
  await dlg.getByRole("button", { name: "Moov Money" }).click();
  await dlg.locator('input[type="tel"]').fill("01 00 00 00 00");
  return dlg;
}

describe("checkout.js — mobile money routed to a redirect provider", () => {
  it("Moov routed to PaiementPro: « Payer » opens the payment window in the click (nothing blocked), and the payment completes once the sandbox page approves", async () => {
    const m = await createMerchant(t, "moov-paiementpro");
    await routeMoovToPaiementPro(m);
    shop.pages.set("/moov", widgetPage(t.url, { publicKey: m.pk, amount: 2500, currency: "XOF", locale: "fr" }));
    const ctx = await context(browser, { locale: "fr-FR" });
    const page = await ctx.newPage();
    const dlg = await moovDetails(page, "/moov");
    // The window is opened by the click itself (playwright sees it as this page's popup).
    const [popup] = await Promise.all([page.waitForEvent("popup", { timeout: 10_000 }), dlg.getByRole("button", { name: /^Payer/ }).click()]);
    await expectState(page, "redirect_waiting");
    await dlg.getByRole("heading", { name: "Terminez le paiement dans la fenêtre ouverte." }).waitFor();
    expect(await dlg.getByText(/bloqué/).count()).toBe(0);
    await shot(page, "30-moov-paiementpro-waiting-fr");
    await popup.waitForURL(/\/sandbox\/paiementpro\//);
    await actOnProviderPage(popup, "approve");
    await expectState(page, "completed", 30_000);
    expect(await dlg.getByText(/bloqué/).count()).toBe(0);
    const ok = (await events(page)).find((e) => e.type === "success");
    const paid = await paymentOf(m, ok?.result?.transactionId ?? "");
    expect(paid).toMatchObject({ status: "completed", provider: "paiementpro" });
    await ctx.close();
  });

  it("catalogue said push, the payment answered a page: no « bloqué », the page as a link (« Ouvrir la page de paiement ») and « J'ai effectué le paiement »; paid in the new tab, completed", async () => {
    const m = await createMerchant(t, "moov-late-rule");
    shop.pages.set("/late-rule", widgetPage(t.url, { publicKey: m.pk, amount: 2600, currency: "XOF", locale: "fr" }));
    const ctx = await context(browser, { locale: "fr-FR" });
    const page = await ctx.newPage();
    // The status poll waits on the test, so the button below is what completes the payment.
    await pauseClock(page);
    let opened = 0;
    page.on("popup", () => {
      opened++;
    });
    const dlg = await moovDetails(page, "/late-rule");
    // Loaded while Moov was a push; the rule arrives before « Payer ».
    await routeMoovToPaiementPro(m);
    await dlg.getByRole("button", { name: /^Payer/ }).click();
    await expectState(page, "redirect_waiting");
    await dlg.getByRole("heading", { name: "Terminez le paiement sur la page de paiement" }).waitFor();
    expect(await dlg.getByText(/bloqué/).count()).toBe(0);
    const link = dlg.getByRole("link", { name: "Ouvrir la page de paiement" });
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener");
    const iPaid = dlg.getByRole("button", { name: "J'ai effectué le paiement" });
    await iPaid.waitFor();
    await shot(page, "31-moov-paiementpro-link-fr");
    expect(opened).toBe(0);
    const [tab] = await Promise.all([ctx.waitForEvent("page"), link.click()]);
    await tab.waitForURL(/\/sandbox\/paiementpro\//);
    await actOnProviderPage(tab, "approve");
    await tab.locator('[data-status="completed"]').waitFor({ timeout: 30_000 });
    await iPaid.click();
    await expectState(page, "completed");
    const ok = (await events(page)).find((e) => e.type === "success");
    expect(await paymentOf(m, ok?.result?.transactionId ?? "")).toMatchObject({ status: "completed", provider: "paiementpro" });
    await ctx.close();
  });

  it("in English the same state reads 'Finish the payment on the payment page' with 'Open the payment page'", async () => {
    const m = await createMerchant(t, "moov-late-rule-en");
    shop.pages.set("/late-rule-en", widgetPage(t.url, { publicKey: m.pk, amount: 2700, currency: "XOF", locale: "en" }));
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await pauseClock(page);
    await page.goto(`${shop.origin}/late-rule-en`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Côte d'Ivoire" }).click();
    await dlg.getByRole("button", { name: "Moov Money" }).click();
    await dlg.locator('input[type="tel"]').fill("01 00 00 00 00");
    await routeMoovToPaiementPro(m);
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await expectState(page, "redirect_waiting");
    await dlg.getByRole("heading", { name: "Finish the payment on the payment page" }).waitFor();
    await dlg.getByRole("link", { name: "Open the payment page" }).waitFor();
    await dlg.getByRole("button", { name: "I've completed the payment" }).waitFor();
    expect(await dlg.getByText(/blocked/).count()).toBe(0);
    await ctx.close();
  });
});
