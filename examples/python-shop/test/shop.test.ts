/**
 * The Python example shop (examples/python-shop/shop.py, standard library + the Python SDK)
 * against a real ZeroFee (in-process, sandbox, webhook workers on): every webhook is a real
 * delivery from ZeroFee through a forwarder that keeps its exact bytes; the order is fulfilled
 * once; resends, replays and tampered bodies change nothing; reconciliation covers a late webhook.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutCompletedEvent, payHostedSession } from "../../../packages/server/test/checkout/helpers.js";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../../../packages/server/test/harness.js";
import { type Forwarder, startForwarder } from "../../../packages/server/test/webhooks/forwarder.js";
import { setEndpoint } from "../../../packages/server/test/webhooks/helpers.js";

const repo = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
let t: TestApp;
let m: Merchant;
let forwarder: Forwarder;
let shop: ChildProcess;
let shopUrl: string;
let shopOutput = "";
const dir = mkdtempSync(join(tmpdir(), "zf-python-shop-"));
const shopDb = join(dir, "shop.sqlite");

beforeAll(async () => {
  t = await startTestApp({ workers: true });
  m = await createMerchant(t, "python-shop");
  forwarder = await startForwarder();
  const secret = await setEndpoint(t, m, forwarder.url, { events: ["checkout.completed"] });
  shop = spawn("python3", [repo("examples/python-shop/shop.py")], {
    env: {
      ...process.env,
      PYTHONPATH: repo("packages/sdk-python"),
      PORT: "0",
      ZEROFEE_URL: t.url,
      ZEROFEE_SECRET_KEY: m.sk,
      ZEROFEE_WEBHOOK_SECRET: secret,
      SHOP_DB: shopDb,
    },
  });
  shop.stdout?.on("data", (c: Buffer) => (shopOutput += c));
  shop.stderr?.on("data", (c: Buffer) => (shopOutput += c));
  shopUrl = await eventually(async () => /shop on (http:\/\/127\.0\.0\.1:\d+)/.exec(shopOutput)?.[1], 20_000);
  forwarder.target = `${shopUrl}/webhooks/zerofee`;
});
afterAll(async () => {
  shop?.kill();
  await forwarder?.close();
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Another process holds the shop's database locked (a long backup, say) until `release()`. */
async function lockShopDatabase(): Promise<{ release(): void }> {
  const locker = spawn("python3", [
    "-c",
    `import sqlite3, sys\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute("BEGIN EXCLUSIVE")\nprint("locked", flush=True)\nsys.stdin.read()`,
    shopDb,
  ]);
  let out = "";
  locker.stdout.on("data", (c: Buffer) => (out += c));
  await eventually(async () => out.includes("locked"), 10_000);
  return { release: () => locker.kill() };
}

/** Orders an item at the shop; returns the order id and the hosted page it redirects to. */
async function order(sku: string): Promise<{ orderId: string; url: string }> {
  const res = await fetch(`${shopUrl}/orders`, {
    method: "POST",
    body: `sku=${sku}`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    redirect: "manual",
  });
  expect(res.status, shopOutput).toBe(303);
  return { orderId: res.headers.get("x-order-id") ?? "", url: res.headers.get("location") ?? "" };
}

const shopOrder = async (orderId: string) => (await fetch(`${shopUrl}/orders/${orderId}`)).json() as Promise<{ status: string; fulfilments: string[] }>;
const deliveriesOf = (sessionId: string) => forwarder.deliveries.filter((d) => JSON.parse(d.raw).data.id === sessionId);

describe("example Python shop", () => {
  it("stores the order, creates the session bound to it, and is fulfilled once by ZeroFee's real delivery", async () => {
    const { orderId, url } = await order("tshirt-xl");
    expect(url).toMatch(new RegExp(`^${t.url}/checkout/cs_`));
    const session = await payHostedSession(t, m, url);
    expect(session).toMatchObject({ reference: orderId, amount: 5000, currency: "XOF" });
    const [first] = await eventually(async () => (deliveriesOf(session.id).length ? deliveriesOf(session.id) : null));
    expect(first?.answer).toBe("fulfilled");
    const event = JSON.parse(first!.raw);
    expect(await shopOrder(orderId)).toMatchObject({ status: "fulfilled", fulfilments: [`webhook:${event.id}`] });
    // A resend (a new, freshly signed delivery), the same bytes replayed, and a tampered body.
    expect((await t.call("POST", `/v1/events/${event.id}/resend`, { token: m.sk })).status).toBeLessThan(300);
    expect((await eventually(async () => deliveriesOf(session.id)[1])).answer).toBe("duplicate");
    expect(await (await forwarder.post(first!.raw, first!.headers)).text()).toBe("duplicate");
    const tampered = first!.raw.replace(`"id":"${event.id}"`, `"id":"evt_forged"`);
    expect(tampered).not.toBe(first!.raw);
    expect((await forwarder.post(tampered, first!.headers)).status).toBe(400);
    expect((await shopOrder(orderId)).fulfilments).toHaveLength(1);
  });

  it("a late webhook: the return page reconciles from the session; the delivery after does not fulfil again", async () => {
    forwarder.hold = true;
    const { orderId, url } = await order("mug");
    const session = await payHostedSession(t, m, url);
    // As the customer's browser arrives: the hosted page adds `?session_id=` to the success URL.
    const back = await fetch(`${shopUrl}/orders/${orderId}/return?session_id=${session.id}`);
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('data-order-status="fulfilled"');
    expect((await shopOrder(orderId)).fulfilments).toEqual(["reconciliation"]);
    forwarder.hold = false;
    const event = await checkoutCompletedEvent(t, m, session.id);
    expect((await t.call("POST", `/v1/events/${event.id}/resend`, { token: m.sk })).status).toBeLessThan(300);
    expect((await eventually(async () => deliveriesOf(session.id)[0])).answer).toBe("already fulfilled");
    expect((await shopOrder(orderId)).fulfilments).toEqual(["reconciliation"]);
  });

  it("a fulfilment that fails is not taken as handled: the shop answers 500, and the next delivery fulfils", async () => {
    const { orderId, url } = await order("mug");
    const lock = await lockShopDatabase();
    let session: { id: string };
    try {
      session = await payHostedSession(t, m, url);
      // sqlite gives up on the lock after 5 s: fulfil_once raises, nothing is recorded.
      const [failed] = await eventually(async () => (deliveriesOf(session.id).length ? deliveriesOf(session.id) : null), 20_000);
      expect(failed?.status, shopOutput).toBe(500);
      expect(failed?.answer).toBe("not handled; deliver again");
    } finally {
      lock.release();
    }
    expect((await shopOrder(orderId)).fulfilments).toEqual([]);
    const event = await checkoutCompletedEvent(t, m, session.id);
    expect((await t.call("POST", `/v1/events/${event.id}/resend`, { token: m.sk })).status).toBeLessThan(300);
    expect((await eventually(async () => deliveriesOf(session.id)[1])).answer).toBe("fulfilled");
    expect((await shopOrder(orderId)).fulfilments).toEqual([`webhook:${event.id}`]);
  }, 40_000);
});
