/**
 * The dashboard with several apps, in real Chromium against the real server: an app's page
 * names that app in every call whatever the header had, the header follows the page, the
 * delivery log keeps its rows, open panels and messages while it refreshes (calmly), events
 * parked for want of an endpoint read as such, and deleting an app asks in the page.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installPollClock, pollUntil } from "../checkout/poll-clock.js";
import { eventually, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { type Receiver, receiverPool } from "../webhooks/receiver.js";
import { demoLogin, demoToken, expectClean, launchEarly, openPage, signIn, type Watch } from "./helpers.js";

let t: TestApp;
let browser: Browser;
let chromium: ReturnType<typeof launchEarly> | undefined;
let demo: Awaited<ReturnType<typeof demoLogin>>;
let page: Page;
let receiver: Receiver;
let token = "";
const receivers = receiverPool();
const w: Watch = { errors: [], foreign: [] };

/** A second app of the demo account, with a test secret key: through the public API, as a merchant would. */
async function newApp(name: string): Promise<{ id: string; sk: string }> {
  const app = await t.call("POST", "/v1/apps", { token, body: { name } });
  expect(app.status, app.text).toBe(201);
  const key = await t.call("POST", `/v1/apps/${app.body.data.id}/keys`, { token, body: { type: "secret", mode: "test" } });
  expect(key.status, key.text).toBe(201);
  return { id: app.body.data.id, sk: key.body.data.key };
}

beforeAll(async () => {
  // Chromium starts while the server boots and the demo is seeded.
  chromium = launchEarly();
  t = await startTestApp({ workers: true });
  demo = await demoLogin(t);
  w.allow404 = [];
  receiver = await receivers.start();
  token = await demoToken(t, demo);
  browser = await chromium.browser;
  ({ page } = await openPage(browser, t, w));
  page.setDefaultTimeout(15_000);
  await signIn(page, t.url, demo.email, demo.password);
  await nav("Overview").waitFor();
});
afterAll(async () => {
  await chromium?.close();
  await receivers.closeAll();
  await t?.stop();
});
beforeEach(() => {
  w.errors.splice(0);
  w.foreign.splice(0);
});

const nav = (name: string) => page.getByRole("navigation").getByRole("link", { name, exact: true });
const picker = () => page.getByLabel("App", { exact: true });
const webhookSection = () => page.locator("#webhook").locator("xpath=..");

describe("two apps", () => {
  it("an app's page shows and acts in that app (deliveries, resend) whatever app the header had, and the header follows it", async () => {
    const second = await newApp("Second shop");
    await t.call("PUT", `/v1/apps/${second.id}/webhook`, { token, body: { mode: "test", url: receiver.url } });
    const sent = await t.call("POST", `/v1/apps/${second.id}/webhook/test`, { token, body: { mode: "test" } });
    const eventId: string = sent.body.data.event_id;
    await eventually(async () => receiver.delivered.get(eventId));
    // The header remembers the demo app; the second app's page is opened by its address.
    await page.reload();
    await picker().selectOption(demo.app_id);
    await page.goto(`${t.url}/dashboard/apps/${second.id}`);
    await expect.poll(() => picker().inputValue()).toBe(second.id);
    const row = page.locator(`tr[data-event="${eventId}"]`);
    await row.getByRole("button", { name: "Deliveries" }).click();
    const deliveries = page.getByRole("table", { name: `Deliveries ${eventId}` });
    await expect.poll(() => deliveries.getByRole("row").count()).toBe(2);
    await row.getByRole("button", { name: "Resend" }).click();
    await eventually(async () => (receiver.delivered.get(eventId)?.length ?? 0) > 1);
    expect(await page.getByRole("alert").count()).toBe(0);
    // Picking another app in the header on an app's page opens that app's page.
    await picker().selectOption(demo.app_id);
    await page.waitForURL(`${t.url}/dashboard/apps/${demo.app_id}`);
    await expect.poll(() => page.locator("#app-name").textContent()).toBe("Demo shop (test)");
    expectClean(w);
  });

  it("a payment's page is looked up in its own app and names it; switching app there goes back to the list", async () => {
    const third = await newApp("Third shop");
    const created = await t.call("POST", "/v1/payments", { token: third.sk, body: paymentBody("00", { reference: "third-1" }) });
    const paymentId: string = created.body.data.id;
    await eventually(async () => (await t.call("GET", `/v1/payments/${paymentId}`, { token: third.sk })).body.data.status === "completed");
    await nav("Transactions").click();
    await picker().selectOption(demo.app_id);
    // A link to the third app's payment, opened while the header shows the demo app: the page finds it and the header follows.
    w.allow404?.push(/\/v1\/payments\/txn_\w+$/); // the look-up in the demo app first
    await page.goto(`${t.url}/dashboard/transactions/${paymentId}`);
    await expect.poll(() => page.getByRole("list", { name: "Timeline" }).textContent()).toContain("Completed");
    expect(await picker().inputValue()).toBe(third.id);
    const events = page.locator("#events").locator("xpath=..");
    await expect.poll(() => events.locator("tr[data-event]").count()).toBeGreaterThan(0);
    // Parked for want of an endpoint: said so, in neutral terms, with the reason — not a red "Failed".
    const parked = events.locator("tr[data-event]").first();
    await expect.poll(() => parked.locator("[data-status]").getAttribute("data-status")).toBe("no_endpoint");
    expect(await parked.locator("[data-status]").textContent()).toBe("No endpoint");
    expect(await parked.textContent()).toContain("No webhook endpoint in this mode when the event was raised");
    expect(await parked.textContent()).not.toContain("Failed");
    w.allow404?.pop();
    await picker().selectOption(demo.app_id);
    await page.waitForURL(`${t.url}/dashboard/transactions`);
    expectClean(w);
  });

  it("deleting an app asks for its name in the page, then deletes it", async () => {
    const doomed = await newApp("Closing shop");
    await page.goto(`${t.url}/dashboard/apps/${doomed.id}`);
    await page.getByRole("button", { name: "Delete app" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete Closing shop?" });
    const confirm = dialog.getByRole("button", { name: "Delete app" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel("Name").fill("Closing shop");
    await confirm.click();
    await page.waitForURL(`${t.url}/dashboard/apps`);
    await expect.poll(async () => (await t.call("GET", `/v1/apps/${doomed.id}`, { token })).status).toBe(404);
    expect(await page.getByRole("link", { name: "Closing shop" }).count()).toBe(0);
    expectClean(w);
  });
});

describe("delivery log", () => {
  it("keeps its rows, an open Deliveries panel and 'Queued again.' while it refreshes a pending event, at a calm pace", async () => {
    receiver.behave = () => ({ status: 500 }); // first attempt fails; the next is a minute away: the event stays pending
    await t.call("PUT", `/v1/apps/${demo.app_id}/webhook`, { token, body: { mode: "test", url: receiver.url } });
    // The log's refreshes run on the page's clock: moved on where the test waits for one, left to run in real time where it measures their pace.
    await installPollClock(page);
    await page.goto(`${t.url}/dashboard/apps/${demo.app_id}`);
    const polls: number[] = [];
    page.on("request", (r) => {
      if (/\/v1\/events\?/.test(r.url())) polls.push(Date.now());
    });
    await page.getByRole("button", { name: "Send test event" }).click();
    const notice = webhookSection().getByRole("status").filter({ hasText: "Test event sent" });
    const eventId = (await notice.locator(".mono").textContent()) ?? "";
    expect(eventId).toMatch(/^evt_/);
    const row = page.locator(`tr[data-event="${eventId}"]`);
    await expect.poll(() => row.locator("[data-status]").getAttribute("data-status")).toBe("pending");
    const shownPending = polls.length;
    // Once the server has made (and seen refused) the first attempt, one move of the page's clock brings the log's next
    // refresh — unless that refresh already came by itself: then the clock is left alone, so the pace measured below is
    // the page's own.
    await eventually(async () => (await t.call("GET", `/v1/events/${eventId}`, { token: demo.secret_key })).body.data?.delivery?.attempts >= 1);
    if (polls.length === shownPending) await page.clock.fastForward(2000);
    await expect.poll(() => row.locator("td").nth(3).textContent(), { timeout: 10_000 }).toBe("1"); // the log's next refresh
    await row.getByRole("button", { name: "Deliveries" }).click();
    const deliveries = page.getByRole("table", { name: `Deliveries ${eventId}` });
    await expect.poll(() => deliveries.getByRole("row").count()).toBe(2);
    // Marks on the very elements shown: a rebuilt table would lose them.
    const mark = (el: Element) => {
      (el as Element & { kept?: boolean }).kept = true;
    };
    const kept = (el: Element) => (el as Element & { kept?: boolean }).kept === true;
    await row.evaluate(mark);
    await deliveries.evaluate(mark);
    // The next refresh comes, seconds after the last one (not every second).
    const seen = polls.length;
    await expect.poll(() => polls.length, { timeout: 10_000 }).toBeGreaterThan(seen);
    const gap = (polls[seen] ?? 0) - (polls[seen - 1] ?? 0);
    expect(gap, `refreshed ${gap} ms after the previous one`).toBeGreaterThanOrEqual(1_500);
    expect(await row.evaluate(kept)).toBe(true);
    expect(await deliveries.evaluate(kept)).toBe(true);
    expect(await row.getByRole("button", { name: "Deliveries" }).getAttribute("aria-expanded")).toBe("true");
    // Resend: the message stays, and the open panel shows the new attempt in place.
    await row.getByRole("button", { name: "Resend" }).click();
    await expect.poll(() => row.textContent()).toContain("Queued again.");
    await pollUntil(page, async () => (await deliveries.getByRole("row").count()) === 3);
    await expect.poll(() => deliveries.getByRole("row").count(), { timeout: 10_000 }).toBe(3);
    const afterResend = polls.length;
    await pollUntil(page, async () => polls.length > afterResend);
    await expect.poll(() => polls.length, { timeout: 10_000 }).toBeGreaterThan(afterResend);
    expect(await row.textContent()).toContain("Queued again.");
    expect(await row.evaluate(kept)).toBe(true);
    expect(await deliveries.evaluate(kept)).toBe(true);
    receiver.behave = () => ({ status: 200 });
    expectClean(w);
  });
});
