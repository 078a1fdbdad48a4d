/**
 * The example shop against a real ZeroFee (in-process, sandbox, webhook workers on): order
 * first, session bound with one idempotency key, and every webhook a real delivery from
 * ZeroFee to the shop's endpoint — verified by the SDK from the raw body, deduplicated by
 * event id, fulfilling once — with reconciliation covering a late webhook. A small forwarder
 * between ZeroFee and the shop keeps each delivery's exact bytes and headers, to replay or
 * tamper with them, and can hold deliveries back (the late webhook).
 */
import type { IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutCompletedEvent, payHostedSession } from "../../../packages/server/test/checkout/helpers.js";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../../../packages/server/test/harness.js";
import { type Forwarder, startForwarder } from "../../../packages/server/test/webhooks/forwarder.js";
import { setEndpoint } from "../../../packages/server/test/webhooks/helpers.js";
import { openDb } from "../src/db.js";
import { createShop, type ShopConfig } from "../src/shop.js";

let t: TestApp;
let m: Merchant;
let shop: ReturnType<typeof createShop>;
let shopUrl: string;
let forwarder: Forwarder;
const fulfilled: Array<[string, string]> = [];
/** Set to make the shop's next database transaction fail (its disk full, say): a fault on the shop's side only. */
let failNextTransaction = false;

const postToShop = (raw: string, headers: IncomingHttpHeaders) => forwarder.post(raw, headers);

beforeAll(async () => {
  t = await startTestApp({ workers: true });
  m = await createMerchant(t, "example-shop");
  const config: ShopConfig = {
    db: await (async () => {
      const real = await openDb();
      return new Proxy(real, {
        get(target, prop) {
          if (prop === "transaction" && failNextTransaction) {
            failNextTransaction = false;
            return async () => {
              throw new Error("the shop's database refused the write");
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    })(),
    zerofeeUrl: t.url,
    secretKey: m.sk,
    webhookSecret: "",
    publicUrl: "http://localhost:0",
    onFulfil: (o, s) => fulfilled.push([o, s]),
  };
  shop = createShop(config);
  await new Promise<void>((r) => shop.server.listen(0, "127.0.0.1", r));
  shopUrl = `http://127.0.0.1:${(shop.server.address() as AddressInfo).port}`;
  forwarder = await startForwarder();
  forwarder.target = `${shopUrl}/webhooks/zerofee`;
  // The shop's endpoint, set in ZeroFee like a merchant does; the secret is shown once.
  config.webhookSecret = await setEndpoint(t, m, forwarder.url, {
    events: ["checkout.completed"],
  });
});
afterAll(async () => {
  await forwarder?.close();
  await new Promise((r) => shop?.server.close(r));
  await t?.stop();
});

const deliveriesOf = (sessionId: string) => forwarder.deliveries.filter((d) => JSON.parse(d.raw).data.id === sessionId);
const fulfilmentsOf = (orderId: string) => fulfilled.filter(([o]) => o === orderId);

describe("example merchant shop", () => {
  it("stores the order, then creates the session server-side with a per-order idempotency key, and redirects to the hosted page", async () => {
    const res = await fetch(`${shopUrl}/orders`, {
      method: "POST",
      body: "sku=mug",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    const location = res.headers.get("location") ?? "";
    expect(location).toMatch(new RegExp(`^${t.url}/checkout/cs_`));
    const sessions = await t.call("GET", `/v1/checkout/sessions/${location.split("/").at(-1)}`, { token: m.sk });
    expect(sessions.body.data).toMatchObject({ amount: 2500, currency: "XOF", status: "open" });
    expect(sessions.body.data.reference).toMatch(/^ord_/);
    // The idempotency key per order: the same key replays the same session.
    const again = await t.call("POST", "/v1/checkout/sessions", {
      token: m.sk,
      idempotencyKey: `order:${sessions.body.data.reference}`,
      body: {
        amount: 2500,
        currency: "XOF",
        reference: sessions.body.data.reference,
        description: "Mug",
        success_url: `http://localhost:0/orders/${sessions.body.data.reference}/return`,
        cancel_url: "http://localhost:0/",
        metadata: { order_id: sessions.body.data.reference },
      },
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.data.id).toBe(sessions.body.data.id);
  });

  it("ZeroFee's delivery fulfils the order once; a resend, a replay of the same bytes and a tampered body do not", async () => {
    const { orderId, url } = await shop.startCheckout("tshirt-xl");
    const session = await payHostedSession(t, m, url);
    const [first] = await eventually(async () => (deliveriesOf(session.id).length ? deliveriesOf(session.id) : null));
    expect(first?.answer).toBe("fulfilled");
    const event = JSON.parse(first?.raw ?? "{}");
    expect(fulfilmentsOf(orderId)).toEqual([[orderId, `webhook:${event.id}`]]);
    // A resend by hand: a new real delivery of the same event, freshly signed.
    expect((await t.call("POST", `/v1/events/${event.id}/resend`, { token: m.sk })).status).toBeLessThan(300);
    const second = await eventually(async () => deliveriesOf(session.id)[1]);
    expect(second.answer).toBe("duplicate");
    expect(second.headers["x-zerofee-delivery"]).not.toBe(first?.headers["x-zerofee-delivery"]);
    // The exact bytes again (a replay inside the 5-minute window): verified, and a no-op.
    expect(await (await postToShop(first!.raw, first!.headers)).text()).toBe("duplicate");
    // The body changed under ZeroFee's signature: refused before anything is read.
    const tampered = first!.raw.replace(`"id":"${event.id}"`, `"id":"evt_forged"`);
    expect(tampered).not.toBe(first!.raw);
    expect((await postToShop(tampered, first!.headers)).status).toBe(400);
    // Only the X-ZeroFee-Signature header taken away: the Standard Webhooks headers still verify it (as a duplicate).
    const { "x-zerofee-signature": _dropped, ...standard } = first!.headers;
    expect(await (await postToShop(first!.raw, standard)).text()).toBe("duplicate");
    expect((await postToShop(tampered, standard)).status).toBe(400);
    expect(fulfilmentsOf(orderId)).toHaveLength(1);
  });

  it("a late webhook: the return page reconciles from the session and fulfils; the delivery arriving after does not fulfil again", async () => {
    forwarder.hold = true;
    const { orderId, url } = await shop.startCheckout("mug");
    const session = await payHostedSession(t, m, url);
    const page = await fetch(`${shopUrl}/orders/${orderId}/return?session_id=${session.id}`);
    expect(await page.text()).toContain('data-order-status="fulfilled"');
    expect(fulfilmentsOf(orderId)).toEqual([[orderId, "reconciliation"]]);
    forwarder.hold = false;
    // The held event, delivered now (by hand rather than waiting a minute for the schedule).
    const event = await checkoutCompletedEvent(t, m, session.id);
    expect((await t.call("POST", `/v1/events/${event.id}/resend`, { token: m.sk })).status).toBeLessThan(300);
    const late = await eventually(async () => deliveriesOf(session.id)[0]);
    expect(late.answer).toBe("already fulfilled");
    expect(fulfilmentsOf(orderId)).toHaveLength(1);
  });

  it("a fulfilment that fails is not taken as handled: the shop answers 500 and the next delivery fulfils", async () => {
    failNextTransaction = true;
    const { orderId, url } = await shop.startCheckout("mug");
    const session = await payHostedSession(t, m, url);
    const [first] = await eventually(async () => (deliveriesOf(session.id).length ? deliveriesOf(session.id) : null));
    expect(first?.answer).toBe("error");
    expect(fulfilmentsOf(orderId)).toEqual([]);
    const event = await checkoutCompletedEvent(t, m, session.id);
    expect((await t.call("POST", `/v1/events/${event.id}/resend`, { token: m.sk })).status).toBeLessThan(300);
    expect((await eventually(async () => deliveriesOf(session.id)[1])).answer).toBe("fulfilled");
    expect(fulfilmentsOf(orderId)).toEqual([[orderId, `webhook:${event.id}`]]);
  });
});
