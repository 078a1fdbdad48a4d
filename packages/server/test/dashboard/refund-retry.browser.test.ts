/**
 * A refund whose answer is lost (the request reached the server, the reply never came back)
 * is never sent twice from the refund dialog: the dialog reads the payment again before it
 * sends another, and the retry carries the first request's Idempotency-Key (which the API
 * honours for a dashboard session too), so a request still running on the server is replayed.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { demoLogin, expectClean, launch, openPage, signIn, type Watch } from "./helpers.js";

let t: TestApp;
let browser: Browser;
let demo: Awaited<ReturnType<typeof demoLogin>>;
let ctx: BrowserContext;
let page: Page;
let paymentId = "";
const w: Watch = { errors: [], foreign: [] };

beforeAll(async () => {
  t = await startTestApp({ workers: true });
  demo = await demoLogin(t);
  const created = await t.call("POST", "/v1/payments", { token: demo.secret_key, body: paymentBody("00", { amount: 5000, reference: "order-lost-answer" }) });
  expect(created.status, created.text).toBe(201);
  paymentId = created.body.data.id;
  await eventually(async () => (await t.call("GET", `/v1/payments/${paymentId}`, { token: demo.secret_key })).body.data.status === "completed");
  browser = await launch();
  ({ ctx, page } = await openPage(browser, t, w));
  page.setDefaultTimeout(15_000);
  await signIn(page, t.url, demo.email, demo.password);
  await page.getByRole("navigation").getByRole("link", { name: "Overview" }).waitFor();
});
afterAll(async () => {
  await ctx?.close();
  await browser?.close();
  await t?.stop();
});

const refundsOnServer = async () =>
  (await t.call("GET", `/v1/payments/${paymentId}`, { token: demo.secret_key })).body.data.refunds as Array<{ amount: number }>;

describe("a refund whose answer is lost", () => {
  it("is not sent again: Refund a second time reads the payment, finds the refund made, and sends nothing", async () => {
    await page.goto(`${t.url}/dashboard/transactions/${paymentId}`);
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Amount").fill("1000");
    // The request reaches the server and refunds; its answer never reaches the page.
    let posts = 0;
    await page.route("**/v1/refunds", async (route) => {
      posts++;
      await route.fetch();
      await route.abort("connectionreset");
    });
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    await dialog.getByRole("alert").waitFor();
    const said = (await dialog.getByRole("alert").textContent()) ?? "";
    await page.unroute("**/v1/refunds");
    expect(await refundsOnServer()).toHaveLength(1);
    // The merchant presses Refund again, as the error invites.
    await page.route("**/v1/refunds", async (route) => {
      posts++;
      await route.continue();
    });
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    const madeAfterAll = dialog.getByRole("alert").filter({ hasText: "was made after all" });
    await expect.poll(async () => posts > 1 || (await madeAfterAll.count()) > 0).toBe(true);
    expect(posts, "refund requests sent").toBe(1);
    expect(await madeAfterAll.count()).toBe(1);
    expect(said).toContain("may have been made");
    expect((await refundsOnServer()).map((r) => r.amount)).toEqual([1000]);
    // Once the merchant knows, a new refund is sent as usual.
    await dialog.getByLabel("Amount").fill("500");
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(posts).toBe(2);
    expect((await refundsOnServer()).map((r) => r.amount).sort((a, b) => a - b)).toEqual([500, 1000]);
    w.errors.splice(0, w.errors.length, ...w.errors.filter((e) => !e.includes("ERR_CONNECTION_RESET")));
    expectClean(w);
  });

  it("a refund that never reached the server is sent again with the same Idempotency-Key, and made once", async () => {
    await page.goto(`${t.url}/dashboard/transactions/${paymentId}`);
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Amount").fill("300");
    const keys: string[] = [];
    await page.route("**/v1/refunds", async (route) => {
      keys.push(route.request().headers()["idempotency-key"] ?? "");
      if (keys.length === 1) await route.abort("connectionreset");
      else await route.continue();
    });
    const before = (await refundsOnServer()).length;
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    await dialog.getByRole("alert").waitFor();
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.unroute("**/v1/refunds");
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^dash_[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect((await refundsOnServer()).length).toBe(before + 1);
    w.errors.splice(0, w.errors.length, ...w.errors.filter((e) => !e.includes("ERR_CONNECTION_RESET")));
    expectClean(w);
  });
});
