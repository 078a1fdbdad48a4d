/**
 * Dashboard browser-test kit: the real server (test harness) serving /dashboard/, Debian's
 * Chromium through the checkout kit's launcher, and a watch on every page for console errors,
 * uncaught exceptions and requests to another origin (SPEC §11: none allowed).
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { seedDemo } from "../../src/services/demo/seed.js";
import { eventually, type TestApp } from "../harness.js";
import { actOnSandbox } from "../providers/sandbox-page.js";

export { launch, launchEarly, shot } from "../checkout/browser.js";

export interface Watch {
  errors: string[];
  foreign: string[];
  /** Failed loads (404) of these API URLs are expected, not errors: see `expected404s`. */
  allow404?: RegExp[];
}

/** Watches a page for console errors, page errors and any request leaving ZeroFee's origin. */
export function watch(page: Page, origin: string, w: Watch = { errors: [], foreign: [] }): Watch {
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const url = m.location().url;
    if (/status of 404/.test(m.text()) && w.allow404?.some((re) => re.test(url))) return;
    w.errors.push(`${page.url()}: ${m.text()} (${url})`);
  });
  page.on("pageerror", (e) => w.errors.push(`${page.url()}: ${e.message}`));
  page.on("request", (r) => {
    const url = r.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) return;
    if (new URL(url).origin !== origin) w.foreign.push(url);
  });
  return w;
}

/** A browser context at a viewport and language, its pages watched. */
export async function openPage(
  browser: Browser,
  t: TestApp,
  w: Watch,
  opts: { width?: number; height?: number; locale?: string; timezoneId?: string } = {},
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({
    locale: opts.locale ?? "en-US",
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
  });
  const page = await ctx.newPage();
  watch(page, new URL(t.url).origin, w);
  return { ctx, page };
}

/** The demo account's dashboard session token, through the API (for set-up calls beside the browser). */
export async function demoToken(t: TestApp, demo: { email: string; password: string }): Promise<string> {
  return (await t.call("POST", "/v1/auth/login", { body: { email: demo.email, password: demo.password } })).body.data.token;
}

/** The demo account `npm start` prints (services/demo/seed.ts), on the test app's fresh database. */
export async function demoLogin(t: TestApp) {
  const seeded = await seedDemo(t.app.ctx, null);
  if (!seeded) throw new Error("the demo seed needs an empty database: call it first");
  return seeded.demo;
}

export async function signIn(page: Page, base: string, email: string, password: string, labels = { email: "Email", password: "Password", button: "Sign in" }) {
  await page.goto(`${base}/dashboard/login`);
  await page.getByLabel(labels.email, { exact: true }).fill(email);
  await page.getByLabel(labels.password, { exact: true }).fill(password);
  await page.getByRole("button", { name: labels.button, exact: true }).click();
}

/** A page's body fits the viewport: nothing forces sideways scrolling at 375 px. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scroll, width, culprits } = await page.evaluate(() => {
    const w = window.innerWidth;
    // What sticks out, to say what to fix: elements and text, outside the tables' boxes that scroll sideways
    // (the navigation wraps instead: its links count).
    const outside = (n: Node) => !n.parentElement?.closest(".table-wrap");
    const found: string[] = [];
    for (const e of document.querySelectorAll("body *")) {
      if (e.getBoundingClientRect().right > w + 1 && outside(e) && e.children.length === 0) found.push(e.outerHTML.slice(0, 160));
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const r = document.createRange();
      r.selectNodeContents(n);
      if (r.getBoundingClientRect().right > w + 1 && outside(n)) found.push(`text "${(n.textContent ?? "").slice(0, 80)}" in <${n.parentElement?.tagName}>`);
    }
    return { scroll: document.documentElement.scrollWidth, width: w, culprits: found.slice(0, 6) };
  });
  expect(scroll, `${page.url()} is ${scroll}px wide in a ${width}px viewport: ${culprits.join(" | ")}`).toBeLessThanOrEqual(width);
}

/** Forgets what a watch saw: each test answers for its own page (a `beforeEach`). */
export function clearWatch(w: Watch): void {
  w.errors.splice(0);
  w.foreign.splice(0);
}

/** A link of the dashboard's top navigation, by its exact name. */
export const navLink = (page: Page, name: string) => page.getByRole("navigation").getByRole("link", { name, exact: true });

/** The `txn_…` ids the page's table shows, in order. */
export const listedPaymentIds = async (page: Page) => ((await page.getByRole("table").textContent()) ?? "").match(/txn_[0-9A-Z]{26}/g) ?? [];

export function expectClean(w: Watch): void {
  expect(w.errors, "console errors").toEqual([]);
  expect(w.foreign, "requests to another origin").toEqual([]);
}

/**
 * A completed EUR card payment of `amount` cents: Stripe's sandbox Checkout approved through
 * its own pages, as a customer would (cards complete by redirect, SPEC §2).
 */
export async function completedEurPayment(t: TestApp, secretKey: string, amount: number, extra: Record<string, unknown> = {}): Promise<string> {
  const urls = { success_url: "https://merchant.example/success", cancel_url: "https://merchant.example/cancel", error_url: "https://merchant.example/error" };
  const res = await t.call("POST", "/v1/payments", {
    token: secretKey,
    body: { amount, currency: "EUR", payment_method: "PAYIN_CARD", provider: "stripe", ...urls, ...extra },
  });
  expect(res.status, res.text).toBe(201);
  await actOnSandbox(res.body.data.next_action.redirect_url, new URL(t.url).origin, "approve");
  await eventually(async () => (await t.call("GET", `/v1/payments/${res.body.data.id}`, { token: secretKey })).body.data.status === "completed");
  return res.body.data.id;
}
