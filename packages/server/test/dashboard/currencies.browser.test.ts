/**
 * An app with payments in two currencies, in real Chromium against the real server: amounts are
 * never added across currencies (SPEC §10), so the overview shows one currency at a time, says
 * which, and lets the merchant pick another; the transactions' amount filter reads its amounts
 * in a currency the merchant sees and can choose, and sends it (`GET /v1/payments?currency=`).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, paymentBody, startTestApp, type TestApp } from "../harness.js";
import {
  clearWatch,
  completedEurPayment,
  demoLogin,
  demoToken,
  expectClean,
  launch,
  listedPaymentIds,
  navLink,
  openPage,
  signIn,
  type Watch,
} from "./helpers.js";

let t: TestApp;
let browser: Browser;
let demo: Awaited<ReturnType<typeof demoLogin>>;
let page: Page;
let appId = "";
/** 1 250 F CFA and 5 000 F CFA, then 12,50 € (1 250 cents): the same 1 250 in two currencies. */
let xofSmall = "";
let xofLarge = "";
let eur = "";
const w: Watch = { errors: [], foreign: [] };

beforeAll(async () => {
  t = await startTestApp({ workers: true });
  demo = await demoLogin(t);
  const token = await demoToken(t, demo);
  const app = await t.call("POST", "/v1/apps", { token, body: { name: "Two currencies" } });
  appId = app.body.data.id;
  const sk = (await t.call("POST", `/v1/apps/${appId}/keys`, { token, body: { type: "secret", mode: "test" } })).body.data.key;
  const xof = async (amount: number) => {
    const res = await t.call("POST", "/v1/payments", { token: sk, body: paymentBody("00", { amount }) });
    expect(res.status, res.text).toBe(201);
    await eventually(async () => (await t.call("GET", `/v1/payments/${res.body.data.id}`, { token: sk })).body.data.status === "completed");
    return res.body.data.id as string;
  };
  xofSmall = await xof(1250);
  xofLarge = await xof(5000);
  eur = await completedEurPayment(t, sk, 1250);
  browser = await launch();
  ({ page } = await openPage(browser, t, w));
  page.setDefaultTimeout(15_000);
  await signIn(page, t.url, demo.email, demo.password);
  await page.getByRole("navigation").getByRole("link", { name: "Overview" }).waitFor();
  await page.goto(`${t.url}/dashboard/apps/${appId}`); // opening an app's page makes it the header's app
  await page.getByRole("button", { name: "Create key" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});
beforeEach(() => clearWatch(w));

const nav = (name: string) => navLink(page, name);
const ids = () => listedPaymentIds(page);

describe("overview", () => {
  it("shows the main currency and says so; the merchant picks another, kept per app while the page is open", async () => {
    await nav("Overview").click();
    const title = page.locator("#stats");
    const stats = title.locator("xpath=..");
    const card = (label: string) => stats.locator(".card").filter({ has: page.getByText(label, { exact: true }) });
    await expect.poll(() => title.textContent()).toBe("Last 30 days, in XOF");
    await expect.poll(() => card("Volume").textContent()).toMatch(/6,250/);
    expect(await card("Payments").textContent()).toMatch(/2$/);
    const picker = stats.getByLabel("Currency");
    expect(await picker.locator("option").allTextContents()).toEqual(["EUR", "XOF"]);
    expect(await picker.inputValue()).toBe("XOF");
    // The EUR payment, nowhere in the XOF figures, is there in EUR.
    await picker.selectOption("EUR");
    await expect.poll(() => title.textContent()).toBe("Last 30 days, in EUR");
    await expect.poll(() => card("Volume").textContent()).toMatch(/€12\.50/);
    expect(await card("Payments").textContent()).toMatch(/1$/);
    expect(await stats.getByRole("table", { name: "Volume by day" }).textContent()).toContain("€12.50");
    // Kept while the merchant looks elsewhere.
    await nav("Transactions").click();
    await page.getByRole("heading", { name: "Transactions", level: 1 }).waitFor();
    await nav("Overview").click();
    await expect.poll(() => title.textContent()).toBe("Last 30 days, in EUR");
    expect(await picker.inputValue()).toBe("EUR");
    // The choice belongs to the app: another app's overview opens on its own main currency.
    await page.getByLabel("App", { exact: true }).selectOption(demo.app_id);
    await expect.poll(() => title.textContent()).toBe("Last 30 days");
    await page.getByLabel("App", { exact: true }).selectOption(appId);
    await expect.poll(() => title.textContent()).toBe("Last 30 days, in EUR");
    // A new visit opens on the main currency.
    await page.reload();
    await expect.poll(() => title.textContent()).toBe("Last 30 days, in XOF");
    expectClean(w);
  });
});

describe("transactions", () => {
  it("the amount filter reads amounts in the currency shown beside it, chosen by the merchant, and sends that currency", async () => {
    await nav("Transactions").click();
    await expect.poll(ids).toEqual([eur, xofLarge, xofSmall]);
    const currency = page.getByLabel("Currency", { exact: true });
    expect(await currency.locator("option").allTextContents()).toEqual(["Any", "EUR", "XOF"]);
    await expect.poll(() => page.locator('label[for="f-amount_from"]').textContent()).toBe("Amount from (XOF)");
    // "From 12.50" in euros: the 12,50 € payment, not the XOF payments of 1 250 and 5 000.
    await currency.selectOption("EUR");
    await expect.poll(() => page.locator('label[for="f-amount_from"]').textContent()).toBe("Amount from (EUR)");
    await page.getByLabel("Amount from").fill("12.50");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((u) => u.searchParams.get("currency") === "EUR" && u.searchParams.get("amount_from") === "1250");
    await expect.poll(ids).toEqual([eur]);
    // "From 1,250" in XOF: the XOF payments only, not the 1 250 cents of the euro one.
    await currency.selectOption("XOF");
    await page.getByLabel("Amount from").fill("1,250");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((u) => u.searchParams.get("currency") === "XOF");
    await expect.poll(ids).toEqual([xofLarge, xofSmall]);
    // "Any" currency with an amount: the amount is read in the main currency, and the address says so.
    await currency.selectOption("");
    await page.getByLabel("Amount to").fill("2000");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL((u) => u.searchParams.get("amount_to") === "2000");
    expect(new URL(page.url()).searchParams.get("currency")).toBe("XOF");
    await expect.poll(ids).toEqual([xofSmall]);
    // A link written before the currency filter: its amounts are in the main currency.
    await page.goto(`${t.url}/dashboard/transactions?amount_from=1250`);
    await expect.poll(ids).toEqual([xofLarge, xofSmall]);
    expect(await page.locator('label[for="f-amount_from"]').textContent()).toBe("Amount from (XOF)");
    // The currency alone filters the list.
    await page.goto(`${t.url}/dashboard/transactions?currency=EUR`);
    await expect.poll(ids).toEqual([eur]);
    await page.getByRole("button", { name: "Reset" }).click();
    await expect.poll(ids).toEqual([eur, xofLarge, xofSmall]);
    expect(await currency.inputValue()).toBe("");
    expectClean(w);
  });
});
