/**
 * The transactions list and the first steps, in real Chromium against the real server:
 * amount filters typed as the merchant writes amounts (major units, their language) and sent
 * in minor units, the page of results kept in the address, statuses and the API's refusals
 * in French, the list first on a phone (390 px) with the filters folded, and the overview's
 * first-payment command working as pasted.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, paymentBody, startTestApp, type TestApp } from "../harness.js";
import {
  clearWatch,
  completedEurPayment,
  demoLogin,
  demoToken,
  expectClean,
  expectNoHorizontalScroll,
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
let token = "";
const w: Watch = { errors: [], foreign: [] };
/** The demo app's payments, oldest first: 23 of 1 000 to 23 000 XOF (more than a page of 20). */
const xof: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ workers: true });
  demo = await demoLogin(t);
  token = await demoToken(t, demo);
  for (let i = 1; i <= 23; i++) {
    const res = await t.call("POST", "/v1/payments", { token: demo.secret_key, body: paymentBody("00", { amount: i * 1000, reference: `order-${i}` }) });
    expect(res.status, res.text).toBe(201);
    xof.push(res.body.data.id);
  }
  browser = await launch();
  ({ page } = await openPage(browser, t, w, { locale: "fr-FR" }));
  page.setDefaultTimeout(15_000);
  await signIn(page, t.url, demo.email, demo.password, { email: "Email", password: "Mot de passe", button: "Se connecter" });
  await nav("Aperçu").waitFor();
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});
beforeEach(() => clearWatch(w));

const nav = (name: string) => navLink(page, name);
const ids = () => listedPaymentIds(page);

describe("transactions", () => {
  it("keeps the page of results in the address: a reload stays on it, Previous goes back", async () => {
    await nav("Transactions").click();
    await expect.poll(ids).toEqual(xof.slice(3).reverse());
    await page.getByRole("button", { name: "Suivant" }).click();
    await page.waitForURL(/[?&]cursor=/);
    await expect.poll(ids).toEqual(xof.slice(0, 3).reverse());
    await page.reload();
    await expect.poll(ids).toEqual(xof.slice(0, 3).reverse());
    const pageTwo = page.url();
    // A page belongs to one list: switching mode starts the other mode's list at its first page.
    await page.getByRole("switch", { name: "Mode test" }).click();
    await expect.poll(() => page.url()).not.toContain("cursor=");
    await page.getByRole("switch", { name: "Mode test" }).click();
    await expect.poll(ids).toEqual(xof.slice(3).reverse());
    await page.goto(pageTwo);
    await expect.poll(ids).toEqual(xof.slice(0, 3).reverse());
    await page.getByRole("button", { name: "Précédent" }).click();
    await expect.poll(ids).toEqual(xof.slice(3).reverse());
    expect(page.url()).not.toContain("cursor=");
    expect(await page.getByRole("button", { name: "Précédent" }).isDisabled()).toBe(true);
    expectClean(w);
  });

  it("a creation date filter is the merchant's own day: in Nairobi (UTC+3) a payment made at 02:30 local is found under that date", async () => {
    // 23:30 UTC on 9 March is 02:30 on the 10th in Nairobi, where the list shows it (the other payments are today's).
    const [id] = xof;
    await t.database.db.execute(sql`update payments set created_at = '2026-03-09T23:30:00Z' where id = ${id}`);
    const { ctx, page: nairobi } = await openPage(browser, t, w, { locale: "en-GB", timezoneId: "Africa/Nairobi" });
    await signIn(nairobi, t.url, demo.email, demo.password);
    await nairobi.getByRole("navigation").waitFor();
    await nairobi.goto(`${t.url}/dashboard/transactions?created_from=2026-03-10&created_to=2026-03-10`);
    await expect.poll(() => listedPaymentIds(nairobi)).toEqual([id]);
    expect(
      await nairobi
        .getByRole("row")
        .filter({ hasText: id as string })
        .textContent(),
    ).toContain("10 Mar 2026");
    await nairobi.goto(`${t.url}/dashboard/transactions?created_from=2026-03-09&created_to=2026-03-09`);
    await nairobi.getByText("No transaction matches these filters.").waitFor();
    await ctx.close();
  });

  it("amount filters take what a French merchant types (« 1 500 », « 12,50 ») and send minor units", async () => {
    await page.goto(`${t.url}/dashboard/transactions`);
    await expect.poll(() => page.getByText("Montant minimum (XOF)").count()).toBe(1);
    await page.getByLabel("Montant minimum").fill("21 500");
    await page.getByRole("button", { name: "Filtrer" }).click();
    await page.waitForURL(/amount_from=21500/);
    await expect.poll(ids).toEqual([xof[22], xof[21]]);
    // Shown back as typed amounts after a reload.
    await page.reload();
    await expect.poll(() => page.getByLabel("Montant minimum").inputValue()).toBe("21500");
    await expect.poll(ids).toEqual([xof[22], xof[21]]);
    // XOF has no cents: refused in the form, nothing sent.
    await page.getByLabel("Montant maximum").fill("12,50");
    await page.getByRole("button", { name: "Filtrer" }).click();
    await expect.poll(() => page.getByLabel("Montant maximum").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#f-amount_to-error").textContent()).toBe("Saisissez un montant comme 1500.");
    expect(page.url()).not.toContain("amount_to");
    await page.getByRole("button", { name: "Réinitialiser" }).click();
    await expect.poll(() => page.url()).not.toContain("amount_from");
    expectClean(w);
  });

  it("a euro app: « 12,50 » is 1 250 cents", async () => {
    const app = await t.call("POST", "/v1/apps", { token, body: { name: "Boutique euro" } });
    const sk = (await t.call("POST", `/v1/apps/${app.body.data.id}/keys`, { token, body: { type: "secret", mode: "test" } })).body.data.key;
    const cheap = await completedEurPayment(t, sk, 1_249);
    const exact = await completedEurPayment(t, sk, 1_250);
    const dear = await completedEurPayment(t, sk, 9_900);
    await page.goto(`${t.url}/dashboard/apps/${app.body.data.id}`); // opening an app's page makes it the header's app
    await page.getByRole("button", { name: "Créer une clé" }).waitFor();
    await nav("Transactions").click();
    await expect.poll(() => page.getByText("Montant minimum (EUR)").count()).toBe(1);
    await expect.poll(ids).toEqual([dear, exact, cheap]);
    await page.getByLabel("Montant minimum").fill("12,50");
    await page.getByLabel("Montant maximum").fill("99");
    await page.getByRole("button", { name: "Filtrer" }).click();
    await page.waitForURL(/amount_from=1250&amount_to=9900|amount_to=9900&amount_from=1250/);
    await expect.poll(ids).toEqual([dear, exact]);
    expect(await page.getByLabel("Montant minimum").inputValue()).toBe("12,50");
    await page.getByLabel("Application", { exact: true }).selectOption(demo.app_id);
    expectClean(w);
  });

  it("statuses and the API's refusals read in French", async () => {
    await page.goto(`${t.url}/dashboard/transactions`);
    await expect
      .poll(() => page.getByLabel("Statut").locator("option").allTextContents())
      .toEqual(["Tous", "En attente", "En traitement", "Action requise", "Réussi", "Échoué", "Annulé", "Expiré"]);
    await eventually(async () => (await t.call("GET", `/v1/payments/${xof[22]}`, { token: demo.secret_key })).body.data.status === "completed");
    await expect.poll(() => page.locator(`tr:has-text("${xof[22]}") [data-status]`).textContent()).toBe("Réussi");
    await page.getByLabel("Pays").fill("CIV");
    await page.getByRole("button", { name: "Filtrer" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe("Pays\u00a0: cette valeur n'est pas valide.");
    w.errors.splice(0); // the 400 of that filter is expected
    await page.getByRole("button", { name: "Réinitialiser" }).click();
    // A failed payment's reason: the provider's words (English) in a French sentence.
    const failed = await t.call("POST", "/v1/payments", { token: demo.secret_key, body: paymentBody("01", { reference: "order-failed" }) });
    const failedId: string = failed.body.data.id;
    const reason = await eventually(async () => {
      const p = (await t.call("GET", `/v1/payments/${failedId}`, { token: demo.secret_key })).body.data;
      return p.status === "failed" ? (p.failure_message as string) : null;
    }, 20_000);
    await page.goto(`${t.url}/dashboard/transactions/${failedId}`);
    await page.getByText(`L'opérateur a refusé le paiement\u00a0: ${reason}`).waitFor();
    expectClean(w);
  });
});

describe("a phone, 390 px", () => {
  it("the first transaction shows without scrolling, the filters behind a button that counts those in the address; every nav link on screen", async () => {
    const phone = await openPage(browser, t, w, { width: 390, height: 844, locale: "fr-FR" });
    const p = phone.page;
    p.setDefaultTimeout(15_000);
    await signIn(p, t.url, demo.email, demo.password, { email: "Email", password: "Mot de passe", button: "Se connecter" });
    const links = p.getByRole("navigation").getByRole("link");
    await links.first().waitFor();
    // The navigation wraps: every link is within the screen, none scrolled out of sight.
    expect(await links.allTextContents()).toEqual(["Aperçu", "Transactions", "Remboursements", "Règlements", "Applications", "Paramètres"]);
    for (const link of await links.all()) {
      const box = await link.boundingBox();
      expect(box, (await link.textContent()) ?? "").not.toBeNull();
      expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0), `${await link.textContent()} is off-screen`).toBeLessThanOrEqual(390);
    }
    await expectNoHorizontalScroll(p);
    // Filters in the address apply; the list comes first, the filters behind « Filtres » with their count.
    await p.goto(`${t.url}/dashboard/transactions?reference=order-23&amount_from=21500&currency=XOF`);
    await p.getByLabel("Application", { exact: true }).selectOption(demo.app_id); // a new browser opens the account's first app
    const first = p.getByRole("table").getByRole("row").nth(1);
    await expect.poll(() => first.textContent()).toContain(xof[22]);
    expect(await p.getByRole("table").getByRole("row").count()).toBe(2);
    expect(await p.evaluate(() => window.scrollY)).toBe(0);
    const box = await first.boundingBox();
    expect((box?.y ?? 900) + (box?.height ?? 0), "the first row's bottom, in an 844 px high screen").toBeLessThanOrEqual(844);
    const toggle = p.getByRole("button", { name: /^Filtres/ });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await toggle.textContent()).toContain("2"); // the reference, and the amount (in XOF)
    expect(await p.getByLabel("Référence").isVisible()).toBe(false);
    await expectNoHorizontalScroll(p);
    // Opened: the filters hold what the address says.
    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => p.getByLabel("Référence").isVisible()).toBe(true);
    expect(await p.getByLabel("Référence").inputValue()).toBe("order-23");
    expect(await p.getByLabel("Montant minimum").inputValue()).toBe("21500");
    await expectNoHorizontalScroll(p);
    await phone.ctx.close();
    expectClean(w);
  });
});

describe("first payment", () => {
  it("the overview's command works as pasted once ZEROFEE_SECRET_KEY is set; live mode says where live payments come from", async () => {
    const app = await t.call("POST", "/v1/apps", { token, body: { name: "Nouvelle boutique" } });
    const appId: string = app.body.data.id;
    const key = (await t.call("POST", `/v1/apps/${appId}/keys`, { token, body: { type: "secret", mode: "test" } })).body.data;
    await page.goto(`${t.url}/dashboard/apps/${appId}`);
    await page.getByRole("button", { name: "Créer une clé" }).waitFor();
    await nav("Aperçu").click();
    const recent = page.locator("#recent").locator("xpath=..");
    const command = recent.locator("pre");
    await expect.poll(() => command.textContent()).toContain("$ZEROFEE_SECRET_KEY");
    const text = (await command.textContent()) ?? "";
    expect(text).not.toContain("…");
    expect(await recent.textContent()).toContain(`Votre clé commence par ${key.display}`);
    const run = await promisify(execFile)("sh", ["-c", text], { env: { ...process.env, ZEROFEE_SECRET_KEY: key.key } });
    const created = JSON.parse(run.stdout);
    expect(created.success, run.stdout).toBe(true);
    expect((await t.call("GET", `/v1/payments/${created.data.id}`, { token: key.key })).body.data.app_id).toBe(appId);
    // Live mode with a live key: no sandbox, no command that would ask a real phone to pay.
    const live = (await t.call("POST", `/v1/apps/${appId}/keys`, { token, body: { type: "secret", mode: "live" } })).body.data;
    await page.getByRole("switch", { name: "Mode test" }).click();
    await expect
      .poll(() => recent.textContent())
      .toContain(`Aucun paiement live pour l'instant. Votre serveur les crée avec POST /v1/payments et votre clé secrète live (${live.display})`);
    expect(await recent.textContent()).not.toContain("bac à sable");
    expect(await recent.locator("pre").count()).toBe(0);
    await page.getByRole("switch", { name: "Mode test" }).click();
    // The fee plan in French: a decimal comma and a space before the percent sign.
    await page.goto(`${t.url}/dashboard/apps/${appId}`);
    await expect.poll(() => page.locator("#fees").locator("xpath=..").textContent()).toMatch(/Pourcentage0,00\s%/);
    expectClean(w);
  });
});
