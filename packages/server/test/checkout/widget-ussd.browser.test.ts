/**
 * checkout.js in real Chromium, mobile money (issue #5 item 7): the original article's snippet
 * on another origin pays by Orange Money (French), OTP (English), a failure then a retry with
 * another operator, keyboard use, and the expired state. One browser for the file.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { articlePage, context, dialog, events, expectState, launchEarly, type Site, shot, startSite, widgetPage } from "./browser.js";
import { createSession } from "./helpers.js";
import { installPollClock, pollUntilState, pollUntilUrl } from "./poll-clock.js";

let t: TestApp;
let m: Merchant;
let site: Site;
let browser: Browser;
let chromium: ReturnType<typeof launchEarly> | undefined;

beforeAll(async () => {
  // Chromium starts while the server boots.
  chromium = launchEarly();
  t = await startTestApp();
  m = await createMerchant(t, "ussd-shop");
  site = await startSite("localhost");
  browser = await chromium.browser;
});
afterAll(async () => {
  await chromium?.close();
  await site?.close();
  await t?.stop();
});

describe("checkout.js — mobile money in the browser", () => {
  it("the ES module build (for bundlers), imported by a page on another origin, opens the same widget", async () => {
    site.pages.set(
      "/esm-shop",
      `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title></head><body><button id="pay-btn">Pay</button>
<script type="module">
import ZeroFeeCheckout from "${t.url}/checkout.esm.js";
const checkout = new ZeroFeeCheckout({ publicKey: "${m.pk}", amount: 5000, currency: "XOF", locale: "en" });
document.getElementById("pay-btn").addEventListener("click", () => checkout.open());
</script></body></html>`,
    );
    const ctx = await context(browser, { locale: "en-US" });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const logs: string[] = [];
    page.on("console", (msg) => logs.push(msg.text()));
    await page.goto(`${site.origin}/esm-shop`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByText("TEST MODE").waitFor();
    await expectState(page, "idle");
    // It talks to the server it was imported from (import.meta.url), not to the shop's origin.
    await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).waitFor();
    expect(errors).toEqual([]);
    expect(logs.filter((l) => l.includes("ZeroFeeCheckout"))).toEqual([]);
    await ctx.close();
  });

  it("the article's snippet, unchanged, on another origin: Orange Money in the sandbox (French), onSuccess with the transaction id", async () => {
    site.pages.set("/shop", articlePage(t.url, m.pk));
    const ctx = await context(browser, { locale: "fr-FR" });
    const page = await ctx.newPage();
    const logs: string[] = [];
    page.on("console", (msg) => logs.push(msg.text()));
    await installPollClock(page);
    await page.goto(`${site.origin}/shop`);
    expect(new URL(page.url()).origin).not.toBe(new URL(t.url).origin);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByText("MODE TEST").waitFor();
    await expectState(page, "idle");
    expect(await page.evaluate(() => document.querySelector("[data-zerofee-checkout]")?.shadowRoot?.mode)).toBe("open");
    await shot(page, "01-idle-country-fr");
    await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).click();
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    const phone = dlg.getByLabel("Numéro de téléphone");
    expect(await phone.getAttribute("type")).toBe("tel");
    expect(await phone.getAttribute("autocomplete")).toBe("tel-national");
    await phone.fill("07 00 00 00 0");
    await dlg.getByRole("button", { name: /^Payer/ }).click();
    await dlg
      .getByRole("alert")
      .getByText(/Numéro invalide/)
      .waitFor();
    await phone.fill("07 00 00 00 00");
    await shot(page, "02-idle-details-fr");
    await dlg.getByRole("button", { name: /^Payer/ }).click();
    await expectState(page, "processing");
    await dlg.getByRole("heading", { name: "Confirmez le paiement sur votre téléphone" }).waitFor();
    await shot(page, "03-processing-ussd-fr");
    await pollUntilUrl(page, `${site.origin}/thank-you`);
    await page.waitForURL(`${site.origin}/thank-you`, { timeout: 20_000 });
    const line = logs.find((l) => l.startsWith("Payment completed:"));
    const id = line?.split(" ").at(-1) ?? "";
    expect(id).toMatch(/^txn_/);
    const server = await t.call("GET", `/v1/payments/${id}`, { token: m.sk });
    expect(server.body.data).toMatchObject({
      status: "completed",
      amount: 5000,
      currency: "XOF",
      payment_method: "PAYIN_ORANGE_CI",
      metadata: { amount_source: "client" },
    });
    await ctx.close();
  });

  it("keyboard and screen reader: focus moves into the dialog and stays there, controls are labelled, Escape closes and gives focus back", async () => {
    site.pages.set("/shop", articlePage(t.url, m.pk));
    const ctx = await context(browser, { locale: "en-US" });
    const page = await ctx.newPage();
    const logs: string[] = [];
    page.on("console", (msg) => logs.push(msg.text()));
    await page.goto(`${site.origin}/shop`);
    await page.focus("#pay-btn");
    await page.keyboard.press("Enter");
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).waitFor();
    expect(await dlg.getAttribute("aria-modal")).toBe("true");
    expect(await dlg.getAttribute("aria-labelledby")).toBe("zf-t");
    await dlg.getByRole("button", { name: "Close" }).waitFor();
    const insideDialog = () =>
      page.evaluate(() => {
        const root = document.querySelector("[data-zerofee-checkout]")?.shadowRoot;
        const active = root?.activeElement;
        return Boolean(active && root?.querySelector("[role=dialog]")?.contains(active));
      });
    expect(await insideDialog()).toBe(true);
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press(i % 5 === 4 ? "Shift+Tab" : "Tab");
      expect(await insideDialog()).toBe(true);
    }
    // Keyboard only: country, method, phone, pay.
    await dlg.getByRole("button", { name: "Senegal" }).focus();
    await page.keyboard.press("Enter");
    await dlg.getByRole("button", { name: "Orange Money" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.evaluate(() => document.querySelector("[data-zerofee-checkout]")?.shadowRoot?.activeElement?.id)).resolves.toBe("zf-phone");
    await page.keyboard.press("Escape");
    await dlg.waitFor({ state: "detached" });
    expect(logs).toContain("Checkout closed");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("pay-btn");
    await ctx.close();
  });

  it("OTP step in English: a wrong code is refused, 123456 completes", async () => {
    site.pages.set("/otp", widgetPage(t.url, { publicKey: m.pk, amount: 1500, currency: "XOF" }));
    const ctx = await context(browser, { locale: "en-GB" });
    const page = await ctx.newPage();
    await page.goto(`${site.origin}/otp`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByText("TEST MODE").waitFor();
    await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).click();
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Phone number").fill("+225 07 00 00 00 03");
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    const code = dlg.getByLabel("Confirmation code");
    await code.waitFor();
    await expectState(page, "processing");
    await shot(page, "04-processing-otp-en");
    await code.fill("000000");
    await dlg.getByRole("button", { name: "Confirm code" }).click();
    await dlg.getByRole("alert").getByText("Wrong code. Try again.").waitFor();
    await dlg.getByLabel("Confirmation code").fill("123456");
    await dlg.getByRole("button", { name: "Confirm code" }).click();
    await expectState(page, "completed");
    await dlg.getByRole("heading", { name: "Payment successful" }).waitFor();
    await shot(page, "05-completed-en");
    const [success] = (await events(page)).filter((e) => e.type === "success");
    expect(success?.result?.status).toBe("completed");
    const st = await t.call("GET", `/v1/payments/${success?.result?.transactionId}`, { token: m.sk });
    expect(st.body.data.status).toBe("completed");
    await ctx.close();
  });

  it("session (clientSecret): a failed payment, then a retry where the number's prefix picks another operator; one completed payment", async () => {
    const s = await createSession(t, m, { allowed_countries: ["CI"], amount: 3000 });
    site.pages.set("/session", widgetPage(t.url, { clientSecret: s.client_secret }));
    const ctx = await context(browser, { locale: "en-US" });
    const page = await ctx.newPage();
    await installPollClock(page);
    await page.goto(`${site.origin}/session`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    // One country possible: the country step is skipped.
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Phone number").fill("07 00 00 00 01");
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await pollUntilState(page, "failed");
    await expectState(page, "failed");
    await shot(page, "06-failed-en");
    expect((await events(page)).map((e) => e.type)).toContain("error");
    await dlg.getByRole("button", { name: "Try another way to pay" }).click();
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Phone number").fill("05 00 00 00 00");
    await dlg.getByText("Operator: MTN Mobile Money").waitFor();
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await pollUntilState(page, "completed");
    await expectState(page, "completed");
    const session = (await t.call("GET", `/v1/checkout/sessions/${s.id}`, { token: m.sk })).body.data;
    expect(session.status).toBe("complete");
    expect(session.payments).toHaveLength(2);
    const done = await t.call("GET", `/v1/payments/${session.payment_id}`, { token: m.sk });
    expect(done.body.data).toMatchObject({ status: "completed", amount: 3000, payment_method: "PAYIN_MTN_CI" });
    await ctx.close();
  });

  it("an expired session opens in the expired state, saying the checkout has ended (not a payment timing out)", async () => {
    const s = await createSession(t, m);
    expect((await t.call("POST", `/v1/checkout/sessions/${s.id}/expire`, { token: m.sk })).status).toBe(200);
    site.pages.set("/expired", widgetPage(t.url, { clientSecret: s.client_secret, locale: "fr" }));
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(`${site.origin}/expired`);
    await page.click("#pay-btn");
    await expectState(page, "expired");
    await dialog(page).getByRole("heading", { name: "Cette session de paiement est terminée." }).waitFor();
    await shot(page, "07-expired-fr");
    await ctx.close();
  });

  it("a reload during a payment resumes it instead of starting another", async () => {
    site.pages.set("/reload", widgetPage(t.url, { publicKey: m.pk, amount: 800, currency: "XOF" }));
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(`${site.origin}/reload`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).click();
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Phone number").fill("07 00 00 00 02");
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await expectState(page, "processing");
    const before = (await t.call("GET", "/v1/payments?limit=100", { token: m.sk })).body.data.length as number;
    await page.reload();
    await page.click("#pay-btn");
    await expectState(page, "processing");
    await dlg.getByRole("heading", { name: "Confirm the payment on your phone" }).waitFor();
    expect((await t.call("GET", "/v1/payments?limit=100", { token: m.sk })).body.data.length).toBe(before);
    // No way to another payment while this push can still be approved (SPEC §8).
    expect(await dlg.getByRole("button", { name: "Pay another way" }).count()).toBe(0);
    await ctx.close();
  });
});
