/**
 * The dashboard's money pages (issue #12, SPEC §10–11) in real Chromium against the real
 * server: overview totals and chart from `GET /v1/stats`, a partial refund through the
 * dialog, the refunds list, and a settlement after `zerofee settle` with its payments, the
 * refund it deducted, and one CSV of both that adds up to its net; a settlement's period and
 * times in UTC whatever the browser's zone, and its CSV as Excel opens it in French.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { settlements } from "../../src/db/schema/index.js";
import { newId } from "../../src/lib/ids.js";
import { closeSettlements } from "../../src/services/settlements/close.js";
import { installPollClock, pollUntil } from "../checkout/poll-clock.js";
import { captureChildLogs, eventually, onPostgres, paymentBody, startTestApp, type TestApp } from "../harness.js";
import {
  clearWatch,
  completedEurPayment,
  demoLogin,
  demoToken,
  expectClean,
  launchEarly,
  navLink,
  openPage,
  shot,
  signIn,
  type Watch,
  watch,
} from "./helpers.js";

let t: TestApp;
let browser: Browser;
let chromium: ReturnType<typeof launchEarly> | undefined;
let demo: Awaited<ReturnType<typeof demoLogin>>;
let ctx: BrowserContext;
let page: Page;
let paymentId = "";
let refundId = "";
let settlementId = "";
const w: Watch = { errors: [], foreign: [] };

beforeAll(async () => {
  // Chromium starts while the server boots and the first payment completes.
  chromium = launchEarly();
  t = await startTestApp({ workers: true });
  demo = await demoLogin(t);
  // A fee plan, so that a settlement's figures have fees to take off: 100 + 1.5 % of 5 000 = 175.
  const token = await demoToken(t, demo);
  const fees = await t.call("PUT", `/v1/apps/${demo.app_id}/fees`, { token, body: { bps: 150, fixed: { XOF: 100 } } });
  expect(fees.status, fees.text).toBe(200);
  const created = await t.call("POST", "/v1/payments", { token: demo.secret_key, body: paymentBody("00", { amount: 5000, reference: "order-money-1" }) });
  expect(created.status, created.text).toBe(201);
  paymentId = created.body.data.id;
  await eventually(async () => (await t.call("GET", `/v1/payments/${paymentId}`, { token: demo.secret_key })).body.data.status === "completed");
  browser = await chromium.browser;
  ({ ctx, page } = await openPage(browser, t, w));
  await signIn(page, t.url, demo.email, demo.password);
  await page.getByRole("navigation").getByRole("link", { name: "Overview" }).waitFor();
});
afterAll(async () => {
  await chromium?.close();
  await t?.stop();
});

// Each test answers for its own page: one failing does not fail the next by its console lines.
beforeEach(() => clearWatch(w));

const nav = (name: string) => navLink(page, name);

/**
 * A time as the settlement pages write it: UTC, the zone named, seconds (and milliseconds) only
 * when `finest` has them — what the browser's own zone would never change.
 */
function utc(iso: string, locale: string, finest: string[] = [iso]): string {
  const ms = finest.some((x) => new Date(x).getUTCMilliseconds() !== 0);
  const s = ms || finest.some((x) => new Date(x).getUTCSeconds() !== 0);
  const f = new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
    ...(s ? { second: "2-digit" } : {}),
    ...(ms ? { fractionalSecondDigits: 3 } : {}),
  });
  return `${f.format(new Date(iso))} UTC`;
}

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

  it("the volume chart fills its card's width, and a visually hidden table gives screen readers each day's volume", async () => {
    const stats = page.locator("#stats").locator("xpath=..");
    await stats.locator("svg").waitFor();
    // What is drawn, not the element's box: a viewBox keeps its aspect ratio and can leave the box half empty.
    const { baseline, bars, content } = await stats.evaluate((card) => {
      const style = getComputedStyle(card);
      const svg = card.querySelector("svg");
      const rects = [...(svg?.querySelectorAll("rect") ?? [])].map((r) => r.getBoundingClientRect());
      return {
        baseline: svg?.querySelector("line")?.getBoundingClientRect().width ?? 0,
        bars: Math.max(...rects.map((r) => r.right)) - Math.min(...rects.map((r) => r.left)),
        content: card.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight),
      };
    });
    expect(Math.abs(baseline - content), `the chart is ${baseline}px wide in a card of ${content}px`).toBeLessThanOrEqual(3);
    expect(bars, `the bars span ${bars}px of ${content}px`).toBeGreaterThan(content * 0.95);
    const api = (await t.call("GET", "/v1/stats", { token: demo.secret_key })).body.data;
    const table = stats.getByRole("table", { name: "Volume by day" });
    const rows = table.locator("tbody tr");
    expect(await rows.count()).toBe(api.by_day.length);
    const dayLabel = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr): [string, string] => [tr.querySelector("th")?.textContent ?? "", tr.querySelector("td")?.textContent ?? ""]),
    );
    expect(cells.map(([d]) => d)).toEqual(api.by_day.map((d: { date: string }) => dayLabel.format(new Date(d.date))));
    cells.forEach(([, value], i) => {
      expect(value).toContain(new Intl.NumberFormat("en-GB").format(api.by_day[i].volume));
    });
    expect(cells.some(([, value]) => value.includes("5,000"))).toBe(true);
    // For screen readers only: the page does not show it (it sits in a 1 px box that hides what overflows).
    expect((await table.locator("xpath=..").boundingBox())?.width ?? 0).toBeLessThanOrEqual(1);
    expect(await table.locator("xpath=..").evaluate((box) => getComputedStyle(box).overflow)).toBe("hidden");
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
    refundId = /re_[0-9A-Z]{26}/.exec((await refunds.textContent()) ?? "")?.[0] ?? "";
    const api = (await t.call("GET", `/v1/refunds/${refundId}`, { token: demo.secret_key })).body.data;
    expect(api).toMatchObject({ payment_id: paymentId, amount: 2000 });
    await eventually(async () => (await t.call("GET", `/v1/refunds/${refundId}`, { token: demo.secret_key })).body.data.status === "completed");
    // The payment's events include its refund's (their object is the refund), newest first, each with its deliveries.
    const refundEvents = (await t.call("GET", `/v1/events?object_id=${refundId}`, { token: demo.secret_key })).body.data.map((e: { id: string }) => e.id);
    expect(refundEvents.length).toBeGreaterThanOrEqual(1);
    await page.reload();
    const eventsTable = page.locator("#events").locator("xpath=..").getByRole("table");
    for (const id of refundEvents) await expect.poll(() => eventsTable.textContent()).toContain(id);
    const listed = (await eventsTable.getByRole("row").allTextContents()).slice(1);
    expect(listed[0]).toMatch(/refund\.(created|completed)/);
    expect(listed.some((r) => r.includes("payment.created"))).toBe(true);
    await nav("Refunds").click();
    const row = page.getByRole("row").filter({ hasText: refundId });
    await expect.poll(() => row.textContent()).toContain(paymentId);
    expect(await row.textContent()).toContain("Completed");
    expectClean(w);
  });
});

describe("settlements", () => {
  it("after `zerofee settle`, a settlement shows its refunded amount and refund beside its payments, and one CSV of both adds up to its net", async () => {
    await settle();
    await page.goto(`${t.url}/dashboard/settlements`);
    const row = page.getByRole("row").filter({ hasText: /stl_/ });
    await expect.poll(() => row.count()).toBe(1);
    settlementId = /stl_[0-9A-Z]{26}/.exec((await row.textContent()) ?? "")?.[0] ?? "";
    const api = (await t.call("GET", `/v1/settlements/${settlementId}`, { token: demo.secret_key })).body.data;
    expect(api).toMatchObject({ count: 1, gross_amount: 5000, fee_amount: 175, refunded_amount: 2000, net_amount: 2825 });
    await page.getByRole("link", { name: settlementId }).click();
    await expect.poll(() => page.locator("#settlement-payments").locator("xpath=..").getByRole("table").textContent()).toContain(paymentId);
    // Gross, fees, refunds and net side by side, and how they make the net.
    const figure = (label: string) => page.locator("#settlement-figures > div").filter({ has: page.getByText(label, { exact: true }) });
    await expect.poll(() => figure("Refunded").textContent()).toMatch(/2,000/);
    expect(await figure("Gross").textContent()).toMatch(/5,000/);
    expect(await figure("Fees").textContent()).toMatch(/175/);
    expect(await figure("Net").textContent()).toMatch(/2,825/);
    expect(await page.getByText(/^Net .*2,825 = gross .*5,000 − fees .*175 − refunds .*2,000$/).count()).toBe(1);
    // The refund it deducted: its id, its payment (a link), its amount and when it completed.
    const refunds = page.locator("#settlement-refunds").locator("xpath=..").getByRole("table");
    const refundRow = refunds.getByRole("row").filter({ hasText: refundId });
    await expect.poll(() => refundRow.count()).toBe(1);
    expect(await refundRow.textContent()).toMatch(/2,000/);
    expect(await refundRow.getByRole("link", { name: paymentId }).getAttribute("href")).toBe(`/dashboard/transactions/${paymentId}`);
    const completed = (await t.call("GET", `/v1/refunds/${refundId}`, { token: demo.secret_key })).body.data.completed_at;
    // In UTC, as the period is cut.
    expect(await refundRow.locator("td").last().textContent()).toBe(utc(completed, "en-GB"));
    // One CSV: a row per payment and per refund, by kind; amounts in minor units, as the API gives them.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    const bytes = readFileSync((await download.path()) ?? "");
    // UTF-8 with a byte order mark, so Excel does not read it as Windows-1252.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString("utf8");
    const [header = "", ...lines] = csv.split("\r\n").filter((l) => l !== "");
    expect(header).toBe("kind,id,payment_id,reference,amount,fee_amount,net_amount,currency,payment_method,provider,completed_at");
    const records = lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [header.split(",")[i], v])));
    expect(records.map((r) => [r.kind, r.id, r.payment_id, r.amount])).toEqual([
      ["payment", paymentId, paymentId, "5000"],
      ["refund", refundId, paymentId, "2000"],
    ]);
    expect(records[0]).toMatchObject({ reference: "order-money-1", fee_amount: "175", net_amount: "4825", currency: "XOF" });
    // The refund names its payment's reference and method, so it matches its order.
    expect(records[1]).toMatchObject({ reference: "order-money-1", payment_method: "PAYIN_ORANGE_CI", fee_amount: "0", net_amount: "-2000" });
    const sum = (kind: string, column: string) => records.filter((r) => r.kind === kind).reduce((n, r) => n + Number(r[column]), 0);
    expect(sum("payment", "amount") - sum("payment", "fee_amount") - sum("refund", "amount")).toBe(api.net_amount);
    expect(sum("payment", "net_amount") + sum("refund", "net_amount")).toBe(api.net_amount);
    await ctx.close();
    expectClean(w);
  });
});

describe("settlement times in UTC, in a browser in Paris", () => {
  it("shows periods and completion times in UTC with the zone written, in English and French, and the French CSV is ;-separated UTF-8", async () => {
    // A day closed at 00:00 UTC (as the daily job cuts it), beside the one `zerofee settle` made.
    const day = { start: "2026-12-06T00:00:00.000Z", end: "2026-12-07T00:00:00.000Z" };
    const dayId = newId("settlement", new Date(day.end));
    await t.database.db.insert(settlements).values({
      id: dayId,
      appId: demo.app_id,
      livemode: false,
      currency: "EUR",
      periodStart: new Date(day.start),
      periodEnd: new Date(day.end),
      count: 0,
      grossAmount: 0,
      feeAmount: 0,
      refundedAmount: 0,
      netAmount: 0,
      status: "paid",
      createdAt: new Date(day.end),
    });
    const settled = (await t.call("GET", `/v1/settlements/${settlementId}`, { token: demo.secret_key })).body.data;
    const completed = (await t.call("GET", `/v1/refunds/${refundId}`, { token: demo.secret_key })).body.data.completed_at;
    const bounds = [settled.period_start, settled.period_end];

    for (const [locale, labels, dayText] of [
      ["en-GB", { email: "Email", password: "Password", button: "Sign in" }, "6 Dec 2026, 00:00 UTC → 7 Dec 2026, 00:00 UTC"],
      ["fr-FR", { email: "Email", password: "Mot de passe", button: "Se connecter" }, "6 déc. 2026, 00:00 UTC → 7 déc. 2026, 00:00 UTC"],
    ] as const) {
      const paris = await browser.newContext({ locale, timezoneId: "Europe/Paris", viewport: { width: 1280, height: 900 } });
      const p = await paris.newPage();
      p.setDefaultTimeout(15_000);
      watch(p, new URL(t.url).origin, w);
      // The browser is in Paris: 00:00 UTC is 01:00 there.
      expect(await p.evaluate(() => [Intl.DateTimeFormat().resolvedOptions().timeZone, new Date("2026-12-07T00:00:00Z").getHours()])).toEqual([
        "Europe/Paris",
        1,
      ]);
      await signIn(p, t.url, demo.email, demo.password, labels);
      await p.getByRole("navigation").waitFor();
      await p.goto(`${t.url}/dashboard/settlements`);
      const dayRow = p.getByRole("row").filter({ hasText: dayId });
      await expect.poll(() => dayRow.count()).toBe(1);
      expect(await dayRow.textContent()).toContain(dayText);
      expect(await dayRow.textContent()).not.toContain("01:00");
      // Bounds not on a whole minute are written to the millisecond: two short periods never read the same.
      const settledRow = p.getByRole("row").filter({ hasText: settlementId });
      expect(await settledRow.textContent()).toContain(`${utc(bounds[0], locale, bounds)} → ${utc(bounds[1], locale, bounds)}`);

      await p.goto(`${t.url}/dashboard/settlements/${dayId}`);
      await expect.poll(() => p.locator("#settlement-figures > div").first().textContent()).toContain(dayText);
      await p.goto(`${t.url}/dashboard/settlements/${settlementId}`);
      const refundRow = p.locator("#settlement-refunds").locator("xpath=..").getByRole("table").getByRole("row").filter({ hasText: refundId });
      await expect.poll(() => refundRow.count()).toBe(1);
      expect(await refundRow.locator("td").last().textContent()).toBe(utc(completed, locale));
      expect(await p.locator("#settlement-figures > div").first().textContent()).toContain(
        `${utc(bounds[0], locale, bounds)} → ${utc(bounds[1], locale, bounds)}`,
      );

      if (locale === "fr-FR") {
        // French Excel splits on ;: the file says what it is (text/csv;charset=utf-8), starts with a BOM, ; between cells.
        await p.evaluate(() => {
          const made: string[] = [];
          (window as unknown as { blobTypes: string[] }).blobTypes = made;
          const create = URL.createObjectURL.bind(URL);
          URL.createObjectURL = (b: Blob | MediaSource) => {
            made.push(b instanceof Blob ? b.type : "");
            return create(b);
          };
        });
        const [download] = await Promise.all([p.waitForEvent("download"), p.getByRole("button", { name: "Exporter en CSV" }).click()]);
        expect(await p.evaluate(() => (window as unknown as { blobTypes: string[] }).blobTypes)).toEqual(["text/csv;charset=utf-8"]);
        const bytes = readFileSync((await download.path()) ?? "");
        expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const [header = "", ...lines] = bytes
          .subarray(3)
          .toString("utf8")
          .split("\r\n")
          .filter((l) => l !== "");
        expect(header).toBe("kind;id;payment_id;reference;amount;fee_amount;net_amount;currency;payment_method;provider;completed_at");
        const rows = lines.map((l) => l.split(";"));
        expect(rows.map((r) => [r[0], r[1], r[3], r[4], r[8]])).toEqual([
          ["payment", paymentId, "order-money-1", "5000", "PAYIN_ORANGE_CI"],
          ["refund", refundId, "order-money-1", "2000", "PAYIN_ORANGE_CI"],
        ]);
      }
      await paris.close();
    }
    expectClean(w);
  });
});

describe("refunds in French, in euros", () => {
  it("the dialog writes and reads amounts the French way, says errors in French with amounts in euros, and gives focus back", async () => {
    const eurId = await completedEurPayment(t, demo.secret_key, 12_345);
    const fr = await openPage(browser, t, w, { locale: "fr-FR" });
    const p = fr.page;
    p.setDefaultTimeout(15_000);
    // The payment page's refreshes (refunds at their provider) run on the page's clock, moved on where the test waits for one.
    await installPollClock(p);
    await signIn(p, t.url, demo.email, demo.password, { email: "Email", password: "Mot de passe", button: "Se connecter" });
    await p.getByRole("navigation").getByRole("link", { name: "Aperçu" }).waitFor();
    await p.goto(`${t.url}/dashboard/transactions/${eurId}`);
    const opener = p.getByRole("button", { name: "Rembourser", exact: true });
    await opener.click();
    const dialog = p.getByRole("dialog", { name: "Rembourser ce paiement" });
    // French typography: a no-break space before the colon; the amount in euros with a decimal comma.
    await expect.poll(() => dialog.textContent()).toContain("Reste à rembourser\u00a0: 123,45\u00a0€");
    const amount = dialog.getByLabel("Montant");
    expect(await amount.inputValue()).toBe("123,45");
    // Meanwhile 100 € is refunded elsewhere: the server's refusal reads in French, with what is left in euros.
    const elsewhere = await t.call("POST", "/v1/refunds", { token: demo.secret_key, body: { payment_id: eurId, amount: 10_000 } });
    expect(elsewhere.status, elsewhere.text).toBe(201);
    await amount.fill("50");
    await dialog.getByRole("button", { name: "Rembourser", exact: true }).click();
    await expect
      .poll(() => dialog.getByRole("alert").textContent())
      .toBe("Le remboursement dépasse ce qu'il reste à rembourser sur ce paiement. Il reste au plus 23,45\u00a0€ à rembourser.");
    await expect.poll(() => dialog.textContent()).toContain("Reste à rembourser\u00a0: 23,45\u00a0€");
    // That refusal (422) is the one console error this step expects.
    w.errors.splice(0);
    // More than is left is refused before any request, in euros too.
    await amount.fill("30");
    await dialog.getByRole("button", { name: "Rembourser", exact: true }).click();
    await expect.poll(() => dialog.textContent()).toContain("Il reste au plus 23,45\u00a0€ à rembourser.");
    // Cancel: focus goes back to the Refund button; opening again starts afresh.
    await dialog.getByRole("button", { name: "Annuler" }).click();
    await expect.poll(() => opener.evaluate((el) => el === document.activeElement)).toBe(true);
    await opener.click();
    await expect.poll(() => amount.inputValue()).toBe("23,45");
    expect(await dialog.getByRole("alert").count()).toBe(0);
    expect(await dialog.textContent()).not.toContain("Il reste au plus");
    // 12,01 € fails at the provider (an amount ending in 01): the page says so without a reload, with the reason.
    await amount.fill("12,01");
    await dialog.getByRole("button", { name: "Rembourser", exact: true }).click();
    await p.getByText("Remboursement créé.").waitFor();
    await expect.poll(() => opener.evaluate((el) => el === document.activeElement)).toBe(true);
    const refunds = p.locator("#payment-refunds").locator("xpath=..").getByRole("table");
    const failed = refunds.getByRole("row").filter({ hasText: "12,01" });
    await pollUntil(p, async () => (await failed.locator("[data-status]").allTextContents()).includes("Échoué"));
    await expect.poll(() => failed.locator("[data-status]").textContent(), { timeout: 10_000 }).toBe("Échoué");
    const api = (await t.call("GET", `/v1/payments/${eurId}`, { token: demo.secret_key })).body.data;
    const failure = api.refunds.find((r: { amount: number }) => r.amount === 1201);
    expect(failure.failure_message).toBeTruthy();
    // In French, the provider's own words as the detail (they came in English).
    expect(failure.failure_code).toBe("declined");
    expect(await failed.textContent()).toContain(`Le prestataire l'a refusé\u00a0: ${failure.failure_message}`);
    // The earlier refund and its reason, in French; a pending one becomes completed on the page by itself.
    const first = refunds.getByRole("row").filter({ hasText: "100,00" });
    await pollUntil(p, async () => (await first.locator("[data-status]").allTextContents()).includes("Réussi"));
    await expect.poll(() => first.locator("[data-status]").textContent(), { timeout: 10_000 }).toBe("Réussi");
    await opener.click();
    await amount.fill("10");
    await dialog.getByRole("button", { name: "Rembourser", exact: true }).click();
    const last = refunds.getByRole("row").filter({ hasText: "10,00\u00a0€" });
    await pollUntil(p, async () => (await last.locator("[data-status]").allTextContents()).includes("Réussi"));
    await expect.poll(() => last.locator("[data-status]").textContent(), { timeout: 10_000 }).toBe("Réussi");
    expect(await last.textContent()).toContain("Demandé par le client");
    expect(await refunds.textContent()).not.toMatch(/completed|failed|pending|requested_by_customer/);
    await fr.ctx.close();
    expectClean(w);
  });
});
