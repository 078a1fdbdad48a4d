/**
 * Secrets shown once belong to one app and mode (SPEC §11, docs/dashboard.md "Apps"): an API key
 * or a webhook signing secret made under "test" leaves the screen when the header switches to
 * live, so it is never read, copied or pasted as the live one.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../harness.js";
import { type Receiver, receiverPool } from "../webhooks/receiver.js";
import { clearWatch, demoLogin, expectClean, launch, openPage, signIn, type Watch } from "./helpers.js";

let t: TestApp;
let browser: Browser;
let demo: Awaited<ReturnType<typeof demoLogin>>;
let ctx: BrowserContext;
let page: Page;
let receiver: Receiver;
const receivers = receiverPool();
const w: Watch = { errors: [], foreign: [] };

beforeAll(async () => {
  t = await startTestApp({ workers: true });
  demo = await demoLogin(t);
  receiver = await receivers.start();
  browser = await launch();
  ({ ctx, page } = await openPage(browser, t, w));
  page.setDefaultTimeout(15_000);
  await signIn(page, t.url, demo.email, demo.password);
  await page.getByRole("navigation").getByRole("link", { name: "Overview" }).waitFor();
});
afterAll(async () => {
  await ctx?.close();
  await browser?.close();
  await receivers.closeAll();
  await t?.stop();
});
beforeEach(async () => {
  clearWatch(w);
  // Every test starts on the app's page in test mode.
  await page.goto(`${t.url}/dashboard/apps/${demo.app_id}`);
  const toggle = page.getByRole("switch", { name: "Test mode" });
  if ((await toggle.getAttribute("aria-checked")) !== "true") await toggle.click();
  await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("true");
});

const toggle = () => page.getByRole("switch", { name: "Test mode" });
const secrets = () => page.locator("[data-secret]");

describe("a secret shown once, then the mode switched", () => {
  it("a test API key leaves the screen under live and does not come back under test", async () => {
    await page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => secrets().textContent()).toMatch(/^sk_test_/);
    await toggle().click();
    await expect.poll(() => toggle().getAttribute("aria-checked")).toBe("false");
    // The live page has loaded (its webhook section says it has no endpoint) and holds no secret.
    await page.getByText("No endpoint for this mode yet", { exact: false }).waitFor();
    await expect.poll(() => secrets().count()).toBe(0);
    await toggle().click();
    await expect.poll(() => toggle().getAttribute("aria-checked")).toBe("true");
    await page.getByRole("button", { name: "Create key" }).waitFor();
    expect(await secrets().count()).toBe(0);
    expectClean(w);
  });

  it("a test webhook signing secret leaves the screen under live, where no endpoint exists yet", async () => {
    const section = page.locator("#webhook").locator("xpath=..");
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await section.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => secrets().textContent()).toMatch(/^whsec_/);
    await toggle().click();
    await expect.poll(() => toggle().getAttribute("aria-checked")).toBe("false");
    await section.getByText("No endpoint for this mode yet", { exact: false }).waitFor();
    await expect.poll(() => secrets().count()).toBe(0);
    expectClean(w);
  });
});

describe("rotating a webhook signing secret", () => {
  it("asks first: Cancel rotates nothing; confirming rotates and shows the new secret once", async () => {
    const section = page.locator("#webhook").locator("xpath=..");
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await section.getByRole("button", { name: "Save" }).click();
    await section.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const token = (await t.call("POST", "/v1/auth/login", { body: { email: demo.email, password: demo.password } })).body.data.token;
    const rotatedUntil = async () =>
      (await t.call("GET", `/v1/apps/${demo.app_id}/webhooks?mode=test`, { token })).body.data[0]?.previous_secret_expires_at ?? null;
    const before = await rotatedUntil();
    await section.getByRole("button", { name: "Rotate secret" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate the signing secret?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    // Nothing was rotated: the endpoint has no previous secret signing beside a new one.
    expect(await rotatedUntil()).toBe(before);
    expect(await section.getByRole("status").filter({ hasText: "New signing secret" }).count()).toBe(0);
    await section.getByRole("button", { name: "Rotate secret" }).click();
    await dialog.getByRole("button", { name: "Rotate secret" }).click();
    await dialog.waitFor({ state: "hidden" });
    await section.getByRole("status").filter({ hasText: "New signing secret" }).waitFor();
    expect(await secrets().count()).toBe(1);
    expect(await secrets().textContent()).toMatch(/^whsec_/);
    expect(await rotatedUntil()).not.toBe(before);
    expectClean(w);
  });
});

describe("a provider form of the mode switched away from", () => {
  it("saves to its own mode while the other mode's forms are still on their way", async () => {
    const token = (await t.call("POST", "/v1/auth/login", { body: { email: demo.email, password: demo.password } })).body.data.token;
    const config = async (mode: string, provider: string) =>
      (await t.call("GET", `/v1/apps/${demo.app_id}/providers/${provider}?mode=${mode}`, { token })).body.data as { priority: number };
    const configs = (await t.call("GET", `/v1/apps/${demo.app_id}/providers?mode=test`, { token })).body.data;
    const provider = configs[0] as { provider: string; display_name: string };
    const liveBefore = (await config("live", provider.provider)).priority;
    const form = page.locator("#providers").locator("xpath=..").locator("details").filter({ hasText: provider.display_name });
    await form.locator("summary").click();
    await form.getByLabel("Priority").fill("42");
    // The live forms are slow to come: the test form stays on screen meanwhile.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route(/\/providers\?mode=live/, async (route) => {
      await held;
      await route.continue();
    });
    await toggle().click();
    await expect.poll(() => toggle().getAttribute("aria-checked")).toBe("false");
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "PUT" && r.url().endsWith(`/providers/${provider.provider}`)),
      form.getByRole("button", { name: "Save" }).click(),
    ]);
    const liveLoaded = page.waitForResponse((r) => /\/providers\?mode=live/.test(r.url()));
    release();
    await liveLoaded;
    await page.unroute(/\/providers\?mode=live/);
    expect(JSON.parse(put.request().postData() ?? "{}").mode).toBe("test");
    expect((await config("test", provider.provider)).priority).toBe(42);
    expect((await config("live", provider.provider)).priority).toBe(liveBefore);
    expectClean(w);
  });
});

/**
 * Live's `GET …/<what>?mode=live` is slow: the merchant switches to live and straight back to
 * test, test's answer comes first, then live's lands (late) — the race a form must not lose.
 */
async function liveLandsLast(what: "webhooks" | "routing") {
  const done = await holdLive(new RegExp(`/${what}\\?mode=live`));
  const testLoaded = page.waitForResponse((r) => new RegExp(`/${what}\\?mode=test`).test(r.url()));
  await toggle().click();
  await expect.poll(() => toggle().getAttribute("aria-checked")).toBe("false");
  await toggle().click();
  await expect.poll(() => toggle().getAttribute("aria-checked")).toBe("true");
  await testLoaded;
  await done();
}

/** Holds the other mode's GET of `path` until released: its forms are slow to come. */
async function holdLive(path: RegExp) {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  await page.route(path, async (route) => {
    await held;
    await route.continue();
  });
  return async () => {
    const loaded = page.waitForResponse((r) => path.test(r.url()));
    release();
    await loaded;
    await page.unroute(path);
  };
}

describe("the webhook and routing forms of the mode switched away from", () => {
  it("the test endpoint's URL is never saved as the live endpoint while the live one is on its way", async () => {
    const token = (await t.call("POST", "/v1/auth/login", { body: { email: demo.email, password: demo.password } })).body.data.token;
    const section = page.locator("#webhook").locator("xpath=..");
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await section.getByRole("button", { name: "Save" }).click();
    await section.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    const puts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "PUT" && r.url().endsWith("/webhook")) puts.push(JSON.parse(r.postData() ?? "{}").mode);
    });
    const done = await holdLive(/\/webhooks\?mode=live/);
    await toggle().click();
    await expect.poll(() => toggle().getAttribute("aria-checked")).toBe("false");
    // The test endpoint's URL is still in the field: Enter there must not make it the live endpoint.
    expect(await page.getByLabel("Endpoint URL").inputValue()).toBe(receiver.url);
    await page.getByLabel("Endpoint URL").press("Enter");
    await done();
    await section.getByText("No endpoint for this mode yet", { exact: false }).waitFor();
    expect(puts.filter((m) => m === "live")).toEqual([]);
    expect((await t.call("GET", `/v1/apps/${demo.app_id}/webhooks?mode=live`, { token })).body.data).toEqual([]);
    expectClean(w);
  });

  it("a late answer for the mode switched away from does not take over the webhook form: the save goes to the mode on screen", async () => {
    const token = (await t.call("POST", "/v1/auth/login", { body: { email: demo.email, password: demo.password } })).body.data.token;
    const section = page.locator("#webhook").locator("xpath=..");
    await page.getByLabel("Endpoint URL").fill(receiver.url);
    await section.getByRole("button", { name: "Save" }).click();
    await section.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    // Live's endpoint is slow to come; the merchant switches to live and straight back to test,
    // whose endpoint arrives first. Live's answer lands afterwards.
    await liveLandsLast("webhooks");
    // The form still holds the test endpoint, and saving it writes test, not live.
    await expect.poll(() => page.getByLabel("Endpoint URL").inputValue()).toBe(receiver.url);
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "PUT" && r.url().endsWith("/webhook")),
      section.getByRole("button", { name: "Save" }).click(),
    ]);
    expect(put.status(), await put.text()).toBe(200);
    expect(JSON.parse(put.request().postData() ?? "{}").mode).toBe("test");
    await section.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect((await t.call("GET", `/v1/apps/${demo.app_id}/webhooks?mode=live`, { token })).body.data).toEqual([]);
    expectClean(w);
  });

  it("a late answer for the mode switched away from does not take over the routing rules", async () => {
    const token = (await t.call("POST", "/v1/auth/login", { body: { email: demo.email, password: demo.password } })).body.data.token;
    const rules = async (mode: string) => (await t.call("GET", `/v1/apps/${demo.app_id}/routing?mode=${mode}`, { token })).body.data.rules;
    const mine = [{ payment_method: "PAYIN_MTN_CI", providers: ["test"] }];
    expect((await t.call("PUT", `/v1/apps/${demo.app_id}/routing`, { token, body: { mode: "test", rules: mine } })).status).toBe(200);
    const stored = await rules("test");
    const liveBefore = await rules("live");
    expect(liveBefore).not.toEqual(stored);
    await page.reload();
    const section = page.locator("#routing").locator("xpath=..");
    await expect.poll(async () => JSON.parse(await section.getByLabel("Rules (JSON)").inputValue())).toEqual(stored);
    await liveLandsLast("routing");
    await expect.poll(async () => JSON.parse(await section.getByLabel("Rules (JSON)").inputValue())).toEqual(stored);
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "PUT" && r.url().endsWith("/routing")),
      section.getByRole("button", { name: "Save" }).click(),
    ]);
    expect(put.status(), await put.text()).toBe(200);
    expect(JSON.parse(put.request().postData() ?? "{}").mode).toBe("test");
    expect(await rules("live")).toEqual(liveBefore);
    expectClean(w);
  });

  it("routing rules read for test are saved to test, not to live", async () => {
    const token = (await t.call("POST", "/v1/auth/login", { body: { email: demo.email, password: demo.password } })).body.data.token;
    const rules = async (mode: string) => (await t.call("GET", `/v1/apps/${demo.app_id}/routing?mode=${mode}`, { token })).body.data.rules;
    const liveBefore = await rules("live");
    const section = page.locator("#routing").locator("xpath=..");
    const mine = [{ payment_method: "PAYIN_ORANGE_CI", providers: ["test"] }];
    await section.getByLabel("Rules (JSON)").fill(JSON.stringify(mine));
    const done = await holdLive(/\/routing\?mode=live/);
    await toggle().click();
    await expect.poll(() => toggle().getAttribute("aria-checked")).toBe("false");
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "PUT" && r.url().endsWith("/routing")),
      section.getByRole("button", { name: "Save" }).click(),
    ]);
    await done();
    expect(put.status(), await put.text()).toBe(200);
    expect(JSON.parse(put.request().postData() ?? "{}").mode).toBe("test");
    expect(await rules("live")).toEqual(liveBefore);
    expectClean(w);
  });
});
