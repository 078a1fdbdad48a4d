/**
 * The dashboard's money pages (issue #12, SPEC §10–11) in real Chromium against the real
 * server: overview totals and chart from `GET /v1/stats`, a partial refund through the
 * dialog, the refunds list, and a settlement after `zerofee settle` with its payments and CSV.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeSettlements } from "../../src/services/settlements/close.js";
import { captureChildLogs, eventually, onPostgres, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { demoLogin, EXPECTED_404S, expectClean, launch, openPage, shot, signIn, type Watch } from "./helpers.js";

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
  w.allow404 = EXPECTED_404S;
  const created = await t.call("POST", "/v1/payments", { token: demo.secret_key, body: paymentBody("00", { amount: 5000, reference: "order-money-1" }) });
  expect(created.status, created.text).toBe(201);
  paymentId = created.body.data.id;
  await eventually(async () => (await t.call("GET", `/v1/payments/${paymentId}`, { token: demo.secret_key })).body.data.status === "completed");
  browser = await launch();
  ({ ctx, page } = await openPage(browser, t, w));
  await signIn(page, t.url, demo.email, demo.password);
  await page.getByRole("navigation").getByRole("link", { name: "Overview" }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

// Each test answers for its own page: one failing does not fail the next by its console lines.
beforeEach(() => {
  w.errors.splice(0);
  w.foreign.splice(0);
});

const nav = (name: string) => page.getByRole("navigation").getByRole("link", { name, exact: true });

/** `npx zerofee settle`: the CLI as its own process on PostgreSQL; on PGlite (one process) the function it runs. */
async function settle(): Promise<string> {
  if (onPostgres && t.databaseUrl) {
    const main = join(import.meta.dirname, "../../src/main.ts");
    const child = spawn(process.execPath, ["--import", "tsx", main, "settle"], {
      env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: "warn", NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    captureChildLogs(child, "settle");
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((r) => child.on("exit", r));
    expect(code, out).toBe(0);
    return out;
  }
  // The settle service (issue #11, branch i11b), imported by name so this file compiles without it.
  const closed = await closeSettlements(t.app.ctx, new Date());
  return closed.map((s) => s.id).join("\n");
}

describe("overview", () => {
  it("shows volume, count, success rate and fees from GET /v1/stats, a bar per day and the payment in recent activity", async () => {
    await nav("Overview").click();
    const stats = page.locator("#stats").locator("xpath=..");
    await expect.poll(() => stats.textContent()).toContain("Success rate");
    const text = (await stats.textContent()) ?? "";
    expect(text).toMatch(/5,000/);
    expect(text).toContain("100%");
    const api = (await t.call("GET", "/v1/stats", { token: demo.secret_key })).body.data;
    expect(await stats.locator("svg rect").count()).toBe(api.by_day.length);
    await expect.poll(() => page.locator("#recent").locator("xpath=..").textContent()).toContain(paymentId);
    await shot(page, "dashboard-overview");
    expectClean(w);
  });
});

describe("refunds", () => {
  it("refunds part of a payment in the dialog, then sees the refund on the payment and in Refunds", async () => {
    await page.goto(`${t.url}/dashboard/transactions/${paymentId}`);
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    const dialog = page.getByRole("dialog");
    const amount = dialog.getByLabel("Amount");
    expect(await amount.inputValue()).toBe("5000");
    await amount.fill("2000");
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    await page.getByText("Refund created.").waitFor({ timeout: 10_000 });
    const refunds = page.locator("#payment-refunds").locator("xpath=..").getByRole("table");
    await expect.poll(() => refunds.textContent()).toMatch(/re_[0-9A-Z]{26}/);
    const refundId = /re_[0-9A-Z]{26}/.exec((await refunds.textContent()) ?? "")?.[0] ?? "";
    const api = (await t.call("GET", `/v1/refunds/${refundId}`, { token: demo.secret_key })).body.data;
    expect(api).toMatchObject({ payment_id: paymentId, amount: 2000 });
    await eventually(async () => (await t.call("GET", `/v1/refunds/${refundId}`, { token: demo.secret_key })).body.data.status === "completed");
    await nav("Refunds").click();
    const row = page.getByRole("row").filter({ hasText: refundId });
    await expect.poll(() => row.textContent()).toContain(paymentId);
    expect(await row.textContent()).toContain("completed");
    expectClean(w);
  });
});

describe("settlements", () => {
  it("after `zerofee settle`, lists the settlement, opens its payments and exports them as CSV", async () => {
    await settle();
    await page.goto(`${t.url}/dashboard/settlements`);
    const row = page.getByRole("row").filter({ hasText: /stl_/ });
    await expect.poll(() => row.count()).toBe(1);
    const settlementId = /stl_[0-9A-Z]{26}/.exec((await row.textContent()) ?? "")?.[0] ?? "";
    await page.getByRole("link", { name: settlementId }).click();
    await expect.poll(() => page.getByRole("table").textContent()).toContain(paymentId);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    const csv = readFileSync((await download.path()) ?? "", "utf8");
    expect(csv.split("\r\n")[0]).toBe("id,reference,amount,fee_amount,net_amount,currency,payment_method,provider,completed_at");
    expect(csv).toContain(`${paymentId},order-money-1,5000,`);
    await ctx.close();
    expectClean(w);
  });
});
