/**
 * PaiementPro's sandbox speaks PaiementPro's API (JSON init without auth header, hosted
 * page, status API, unsigned notification) and ZeroFee's adapter speaks it back, over HTTP.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countSandboxRecords } from "../../src/services/sandbox/store.js";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { rows } from "../reliability/helpers.js";
import { readForms } from "./sandbox-page.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t);
});
afterAll(() => t.stop());

const INIT = "/sandbox/paiementpro/webservice/onlinepayment/init/curl-init.php";
const init = (referenceNumber: string, over: Record<string, unknown> = {}) =>
  t.call("POST", INIT, {
    body: {
      merchantId: "PP-F105",
      amount: 5000,
      channel: "OMCIV2",
      countryCurrencyCode: "952",
      referenceNumber,
      customerPhoneNumber: "2250700000000",
      notificationURL: `${t.url}/v1/webhooks/providers/paiementpro`,
      returnURL: "https://merchant.example/back",
      ...over,
    },
  });
const status = (reference: string) => t.call("GET", `/sandbox/paiementpro/status/${reference}`);
const pay = (body: Record<string, unknown>) => t.call("POST", "/v1/payments", { token: m.sk, body: { provider: "paiementpro", ...body } });

/** Opens the hosted page and presses one button, without following the redirect. */
async function press(pageUrl: string, action: string, overrides: Record<string, string> = {}) {
  const html = await (await fetch(pageUrl)).text();
  const form = readForms(html, pageUrl)[0];
  if (!form) throw new Error("no form on the page");
  const res = await fetch(form.action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...form.fields, ...overrides, action }).toString(),
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location") ?? "", html, form, answer: await res.text() };
}

describe("PaiementPro sandbox wire", () => {
  it("init answers {success, url}; the same order again gets the same session, another is refused", async () => {
    const ref = randomUUID();
    const first = await init(ref);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ success: true, url: expect.stringContaining("/webservice/onlinepayment/sandbox.php?sessionid=") });
    expect((await init(ref)).body.url).toBe(first.body.url);
    const clash = await init(ref, { amount: 9999 });
    expect(clash.body).toMatchObject({ success: false, message: expect.any(String) });
    expect((await init(randomUUID(), { countryCurrencyCode: "978" })).body.success).toBe(false);
  });

  it("the page is a plain form: hidden state, three data-action buttons inside it, card pre-filled", async () => {
    const card = await init(randomUUID(), { channel: "CARD" });
    const html = await (await fetch(card.body.url)).text();
    const [form] = readForms(html, card.body.url);
    expect(form?.method).toBe("POST");
    expect(Object.keys(form?.buttons ?? {}).sort()).toEqual(["approve", "cancel", "decline"]);
    expect(form?.fields).toMatchObject({ sessionid: expect.any(String), card_number: "4242 4242 4242 4242" });
    expect(html).not.toMatch(/<script|formaction/i);
  });

  it("after a button: 303 to the return URL with responsecode, and the status API reports the outcome", async () => {
    const ref = randomUUID();
    const created = await init(ref);
    expect((await status(ref)).body).toMatchObject({ success: false, responsecode: null, reference: ref });
    const pressed = await press(created.body.url, "cancel");
    expect(pressed.status).toBe(303);
    const back = new URL(pressed.location);
    expect(`${back.origin}${back.pathname}`).toBe("https://merchant.example/back");
    expect(back.searchParams.get("responsecode")).toBe("-2");
    expect(back.searchParams.get("referenceNumber")).toBe(ref);
    const final = await eventually(async () => {
      const s = (await status(ref)).body;
      return s.responsecode !== null ? s : null;
    });
    expect(final).toMatchObject({ success: false, responsecode: "-2", marchant_id: "PP-F105", amount: 5000, channel: "OMCIV2" });
  });

  it("card 4000 0000 0000 3220 gets a 3-D Secure page (same form rules) before the return", async () => {
    const ref = randomUUID();
    const created = await init(ref, { channel: "CARD" });
    const first = await press(created.body.url, "approve", { card_number: "4000 0000 0000 3220" });
    expect(first.status).toBe(200);
    const [challenge] = readForms(first.answer, created.body.url);
    expect(challenge?.fields).toMatchObject({ step: "3ds" });
    expect(Object.keys(challenge?.buttons ?? {}).sort()).toEqual(["approve", "cancel", "decline"]);
    expect((await status(ref)).body.responsecode).toBeNull();
  });

  it("an unknown reference is 404; …05 answers 503 and keeps nothing", async () => {
    expect((await status(randomUUID())).status).toBe(404);
    const ref = randomUUID();
    expect((await init(ref, { customerPhoneNumber: "2250700000005" })).status).toBe(503);
    expect((await status(ref)).status).toBe(404);
  });

  it("_control down answers 503 to init and status alike", async () => {
    const ref = randomUUID();
    await init(ref);
    await t.call("POST", "/sandbox/paiementpro/_control", { body: { down: true } });
    try {
      expect((await init(randomUUID())).status).toBe(503);
      expect((await status(ref)).status).toBe(503);
      const created = await pay({ amount: 2500, payment_method: "PAYIN_CARD" });
      expect(created.status).toBe(503);
      expect(created.body.error.code).toBe("provider_unavailable");
    } finally {
      await t.call("POST", "/sandbox/paiementpro/_control", { body: { down: false } });
    }
  });
});

describe("PaiementPro through ZeroFee", () => {
  it("a customer who approves and never comes back is completed by the notification", async () => {
    const created = await pay({ amount: 3000, payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 00" } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ status: "requires_action", next_action: { type: "redirect" } });
    const pressed = await press(created.body.data.next_action.redirect_url, "approve");
    expect(pressed.location).toContain(`/v1/payments/${created.body.data.id}/return`);
    const done = await eventually(async () => {
      const p = (await t.call("GET", `/v1/payments/${created.body.data.id}`, { token: m.sk })).body.data;
      return p.status === "completed" ? p : null;
    });
    expect(done.timeline.at(-1).source).toBe("provider_webhook");
  });

  it("a notification the status API does not confirm is 400 and changes nothing (SPEC §4)", async () => {
    const created = await pay({ amount: 3000, payment_method: "PAYIN_MTN_CI", customer: { phone: "+225 05 00 00 00 02" } });
    expect(created.status).toBe(201);
    const reference = created.body.data.attempts?.[0]?.provider_payment_id;
    expect(reference).toEqual(expect.any(String));
    const notify = (responsecode: string) =>
      t.call("POST", "/v1/webhooks/providers/paiementpro", {
        rawBody: new URLSearchParams({
          merchantId: "PP-F105",
          referenceNumber: reference,
          amount: "3000",
          transactiondt: "2026-11-26 10:00:00",
          responsecode,
          hashcode: "x",
        }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    const stored = async () => (await rows(t.database.db, sql`select 1 from provider_callbacks where provider = 'paiementpro'`)).length;
    const before = await stored();
    const forged = await notify("0");
    expect(forged.status, forged.text).toBe(400);
    expect(forged.body.error.code).toBe("webhook_unconfirmed");
    expect(await stored()).toBe(before);
    expect((await t.call("GET", `/v1/payments/${created.body.data.id}`, { token: m.sk })).body.data.status).toBe("requires_action");
  });

  it("a card in a currency PaiementPro does not take is refused before anything is sent", async () => {
    const before = await countSandboxRecords(t.database.db, "paiementpro");
    const res = await pay({ amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD" });
    // Routing reads the adapter's currencies: refused as a request error before any call.
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("method_not_supported");
    expect(await countSandboxRecords(t.database.db, "paiementpro")).toBe(before);
  });
});
