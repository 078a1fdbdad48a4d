/**
 * ZeroFee's own customer pages over HTTP (SPEC §8): the hosted page's closed state offers the
 * way back to the merchant's own URL; every page speaks the customer's language by one rule —
 * the session's locale first, then French when the browser lists French anywhere (the widget's
 * `pickLocale`) — and says the payment's status in that language too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { actOnSandbox } from "../providers/sandbox-page.js";
import { createSession, pay } from "./helpers.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "pages-shop");
});
afterAll(() => t?.stop());

const page = async (url: string, acceptLanguage: string) => (await fetch(url, { headers: { "accept-language": acceptLanguage } })).text();

/** A card payment of `token`'s session (or a server-made one), approved on the sandbox page: its return page's URL. */
async function approvedCardReturn(body: Record<string, unknown>, token: string, browser: boolean): Promise<string> {
  const r = browser ? await pay(t, token, body, "http://localhost:4321") : await t.call("POST", "/v1/payments", { token, body });
  expect(r.status, r.text).toBe(201);
  const journey = await actOnSandbox(r.body.data.next_action.redirect_url, new URL(t.url).origin, "approve");
  const last = journey.visited.at(-1) ?? "";
  expect(last.startsWith(`${t.url}/v1/payments/${r.body.data.id}/return`), last).toBe(true);
  return last;
}

describe("hosted page, closed", () => {
  it("an expired session's page links back to the session's cancel URL (else its success URL), escaped, and to nothing else", async () => {
    const withCancel = await createSession(t, m, { cancel_url: "http://127.0.0.1:9/cart?a=1&b=2", locale: "fr" });
    expect((await t.call("POST", `/v1/checkout/sessions/${withCancel.id}/expire`, { token: m.sk })).status).toBe(200);
    const fr = await page(withCancel.url, "en-GB");
    expect(fr).toContain('<main data-state="expired"><h1>Cette page de paiement a expiré.</h1>');
    expect(fr).toContain('<a href="http://127.0.0.1:9/cart?a=1&#38;b=2">Retour à la boutique</a>');
    expect(fr.match(/<a /g)).toHaveLength(1);

    const noCancel = await createSession(t, m, { cancel_url: undefined, success_url: "http://127.0.0.1:9/orders/7" });
    expect((await t.call("POST", `/v1/checkout/sessions/${noCancel.id}/expire`, { token: m.sk })).status).toBe(200);
    const en = await page(noCancel.url, "en-GB");
    expect(en).toContain("<h1>This payment page has expired.</h1>");
    expect(en).toContain('<a href="http://127.0.0.1:9/orders/7">Back to the shop</a>');
  });
});

describe("the customer's language", () => {
  it("hosted page: the session's locale first; else French when any listed language is French, as the widget decides", async () => {
    const open = await createSession(t, m);
    const lang = (html: string) => /<html lang="(\w+)"><head>.*<title>([^<]*)<\/title>/.exec(html)?.slice(1, 3);
    // navigator.languages ["en-US", "fr"] makes the widget French: the page around it agrees.
    expect(lang(await page(open.url, "en-US,fr;q=0.8"))).toEqual(["fr", "Paiement — ZeroFee"]);
    expect(lang(await page(open.url, "fr-CI"))).toEqual(["fr", "Paiement — ZeroFee"]);
    expect(lang(await page(open.url, "en-US,en;q=0.9"))).toEqual(["en", "Payment — ZeroFee"]);
    // A language the browser refuses does not count.
    expect(lang(await page(open.url, "en-US,fr;q=0"))).toEqual(["en", "Payment — ZeroFee"]);
    const english = await createSession(t, m, { locale: "en" });
    expect(lang(await page(english.url, "fr-FR,fr"))).toEqual(["en", "Payment — ZeroFee"]);
  });

  it("card return page of a French session, English browser: French, the status word too (the API's word stays in data-status)", async () => {
    const s = await createSession(t, m, { currency: "EUR", locale: "fr" });
    const back = await approvedCardReturn({ payment_method: "PAYIN_CARD" }, s.client_secret, true);
    const html = await page(back, "en-GB,en;q=0.9");
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("<h1>Paiement reçu.</h1>");
    expect(html).toContain('statut : <strong data-status="completed">réussi</strong>');
    expect(html).not.toMatch(/>completed</);
    // The same page of a session without a locale follows the browser.
    const s2 = await createSession(t, m, { currency: "EUR" });
    const back2 = await approvedCardReturn({ payment_method: "PAYIN_CARD" }, s2.client_secret, true);
    const en = await page(back2, "en-GB");
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('status: <strong data-status="completed">completed</strong>');
  });

  it("return page of a server-made payment without merchant URLs, in French: « statut : réussi », not the English word", async () => {
    const back = await approvedCardReturn({ amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD", provider: "test" }, m.sk, false);
    const html = await page(back, "en-US,fr;q=0.5");
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Paiement reçu. Vous pouvez fermer cette page.");
    expect(html).toContain("Référence txn_");
    expect(html).toContain('statut : <strong data-status="completed">réussi</strong>');
    expect(html).not.toMatch(/— status|>completed</);
  });
});
