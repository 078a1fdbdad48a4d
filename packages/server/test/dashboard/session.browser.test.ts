/**
 * The session when the server cannot be reached: a sign-out the server never heard of does not
 * pretend to have signed out (the httpOnly cookie still opens the dashboard), and a page opened
 * while the server is unreachable says so and tries again instead of showing the sign-in form.
 * And a dead end: a link to a payment no app has says so, with nothing left "Loading…".
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../harness.js";
import { demoLogin, expectClean, launch, navLink, openPage, signIn, type Watch } from "./helpers.js";

let t: TestApp;
let browser: Browser;
let demo: Awaited<ReturnType<typeof demoLogin>>;

beforeAll(async () => {
  t = await startTestApp();
  demo = await demoLogin(t);
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** The requests this test cuts off fail in the console on purpose: the watch keeps the others. */
const dropRefused = (w: Watch) => w.errors.splice(0, w.errors.length, ...w.errors.filter((e) => !e.includes("ERR_CONNECTION_REFUSED")));

describe("signing out while the server is unreachable", () => {
  it("says the merchant is still signed in and stays; once the server answers, Sign out signs out", async () => {
    const w: Watch = { errors: [], foreign: [] };
    const { ctx, page } = await openPage(browser, t, w);
    page.setDefaultTimeout(15_000);
    await signIn(page, t.url, demo.email, demo.password);
    await navLink(page, "Transactions").click();
    await page.getByRole("heading", { name: "Transactions" }).waitFor();
    await page.route("**/v1/auth/logout", (r) => r.abort("connectionrefused"));
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "You are still signed in" }).count()).toBe(1);
    expect(new URL(page.url()).pathname).toBe("/dashboard/transactions");
    await navLink(page, "Refunds").waitFor();
    // The session really is still open: a reload opens the page, not the sign-in form.
    await page.unroute("**/v1/auth/logout");
    await page.reload();
    await navLink(page, "Overview").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/dashboard\/login$/);
    await page.reload();
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    dropRefused(w);
    expectClean(w);
    await ctx.close();
  });
});

describe("opening the dashboard while the server is unreachable", () => {
  it("says so on the page asked for, not as a signed-out sign-in form, and opens it on Try again", async () => {
    const w: Watch = { errors: [], foreign: [] };
    const { ctx, page } = await openPage(browser, t, w);
    page.setDefaultTimeout(15_000);
    await signIn(page, t.url, demo.email, demo.password);
    await navLink(page, "Overview").waitFor();
    await page.route("**/v1/auth/me", (r) => r.abort("connectionrefused"));
    await page.goto(`${t.url}/dashboard/refunds`);
    await page.getByRole("alert").filter({ hasText: "The server could not be reached." }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/dashboard/refunds");
    expect(await page.getByRole("button", { name: "Sign in", exact: true }).count()).toBe(0);
    await page.unroute("**/v1/auth/me");
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("heading", { name: "Refunds" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/dashboard/refunds");
    dropRefused(w);
    expectClean(w);
    await ctx.close();
  });
});

describe("a link to a payment that no app has", () => {
  it("says it is not found, and leaves no section loading for ever", async () => {
    const w: Watch = { errors: [], foreign: [], allow404: [/\/v1\/payments\/txn_/] };
    const { ctx, page } = await openPage(browser, t, w);
    page.setDefaultTimeout(15_000);
    await signIn(page, t.url, demo.email, demo.password);
    await navLink(page, "Overview").waitFor();
    await page.goto(`${t.url}/dashboard/transactions/txn_01M98C9HVK3R6K6SGRQH29QVQX`);
    await page.getByText("Not found in this app and mode.").waitFor();
    // The events call is never made for a payment that is not there: nothing is on its way.
    await expect.poll(() => page.getByText("Loading…").count()).toBe(0);
    expect(await page.getByRole("heading", { name: "Events" }).count()).toBe(0);
    expectClean(w);
    await ctx.close();
  });
});
