/**
 * checkout.js in real Chromium: what keeps a customer from paying twice or being left stuck
 * (SPEC §8: another payment only once the previous one is terminal; never a silent failure).
 * No way out of a live USSD push to a second payment; an Enter pressed twice on « Payer »
 * lands on the heading, not on a control; the same « Payer » after a 503 resumes that payment;
 * a closed popup is said and offered again; a cancelled payment reads as cancelled; the
 * hosted page's cancel exists only where it can go somewhere and nothing is under way; the
 * customer reads their language, never the server's developer text; lost connections and a
 * catalogue that did not load are said, with a way on.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { actOnProviderPage, context, dialog, events, expectState, launchEarly, pauseClock, type Site, startSite, widgetPage } from "./browser.js";
import { createSession, orange, pay, payHostedSession } from "./helpers.js";
import { installPollClock, pollUntil, pollUntilState, pollUntilUrl } from "./poll-clock.js";

let t: TestApp;
let m: Merchant;
let shop: Site;
let browser: Browser;
let chromium: ReturnType<typeof launchEarly> | undefined;

beforeAll(async () => {
  // Chromium starts while the server boots.
  chromium = launchEarly();
  t = await startTestApp();
  m = await createMerchant(t, "safety-shop");
  shop = await startSite("localhost");
  browser = await chromium.browser;
});
afterAll(async () => {
  await chromium?.close();
  await shop?.close();
  await t?.stop();
});

const paymentsWith = async (reference: string) =>
  (await t.call("GET", `/v1/payments?reference=${reference}&limit=100`, { token: m.sk })).body.data as Array<{ id: string; status: string }>;

/** Opens the simple-mode widget on `path` and pays `phone` by Orange Money in Côte d'Ivoire. */
async function payOrange(page: Page, path: string, options: Record<string, unknown>, phone: string): Promise<void> {
  shop.pages.set(path, widgetPage(t.url, { publicKey: m.pk, currency: "XOF", ...options }));
  await page.goto(`${shop.origin}${path}`);
  await page.click("#pay-btn");
  const dlg = dialog(page);
  await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).click();
  await dlg.getByRole("button", { name: "Orange Money" }).click();
  await dlg.getByLabel(/Phone number|Numéro de téléphone/).fill(phone);
  await dlg.getByRole("button", { name: /^(Pay|Payer)/ }).click();
}

const activeInDialog = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector("[data-zerofee-checkout]")?.shadowRoot?.activeElement;
    return el ? `${el.tagName.toLowerCase()}:${el.textContent ?? ""}` : null;
  });

describe("checkout.js — one payment at a time, never stuck", () => {
  it("a live USSD push offers no way to a second payment; Enter pressed twice stays on the wait; closing and reopening resumes the same payment", async () => {
    const reference = `push-${Date.now()}`;
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await payOrange(page, "/push", { amount: 3333, reference }, "07 00 00 00 02");
    await expectState(page, "processing");
    const dlg = dialog(page);
    await dlg.getByRole("heading", { name: "Confirm the payment on your phone" }).waitFor();
    // Focus sits on the heading: the Enter that follows a double press activates nothing.
    expect(await activeInDialog(page)).toBe("h3:Confirm the payment on your phone");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Enter");
    expect(await page.locator("[role=dialog]").getAttribute("data-state")).toBe("processing");
    // The only control left is closing the overlay, which keeps the payment.
    const buttons = await dlg.getByRole("button").allTextContents();
    expect(buttons).toEqual(["×"]);
    await dlg.getByText(/Nothing on your phone\?/).waitFor();
    await dlg.getByRole("button", { name: "Close" }).click();
    await page.click("#pay-btn");
    await expectState(page, "processing");
    await dlg.getByRole("heading", { name: "Confirm the payment on your phone" }).waitFor();
    const made = await paymentsWith(reference);
    expect(made).toHaveLength(1);
    expect(made[0]?.status).toBe("requires_action");
    await ctx.close();
  });

  it("the provider down at initiation: the customer's own words, and « Payer » again resumes the same payment instead of starting another", async () => {
    const reference = `down-${Date.now()}`;
    const ctx = await context(browser, { locale: "fr-FR" });
    const page = await ctx.newPage();
    await payOrange(page, "/down", { amount: 4100, reference }, "07 00 00 00 05");
    const dlg = dialog(page);
    await dlg.getByRole("alert").getByText("Ce moyen de paiement ne répond pas pour le moment. Réessayez dans un instant ou choisissez-en un autre.").waitFor();
    const first = await paymentsWith(reference);
    expect(first).toHaveLength(1);
    const again = page.waitForResponse((r) => r.url().endsWith("/v1/checkout/pay"));
    await dlg.getByRole("button", { name: /^Payer/ }).click();
    expect((await again).status()).toBe(503);
    await dlg
      .getByRole("alert")
      .getByText(/ne répond pas/)
      .waitFor();
    expect((await paymentsWith(reference)).map((p) => p.id)).toEqual(first.map((p) => p.id));
    await ctx.close();
  });

  it("a developer's mistake reaches the console, not the customer: a fractional amount throws at once; a refused request shows the customer's own text", async () => {
    const ctx = await context(browser);
    const page = await ctx.newPage();
    const warnings: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "warning") warnings.push(msg.text());
    });
    shop.pages.set("/blank", "<!doctype html><title>shop</title>");
    await page.goto(`${shop.origin}/blank`);
    await page.addScriptTag({ url: `${t.url}/checkout.js` });
    const thrown = await page.evaluate(() => {
      try {
        new (window as unknown as { ZeroFeeCheckout: new (o: object) => unknown }).ZeroFeeCheckout({ publicKey: "pk_test_x", amount: 50.5, currency: "XOF" });
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(thrown).toMatch(/amount must be a positive integer in the currency's minor unit/);
    // The server refuses the description (over its length limit): the customer reads the widget's words.
    await payOrange(page, "/long", { amount: 1500, description: "d".repeat(600) }, "07 00 00 00 00");
    const dlg = dialog(page);
    await dlg.getByRole("alert").getByText("Something went wrong. Please try again.").waitFor();
    expect(await dlg.textContent()).not.toMatch(/description/);
    expect(warnings.some((w) => w.includes("ZeroFeeCheckout: the server answered 400 validation_error") && w.includes("description"))).toBe(true);
    await ctx.close();
  });

  it("the methods did not load: the customer can try again; a lost connection while waiting is said, then cleared", async () => {
    const ctx = await context(browser);
    const page = await ctx.newPage();
    let refuse = true;
    await page.route("**/v1/checkout/methods**", (route) => (refuse ? route.abort("connectionrefused") : route.continue()));
    shop.pages.set("/flaky", widgetPage(t.url, { publicKey: m.pk, amount: 1700, currency: "XOF" }));
    await page.goto(`${shop.origin}/flaky`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("alert").getByText("Connection lost. Check your network and try again.").waitFor();
    refuse = false;
    await dlg.getByRole("button", { name: "Try again" }).click();
    await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).click();
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Phone number").fill("07 00 00 00 02");
    await pauseClock(page);
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await expectState(page, "processing");
    let down = true;
    await page.route("**/v1/payments/*/status", (route) => (down ? route.abort("connectionrefused") : route.continue()));
    const polled = async () => {
      const answered = page.waitForEvent("requestfailed", (r) => r.url().includes("/status")).catch(() => null);
      await page.clock.runFor(2000);
      return answered;
    };
    await polled();
    expect(await dlg.getByText("Connection lost, retrying…").count()).toBe(0);
    await polled();
    await dlg.getByText("Connection lost, retrying…").waitFor();
    down = false;
    const back = page.waitForResponse((r) => r.url().includes("/status"));
    await page.clock.runFor(2000);
    await back;
    await dlg.getByText("Connection lost, retrying…").waitFor({ state: "detached" });
    expect(await page.locator("[role=dialog]").getAttribute("data-state")).toBe("processing");
    await ctx.close();
  });

  it("a closed payment window is said and offered again; the reopened window pays", async () => {
    const s = await createSession(t, m, { currency: "EUR", amount: 1250 });
    shop.pages.set("/closed-popup", widgetPage(t.url, { clientSecret: s.client_secret }));
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(`${shop.origin}/closed-popup`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Card" }).click();
    const [popup] = await Promise.all([page.waitForEvent("popup"), dlg.getByRole("button", { name: /^Pay/ }).click()]);
    await expectState(page, "redirect_waiting");
    await popup.waitForURL(/\/sandbox\//);
    await popup.close();
    await dlg.getByRole("heading", { name: "The payment window was closed." }).waitFor();
    expect(await activeInDialog(page)).toBe("button:Reopen the payment window");
    const [again] = await Promise.all([page.waitForEvent("popup"), dlg.getByRole("button", { name: "Reopen the payment window" }).click()]);
    await dlg.getByRole("heading", { name: "Complete the payment in the window that opened." }).waitFor();
    await again.waitForURL(/\/sandbox\//);
    await actOnProviderPage(again, "approve");
    await expectState(page, "completed");
    expect((await t.call("GET", `/v1/checkout/sessions/${s.id}`, { token: m.sk })).body.data.status).toBe("complete");
    await ctx.close();
  });

  it("a payment cancelled on the provider's page reads as cancelled, not failed", async () => {
    const ctx = await context(browser, { locale: "fr-FR" });
    const page = await ctx.newPage();
    shop.pages.set("/cancel", widgetPage(t.url, { publicKey: m.pk, amount: 2200, currency: "XOF" }));
    await page.goto(`${shop.origin}/cancel`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Carte bancaire" }).click();
    const [popup] = await Promise.all([page.waitForEvent("popup"), dlg.getByRole("button", { name: /^Payer/ }).click()]);
    await popup.waitForURL(/\/sandbox\//);
    await actOnProviderPage(popup, "cancel");
    await expectState(page, "failed");
    await dlg.getByRole("heading", { name: "Paiement annulé" }).waitFor();
    expect(await dlg.getByText("✕").count()).toBe(0);
    const error = (await events(page)).find((e) => e.type === "error");
    expect(error?.error).toEqual({ code: "payment_cancelled", message: "Paiement annulé" });
    await ctx.close();
  });

  it("OTP in French: the widget's own instructions (Orange Money CI's dial code), with the sandbox code in test mode; the operator picked by the number shows on the whole step", async () => {
    const ctx = await context(browser, { locale: "fr-FR" });
    const page = await ctx.newPage();
    shop.pages.set("/otp-fr", widgetPage(t.url, { publicKey: m.pk, amount: 1900, currency: "XOF" }));
    await page.goto(`${shop.origin}/otp-fr`);
    await page.click("#pay-btn");
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Côte d'Ivoire", exact: true }).click();
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    const phone = dlg.getByLabel("Numéro de téléphone");
    await phone.fill("05 00 00 00 00");
    await dlg.getByText("Opérateur : MTN Mobile Money").waitFor();
    expect(await page.locator("[role=dialog] #zf-m").textContent()).toContain("MTN Mobile Money");
    await phone.fill("07 00 00 00 03");
    await dlg.getByText("Opérateur : Orange Money").waitFor();
    expect(await page.locator("[role=dialog] #zf-m").textContent()).toContain("Orange Money");
    await dlg.getByRole("button", { name: /^Payer/ }).click();
    await dlg.getByLabel("Code de confirmation").waitFor();
    await dlg
      .getByText("Composez le #144*82# sur votre ligne Orange Money pour obtenir un code de paiement, puis saisissez-le ici. (bac à sable : 123456)")
      .waitFor();
    expect(await dlg.textContent()).not.toMatch(/Enter the code/);
    await ctx.close();
  });
});

describe("hosted page — its cancel", () => {
  it("offered only with a cancel URL, and not while a payment is under way", async () => {
    const none = await createSession(t, m, { cancel_url: undefined, allowed_countries: ["CI"] });
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(none.url);
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Orange Money" }).waitFor();
    expect(await dlg.getByRole("button", { name: "Cancel payment" }).count()).toBe(0);
    // Focus on the step's heading (read out), not on a control (the missing × shifts nothing).
    expect(await activeInDialog(page)).toBe("h3:Choose how to pay");

    const withCancel = await createSession(t, m, { allowed_countries: ["CI"] });
    await page.goto(withCancel.url);
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    expect(await dlg.getByRole("button", { name: "Cancel payment" }).count()).toBe(1);
    await dlg.getByLabel("Phone number").fill("07 00 00 00 02");
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await expectState(page, "processing");
    expect(await dlg.getByRole("button", { name: "Cancel payment" }).count()).toBe(0);
    await ctx.close();
  });

  it("opened again elsewhere while its payment is under way, the page follows that payment instead of offering a second one; once it ends, the customer can pay", async () => {
    const s = await createSession(t, m, { allowed_countries: ["CI"], cancel_url: undefined, success_url: `${shop.origin}/thanks` });
    const first = await browser.newContext({ locale: "en-US" });
    const a = await first.newPage();
    await a.goto(s.url);
    const da = dialog(a);
    await da.getByRole("button", { name: "Orange Money" }).click();
    await da.getByLabel("Phone number").fill("07 00 00 00 02");
    await da.getByRole("button", { name: /^Pay/ }).click();
    await expectState(a, "processing");
    // Another tab (its own storage), as on another device.
    const second = await browser.newContext({ locale: "en-US" });
    const b = await second.newPage();
    await installPollClock(b);
    await b.goto(s.url);
    const db = dialog(b);
    await db.getByRole("heading", { name: "A payment for this order is already under way" }).waitFor();
    expect(await b.locator("[role=dialog]").getAttribute("data-state")).toBe("processing");
    expect(await db.getByRole("button").count()).toBe(0);
    // The merchant cancels it (say, the customer called): the page says so and offers the choice again.
    const session = (await t.call("GET", `/v1/checkout/sessions/${s.id}`, { token: m.sk })).body.data;
    expect((await t.call("POST", `/v1/payments/${session.payments[0]}/cancel`, { token: m.sk })).status).toBe(200);
    await pollUntilState(b, "failed");
    await expectState(b, "failed");
    await db.getByRole("heading", { name: "Payment cancelled" }).waitFor();
    await db.getByRole("button", { name: "Try another way to pay" }).click();
    await db.getByRole("button", { name: "Orange Money" }).click();
    await db.getByLabel("Phone number").fill("07 00 00 00 00");
    await db.getByRole("button", { name: /^Pay/ }).click();
    await pollUntilUrl(b, new RegExp(`^${shop.origin}/thanks\\?session_id=${s.id}$`));
    await b.waitForURL(new RegExp(`^${shop.origin}/thanks\\?session_id=${s.id}$`), { timeout: 20_000 });
    expect((await t.call("GET", `/v1/checkout/sessions/${s.id}`, { token: m.sk })).body.data.status).toBe("complete");
    await first.close();
    await second.close();
  });

  it("paid in another tab: « Pay » here takes the customer to the paid session's page (the way to success_url), never to the cart as an ended checkout", async () => {
    const s = await createSession(t, m, { allowed_countries: ["CI"], success_url: `${shop.origin}/thanks`, cancel_url: `${shop.origin}/cart` });
    const second = await browser.newContext({ locale: "en-US" });
    const b = await second.newPage();
    await b.goto(s.url);
    const db = dialog(b);
    await db.getByRole("button", { name: "Orange Money" }).click();
    await db.getByLabel("Phone number").fill("07 00 00 00 00");
    // Meanwhile the order is paid in another tab (as its page does; resolves once complete).
    expect((await payHostedSession(t, m, s.url)).status).toBe("complete");
    // It said "This checkout has ended." with a link to the cart, where the customer might pay again.
    await db.getByRole("button", { name: /^Pay/ }).click();
    await b.locator('main[data-state="completed"]').waitFor();
    expect(await b.getByRole("heading", { level: 1 }).textContent()).toBe("This payment is already complete.");
    expect(await b.getByRole("link", { name: "Back to the shop" }).getAttribute("href")).toBe(`${shop.origin}/thanks`);
    await second.close();
  });

  it("refused while another payment of the session runs (409), the page follows that payment; once it ends, « Payer » works again (a stored 409 is never replayed at the customer)", async () => {
    const s = await createSession(t, m, { allowed_countries: ["CI"], success_url: `${shop.origin}/thanks` });
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await installPollClock(page);
    await page.goto(s.url);
    const dlg = dialog(page);
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Phone number").fill("07 00 00 00 00");
    // Meanwhile the session's payment starts elsewhere (another device), after this page loaded.
    const other = await pay(t, s.client_secret, orange("02"));
    expect(other.status, other.text).toBe(201);
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    // As a page opened after that payment started would: it is followed, not a dead end.
    await dlg.getByRole("heading", { name: "A payment for this order is already under way" }).waitFor();
    expect(await page.locator("[role=dialog]").getAttribute("data-state")).toBe("processing");
    expect(await dlg.getByText("A payment is already in progress.").count()).toBe(0);
    expect(await dlg.getByLabel("Phone number").count()).toBe(0);
    expect((await t.call("POST", `/v1/payments/${other.body.data.id}/cancel`, { token: m.sk })).status).toBe(200);
    await pollUntil(page, async () => (await dlg.getByRole("heading", { name: "Payment cancelled" }).count()) > 0);
    await dlg.getByRole("heading", { name: "Payment cancelled" }).waitFor();
    await dlg.getByRole("button", { name: "Try another way to pay" }).click();
    await dlg.getByRole("button", { name: "Orange Money" }).click();
    await dlg.getByLabel("Phone number").fill("07 00 00 00 00");
    await dlg.getByRole("button", { name: /^Pay/ }).click();
    await pollUntilUrl(page, new RegExp(`^${shop.origin}/thanks\\?session_id=${s.id}$`));
    await page.waitForURL(new RegExp(`^${shop.origin}/thanks\\?session_id=${s.id}$`), { timeout: 20_000 });
    await ctx.close();
  });

  it("an expired session tells the page (onError) as well as the customer", async () => {
    const s = await createSession(t, m);
    expect((await t.call("POST", `/v1/checkout/sessions/${s.id}/expire`, { token: m.sk })).status).toBe(200);
    shop.pages.set("/expired-cb", widgetPage(t.url, { clientSecret: s.client_secret }));
    const ctx = await context(browser);
    const page = await ctx.newPage();
    await page.goto(`${shop.origin}/expired-cb`);
    await page.click("#pay-btn");
    await expectState(page, "expired");
    expect((await events(page)).filter((e) => e.type === "error").map((e) => e.error?.code)).toEqual(["checkout_session_closed"]);
    await ctx.close();
  });
});
