/**
 * SE-5, the card simulators (SPEC §14): Stripe's and PaiementPro's card pages take only the
 * documented test cards. Any other number — a real card typed into a sandbox — is refused
 * with the page shown again (422, an alert, the number not echoed); nothing is paid, and the
 * number is neither kept in the simulator's records nor written to a log. The test cards
 * then still work on the same page.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { readForms } from "../providers/sandbox-page.js";
import { scalar } from "../reliability/helpers.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "card-sandbox");
});
afterAll(() => t?.stop());

const REAL_CARD = "5555 5555 5555 4444";
const REAL_DIGITS = REAL_CARD.replace(/\D/g, "");
const URLS = { success_url: "https://shop.example/ok", cancel_url: "https://shop.example/cancel", error_url: "https://shop.example/error" };

async function submit(pageUrl: string, card: string): Promise<Response> {
  const html = await (await fetch(pageUrl)).text();
  const [form] = readForms(html, pageUrl);
  if (!form) throw new Error(`no form on ${pageUrl}`);
  expect(form.fields.card_number).toBe("4242 4242 4242 4242");
  const body = new URLSearchParams({ ...form.fields, card_number: card, action: "approve" }).toString();
  return fetch(form.action, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
}

describe("SE-5 the card simulators take only the documented test cards", () => {
  for (const [provider, create] of [
    ["stripe", { amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD" }],
    ["paiementpro", { amount: 2500, currency: "XOF", payment_method: "PAYIN_CARD" }],
  ] as const) {
    it(`${provider}: another number is refused on the page, kept nowhere, logged nowhere; 4242 then pays`, async () => {
      const created = await t.call("POST", "/v1/payments", { token: m.sk, body: { ...create, provider, ...URLS } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const { id, next_action } = created.body.data;
      const pageUrl = next_action.redirect_url as string;

      const refused = await submit(pageUrl, REAL_CARD);
      expect(refused.status).toBe(422);
      const html = await refused.text();
      expect(html).toMatch(/role="alert"[^>]*>[^<]*test cards/);
      expect(html).not.toContain(REAL_DIGITS);
      expect(html).not.toContain(REAL_CARD);
      // The page asks again, pre-filled with the test card; nothing happened to the payment.
      expect(readForms(html, pageUrl)[0]?.fields.card_number).toBe("4242 4242 4242 4242");
      expect((await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data.status).toBe("requires_action");

      const paid = await submit(pageUrl, "4242 4242 4242 4242");
      expect(paid.status).toBe(303);
      const back = await fetch(paid.headers.get("location") ?? "", { redirect: "manual" });
      expect(back.status).toBe(303);
      await eventually(async () => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data.status === "completed");

      expect(await scalar(t.database.db, sql`select count(*)::int from sandbox_records where data::text like ${`%${REAL_DIGITS}%`}`)).toBe(0);
      expect(t.logs.length).toBeGreaterThan(0);
      expect(t.logs.filter((l) => l.includes(REAL_DIGITS) || l.includes(REAL_CARD))).toEqual([]);
    });
  }
});
