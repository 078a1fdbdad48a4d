/**
 * The dashboard shows whole the short lists the API pages (20 rows by default, SPEC §4), in
 * real Chromium against the real server: an account with 25 apps sees all 25 in the header's
 * picker and on the Apps page, an app with 25 keys lists them all, and an event with 25
 * delivery attempts shows every one.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookAttempts } from "../../src/db/schema/index.js";
import { newId } from "../../src/lib/ids.js";
import { eventually, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { expectClean, launch, openPage, signIn, type Watch } from "./helpers.js";

let t: TestApp;
let browser: Browser;
let page: Page;
const w: Watch = { errors: [], foreign: [] };
const email = "many-rows@example.com";
const password = "correct horse battery";
let token = "";
const apps: string[] = [];
const keys: string[] = [];
let sk = "";

beforeAll(async () => {
  t = await startTestApp();
  const reg = await t.call("POST", "/v1/auth/register", { body: { email, password, name: "Many", company: "Many rows" } });
  expect(reg.status, reg.text).toBe(201);
  token = reg.body.data.token;
  for (let i = 1; i <= 25; i++) {
    const r = await t.call("POST", "/v1/apps", { token, body: { name: `Shop ${String(i).padStart(2, "0")}` } });
    expect(r.status, r.text).toBe(201);
    apps.push(r.body.data.id);
  }
  for (let i = 0; i < 25; i++) {
    const r = await t.call("POST", `/v1/apps/${apps[0]}/keys`, { token, body: { type: "secret", mode: "test" } });
    expect(r.status, r.text).toBe(201);
    keys.push(r.body.data.display);
    sk = r.body.data.key;
  }
  browser = await launch();
  ({ page } = await openPage(browser, t, w));
  page.setDefaultTimeout(15_000);
  await signIn(page, t.url, email, password);
  await page.getByRole("navigation").getByRole("link", { name: "Overview", exact: true }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe("more rows than one API page", () => {
  it("the header's app picker and the Apps page show all 25 apps", async () => {
    const picker = page.getByLabel("App", { exact: true });
    await expect.poll(() => picker.locator("option").count()).toBe(25);
    const values = await picker.locator("option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(new Set(values)).toEqual(new Set(apps));
    // The oldest app (on the API's second page) can be picked.
    await picker.selectOption(apps[0] as string);
    expect(await picker.inputValue()).toBe(apps[0]);
    await page.goto(`${t.url}/dashboard/apps`);
    for (let i = 1; i <= 25; i++) await page.getByRole("link", { name: `Shop ${String(i).padStart(2, "0")}`, exact: true }).waitFor();
    expect(await page.getByRole("table").locator("tbody tr").count()).toBe(25);
    expectClean(w);
  });

  it("an app's page lists all 25 of its keys", async () => {
    await page.goto(`${t.url}/dashboard/apps/${apps[0]}`);
    const table = page.locator("#keys").locator("xpath=..").getByRole("table");
    await expect.poll(() => table.locator("tbody tr").count()).toBe(25);
    const text = (await table.textContent()) ?? "";
    for (const display of keys) expect(text).toContain(display);
    expectClean(w);
  });

  it("an event's Deliveries panel shows all 25 attempts, oldest first", async () => {
    const created = await t.call("POST", "/v1/payments", { token: sk, body: paymentBody("00", { reference: "many-deliveries" }) });
    expect(created.status, created.text).toBeLessThan(300);
    const paymentId: string = created.body.data.id;
    const event = await eventually(async () => {
      const list = await t.call("GET", `/v1/events?object_id=${paymentId}&type=payment.created`, { token: sk });
      return list.body.data[0] as { id: string } | undefined;
    });
    const base = Date.now();
    const attempts = Array.from({ length: 25 }, (_, i) => ({
      id: newId("delivery", new Date(base + i)),
      eventId: event.id,
      appId: apps[0] as string,
      livemode: false,
      attempt: i + 1,
      url: "https://shop.example/hooks",
      statusCode: 500 + (i % 4),
      responseBody: null,
      durationMs: 10 + i,
      error: `attempt ${i + 1} failed`,
      createdAt: new Date(base + i),
    }));
    await t.database.db.insert(webhookAttempts).values(attempts);
    await page.goto(`${t.url}/dashboard/transactions/${paymentId}`);
    const row = page.locator(`tr[data-event="${event.id}"]`);
    await row.getByRole("button", { name: "Deliveries" }).click();
    const deliveries = page.getByRole("table", { name: `Deliveries ${event.id}` });
    await expect.poll(() => deliveries.locator("tr[data-delivery]").count()).toBe(25);
    const shown = await deliveries.locator("tr[data-delivery]").evaluateAll((rs) => rs.map((r) => r.getAttribute("data-delivery")));
    expect(shown).toEqual(attempts.map((a) => a.id));
    expectClean(w);
  });
});
