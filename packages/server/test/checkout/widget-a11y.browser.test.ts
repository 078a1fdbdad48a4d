/**
 * checkout.js and the hosted page in real Chromium, for keyboard and screen-reader users
 * (SPEC §8 "keyboard and screen-reader usable"): no keyboard trap in a framed hosted page
 * (WCAG 2.1.2); the modal makes the shop page inert; a step change focuses the step's heading;
 * a status poll moves no focus, and a lost or regained connection is announced; only a field's
 * own error marks it invalid, and an error is announced once and withdrawn once corrected; the
 * OTP step follows the payment's status; an ended session says so and offers the way back.
 * The server runs on an injected clock (payment expiry), the pages on Playwright's (polls).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expirePayments } from "../../src/jobs/expire.js";
import { createMerchant, type Merchant, startTestApp, type TestApp, TestClock } from "../harness.js";
import { context, dialog, events, expectState, launch, pauseClock, type Site, startSite, widgetPage } from "./browser.js";
import { createSession } from "./helpers.js";

const clock = new TestClock();
let t: TestApp;
let m: Merchant;
let shop: Site;
let browser: Browser;

beforeAll(async () => {
  t = await startTestApp({ clock, env: { ZEROFEE_PAYMENT_EXPIRY_S: "600" } });
  m = await createMerchant(t, "a11y-shop");
  shop = await startSite("localhost");
  browser = await launch();
  const set = await t.call("PUT", `/v1/apps/${m.appId}/checkout`, { token: m.token, body: { mode: "test", allowed_origins: [shop.origin] } });
  expect(set.status, set.text).toBe(200);
});
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await t?.stop();
});

/** What has focus inside the widget: `tag:text`. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector("[data-zerofee-checkout]")?.shadowRoot?.activeElement;
    return el ? `${el.tagName.toLowerCase()}:${el.textContent ?? ""}` : null;
  });

/** The text of every live region in the widget (alerts and status regions): what screen readers are told. */
const announced = (page: Page) =>
  page.evaluate(() =>
    Array.from(
      document.querySelector("[data-zerofee-checkout]")?.shadowRoot?.querySelectorAll("[role=alert],[role=status],[aria-live]") ?? [],
      (el) => el.textContent ?? "",
    ),
  );
const times = async (page: Page, text: string) => (await announced(page)).filter((x) => x.includes(text)).length;

/** Opens the simple-mode widget on `path` (English) and goes to Orange Money in Côte d'Ivoire. */
async function toOrange(page: Page, path: string, amount: number): Promise<void> {
  shop.pages.set(path, widgetPage(t.url, { publicKey: m.pk, amount, currency: "XOF", reference: `${path.slice(1)}-${Date.now()}` }));
  await page.goto(`${shop.origin}${path}`);
  await page.click("#pay-btn");
  const dlg = dialog(page);
  await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).click();
  await dlg.getByRole("button", { name: "Orange Money" }).click();
}

describe("keyboard", () => {
  it("a framed hosted page lets Tab and Shift+Tab leave the frame (no keyboard trap); it has a main landmark and an h1", async () => {
    const s = await createSession(t, m, { allowed_countries: ["CI"] });
    shop.pages.set(
      "/framed",
      `<!doctype html><title>Shop</title><button id="before">Before</button><iframe id="zf" src="${s.url}" title="Payment" width="600" height="700"></iframe><button id="after">After</button>`,
    );
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(`${shop.origin}/framed`);
    const frame = page.frameLocator("#zf");
    const first = frame.getByRole("button", { name: "Orange Money" });
    await first.waitFor();
    expect(await frame.getByRole("main").count()).toBe(1);
    expect(await frame.getByRole("heading", { level: 1 }).textContent()).toBe("Payment");
    const onShop = () => page.evaluate(() => document.activeElement?.id ?? "");
    for (const [key, to] of [
      ["Tab", "after"],
      ["Shift+Tab", "before"],
    ]) {
      await first.focus();
      expect(await onShop()).toBe("zf");
      for (let i = 0; i < 20 && (await onShop()) !== to; i++) await page.keyboard.press(key as string);
      expect(await onShop(), `${key} reaches the shop page's #${to}`).toBe(to);
    }
    await ctx.close();
  });

  it("the modal makes the rest of the shop page inert, and gives back exactly what it took on close", async () => {
    const html = widgetPage(t.url, { publicKey: m.pk, amount: 700, currency: "XOF" }).replace(
      "<h1>Shop</h1>",
      '<h1>Shop</h1><aside id="own" inert>The shop\'s own inert part</aside><p id="text">Shop text</p>',
    );
    shop.pages.set("/inert", html);
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(`${shop.origin}/inert`);
    const inert = () =>
      page.evaluate(() => Array.from(document.body.children, (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}:${el.hasAttribute("inert")}`));
    const before = await inert();
    expect(before).toContain("aside#own:true");
    await page.click("#pay-btn");
    await dialog(page).getByRole("button", { name: "Côte d'Ivoire", exact: true }).waitFor();
    const open = await inert();
    expect(
      open.filter((x) => x.startsWith("div:")),
      "the widget itself",
    ).toEqual(["div:false"]);
    expect(
      open.filter((x) => !x.startsWith("div:")).every((x) => x.endsWith(":true")),
      open.join(" "),
    ).toBe(true);
    expect(await page.getByText("Shop text").evaluate((el) => el.closest("[inert]") !== null)).toBe(true);
    await page.keyboard.press("Escape");
    await dialog(page).waitFor({ state: "detached" });
    expect(await inert()).toEqual(before);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("pay-btn");
    await ctx.close();
  });

  it("a step change focuses the step's heading, never « Back » or « Pay »: country → method, a card's details, and after « Try another way to pay »", async () => {
    const ctx = await context(browser);
    const page = await ctx.newPage();
    shop.pages.set("/steps", widgetPage(t.url, { publicKey: m.pk, amount: 900, currency: "XOF" }));
    await page.goto(`${shop.origin}/steps`);
    await page.focus("#pay-btn");
    await page.keyboard.press("Enter");
    const dlg = dialog(page);
    await dlg.getByRole("heading", { name: "Choose your country" }).waitFor();
    expect(await focused(page)).toBe("h3:Choose your country");
    const press = async (name: string) => {
      await dlg.getByRole("button", { name, exact: true }).focus();
      await page.keyboard.press("Enter");
    };
    await press("Côte d'Ivoire");
    expect(await focused(page)).toBe("h3:Choose how to pay");
    await press("Card");
    // The method's own heading: a second Enter pays nothing.
    expect(await focused(page)).toBe("h3: Card");
    await page.keyboard.press("Enter");
    expect(await page.locator("[role=dialog]").getAttribute("data-step")).toBe("details");
    await press("← Back");
    expect(await focused(page)).toBe("h3:Choose how to pay");
    await press("Orange Money");
    expect(await focused(page)).toBe("input:");
    // Focus is on the field: the step's heading is what the live region says.
    await expect.poll(() => times(page, "Orange Money")).toBe(1);
    await page.keyboard.type("07 00 00 00 01");
    await page.keyboard.press("Enter");
    await expectState(page, "failed");
    expect(await focused(page)).toBe("button:Try another way to pay");
    await page.keyboard.press("Enter");
    expect(await focused(page)).toBe("h3:Choose how to pay");
    await ctx.close();
  });
});

describe("screen readers", () => {
  it("a status poll moves no focus; « Connection lost » and its end are announced", async () => {
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await toOrange(page, "/polls", 1100);
    const dlg = dialog(page);
    await dlg.getByLabel("Phone number").fill("07 00 00 00 02");
    await pauseClock(page);
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await dlg.getByRole("heading", { name: "Confirm the payment on your phone" }).waitFor();
    // The customer moved on to the overlay's Close button; polls must leave it there.
    await dlg.getByRole("button", { name: "Close" }).focus();
    let down = true;
    await page.route("**/v1/payments/*/status", (route) => (down ? route.abort("connectionrefused") : route.continue()));
    for (let i = 0; i < 2; i++) {
      const failed = page.waitForEvent("requestfailed", (r) => r.url().includes("/status"));
      await page.clock.runFor(2000);
      await failed;
    }
    await expect.poll(() => times(page, "Connection lost, retrying…")).toBe(1);
    await dlg.getByText("Connection lost, retrying…").waitFor();
    expect(await focused(page)).toBe("button:×");
    down = false;
    const answered = page.waitForResponse((r) => r.url().includes("/status"));
    await page.clock.runFor(2000);
    await answered;
    await expect.poll(() => times(page, "Connection restored.")).toBe(1);
    expect(await times(page, "Connection lost")).toBe(0);
    expect(await focused(page)).toBe("button:×");
    expect(await page.locator("[role=dialog]").getAttribute("data-state")).toBe("processing");
    await ctx.close();
  });

  it("only a field's own error marks it invalid; each error is announced once and withdrawn once the field is corrected; the code stays typed", async () => {
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await toOrange(page, "/errors", 1300);
    // The widget's short announcement delay runs on the page's clock.
    await pauseClock(page);
    const dlg = dialog(page);
    const phone = dlg.getByLabel("Phone number");
    await phone.fill("07 00 00 00 0");
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await dlg
      .getByRole("alert")
      .getByText(/Not a valid number/)
      .waitFor();
    await page.clock.runFor(200);
    expect(await phone.getAttribute("aria-invalid")).toBe("true");
    expect(await times(page, "Not a valid number")).toBe(1);
    await phone.fill("07 00 00 00 05");
    await page.clock.runFor(200);
    expect(await phone.getAttribute("aria-invalid")).toBe("false");
    expect(await times(page, "Not a valid number")).toBe(0);
    // The provider is down: the number was right, the field is not flagged.
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    const down = "This way to pay is not answering right now.";
    await dlg.getByRole("alert").getByText(down, { exact: false }).waitFor();
    await page.clock.runFor(200);
    expect(await phone.getAttribute("aria-invalid")).toBe("false");
    expect(await times(page, down)).toBe(1);
    // The OTP step: a wrong code flags the code field, which keeps what was typed.
    await phone.fill("07 00 00 00 03");
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    const code = dlg.getByLabel("Confirmation code");
    await code.fill("000000");
    await dlg.getByRole("button", { name: "Confirm code" }).click();
    await dlg.getByRole("alert").getByText("Wrong code. Try again.").waitFor();
    await page.clock.runFor(200);
    expect(await code.getAttribute("aria-invalid")).toBe("true");
    expect(await code.inputValue()).toBe("000000");
    expect(await times(page, "Wrong code")).toBe(1);
    await code.fill("12345");
    expect(await code.getAttribute("aria-invalid")).toBe("false");
    expect(await times(page, "Wrong code")).toBe(0);
    await ctx.close();
  });
});

describe("states", () => {
  it("the OTP step follows the payment's status: expired while the code is awaited, the page says so", async () => {
    const ctx = await context(browser);
    const page = await ctx.newPage();
    const reference = `otp-expiry-${Date.now()}`;
    shop.pages.set("/otp-expiry", widgetPage(t.url, { publicKey: m.pk, amount: 1200, currency: "XOF", reference }));
    await page.goto(`${shop.origin}/otp-expiry`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).click();
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Phone number").fill("07 00 00 00 03");
    await pauseClock(page);
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await dlg.getByLabel("Confirmation code").waitFor();
    const [payment] = (await t.call("GET", `/v1/payments?reference=${reference}`, { token: m.sk })).body.data;
    clock.advance(601_000);
    await expirePayments(t.app.ctx);
    expect((await t.call("GET", `/v1/payments/${payment.id}`, { token: m.sk })).body.data.status).toBe("expired");
    await page.clock.runFor(2000);
    await expectState(page, "expired", 5000);
    await dlg.getByRole("heading", { name: "The payment timed out" }).waitFor();
    expect((await events(page)).find((e) => e.type === "error")?.error?.code).toBe("payment_expired");
    await ctx.close();
  });

  it("the session ends while the customer is on the details step: « Pay » says the checkout has ended and offers the way back (hosted: the page drawn again as expired, with the shop's link; widget: Close)", async () => {
    const s = await createSession(t, m, { allowed_countries: ["CI"], cancel_url: `${shop.origin}/cart` });
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(s.url);
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Phone number").fill("07 00 00 00 00");
    expect((await t.call("POST", `/v1/checkout/sessions/${s.id}/expire`, { token: m.sk })).status).toBe(200);
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    // The hosted page reloads, and the server draws the session as it is now.
    await page.locator('main[data-state="expired"]').waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This payment page has expired.");
    expect(await page.locator("main").textContent()).not.toMatch(/timed out/);
    const back = page.getByRole("link", { name: "Back to the shop" });
    expect(await back.getAttribute("href")).toBe(`${shop.origin}/cart`);
    await back.click();
    await page.waitForURL(`${shop.origin}/cart`);

    const w = await createSession(t, m, { allowed_countries: ["CI"] });
    shop.pages.set("/ended", widgetPage(t.url, { clientSecret: w.client_secret, locale: "fr" }));
    await page.goto(`${shop.origin}/ended`);
    await page.click("#pay-btn");
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Numéro de téléphone").fill("07 00 00 00 00");
    expect((await t.call("POST", `/v1/checkout/sessions/${w.id}/expire`, { token: m.sk })).status).toBe(200);
    await dlg.getByRole("button", { name: /^Payer/ }).click();
    await dlg.getByRole("heading", { name: "Cette session de paiement est terminée." }).waitFor();
    await dlg.getByRole("button", { name: "Fermer", exact: true }).filter({ hasText: "Fermer" }).click();
    await dlg.waitFor({ state: "detached" });
    expect((await events(page)).map((e) => e.type)).toEqual(["error", "close"]);
    await ctx.close();
  });
});

describe("language", () => {
  it("the widget speaks the session's locale when the page passes none (an English browser, a French session)", async () => {
    const s = await createSession(t, m, { allowed_countries: ["CI"], locale: "fr" });
    shop.pages.set("/session-fr", widgetPage(t.url, { clientSecret: s.client_secret }));
    const ctx = await context(browser, { locale: "en-US" });
    const page = await ctx.newPage();
    await page.goto(`${shop.origin}/session-fr`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("heading", { name: "Choisissez votre moyen de paiement" }).waitFor();
    expect(await page.locator("[data-zerofee-checkout]").evaluate((el) => el.shadowRoot?.querySelector("[role=dialog]")?.getAttribute("lang"))).toBe("fr");
    await ctx.close();
  });
});
