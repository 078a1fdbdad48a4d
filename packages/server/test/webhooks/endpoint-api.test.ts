/**
 * The webhook endpoint and events API as a merchant's integration meets them (SPEC §4, §7):
 * a hand resend of a `skipped` event delivers it (the endpoint's `events` filter is for
 * automatic deliveries); what GET answers can be PUT back as is (`events: null`); a key
 * naming the other mode's endpoint is refused as a permission (403), not as bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { createPayments, setEndpoint } from "./helpers.js";
import { receiverPool } from "./receiver.js";

let t: TestApp;
const receivers = receiverPool();

beforeAll(async () => {
  t = await startTestApp({ workers: true, env: { ZEROFEE_WEBHOOK_RETRY_DELAYS: "1,1,1", ZEROFEE_WEBHOOK_TIMEOUT_MS: "2000" } });
});
afterAll(async () => {
  await receivers.closeAll();
  await t?.stop();
});

/** The event of `type` about `objectId`, once its delivery is in `status`. */
async function eventOf(m: Merchant, type: string, objectId: string, status: string) {
  return eventually(async () => {
    const list = await t.call("GET", `/v1/events?type=${type}&limit=100`, { token: m.sk });
    const e = list.body.data.find((x: { data: { id: string } }) => x.data.id === objectId);
    return e?.delivery?.status === status ? e : null;
  }, 15_000);
}

describe("hand resend and the endpoint's events filter", () => {
  it("resending a skipped event delivers it, once; automatic deliveries still skip the types the endpoint does not take", async () => {
    const m = await createMerchant(t, "resend-skipped");
    const r = await receivers.start();
    await setEndpoint(t, m, r.url, { events: ["payment.completed"] });
    const [paymentId] = await createPayments(t, m, 1);
    const created = await eventOf(m, "payment.created", paymentId as string, "skipped");
    await eventOf(m, "payment.completed", paymentId as string, "delivered");
    expect(r.received.map((x) => x.headers["x-zerofee-event"])).toEqual(["payment.completed"]);

    const resend = await t.call("POST", `/v1/events/${created.id}/resend`, { token: m.sk });
    expect(resend.status, resend.text).toBe(200);
    expect(resend.body.data.delivery.status).toBe("pending");
    const delivered = await eventually(async () => {
      const e = (await t.call("GET", `/v1/events/${created.id}`, { token: m.sk })).body.data;
      return e.delivery.status === "skipped" || e.delivery.status === "delivered" ? e : null;
    }, 15_000);
    expect(delivered.delivery.status).toBe("delivered");
    const copies = r.received.filter((x) => x.headers["webhook-id"] === created.id);
    expect(copies).toHaveLength(1);
    expect(JSON.parse(copies[0]?.body ?? "{}")).toMatchObject({ id: created.id, type: "payment.created", data: { id: paymentId } });
    const deliveries = await t.call("GET", `/v1/events/${created.id}/deliveries`, { token: m.sk });
    expect(deliveries.body.data).toEqual([expect.objectContaining({ attempt: 1, status_code: 200 })]);

    // The filter still holds for what the workers send on their own.
    const [next] = await createPayments(t, m, 1);
    await eventOf(m, "payment.completed", next as string, "delivered");
    await eventOf(m, "payment.created", next as string, "skipped");
    expect(r.received.filter((x) => JSON.parse(x.body).data.id === next).map((x) => x.headers["x-zerofee-event"])).toEqual(["payment.completed"]);
  }, 60_000);
});

describe("PUT …/webhook takes back what GET answers", () => {
  it('`"events": null` (what GET shows for every type) is accepted and means every type', async () => {
    const m = await createMerchant(t, "events-null");
    const r = await receivers.start();
    await setEndpoint(t, m, r.url, { events: ["payment.completed"] });
    const everyType = await t.call("PUT", `/v1/apps/${m.appId}/webhook`, { token: m.sk, body: { url: r.url, events: null } });
    expect(everyType.status, everyType.text).toBe(200);
    expect(everyType.body.data.events).toBeNull();

    // Read, then send back the fields read: no change, no error.
    const read = (await t.call("GET", `/v1/apps/${m.appId}/webhook`, { token: m.sk })).body.data;
    expect(read.events).toBeNull();
    const back = await t.call("PUT", `/v1/apps/${m.appId}/webhook`, { token: m.sk, body: { mode: read.mode, url: read.url, events: read.events } });
    expect(back.status, back.text).toBe(200);
    expect(back.body.data).toMatchObject({ mode: "test", url: r.url, events: null });

    // Null really is every type: a payment.created is delivered again.
    const [paymentId] = await createPayments(t, m, 1);
    await eventOf(m, "payment.created", paymentId as string, "delivered");
  }, 30_000);
});

describe("a key and the other mode's endpoint", () => {
  it("an sk_test key naming mode live is refused with 403 permission_error, its message kept", async () => {
    const m = await createMerchant(t, "wrong-mode");
    const put = await t.call("PUT", `/v1/apps/${m.appId}/webhook`, { token: m.sk, body: { mode: "live", url: "https://shop.example/hooks" } });
    expect(put.status, put.text).toBe(403);
    expect(put.body.error).toMatchObject({ type: "permission_error", code: "forbidden", message: "A test key manages the test endpoint only.", param: "mode" });
    const get = await t.call("GET", `/v1/apps/${m.appId}/webhook?mode=live`, { token: m.sk });
    expect(get.status, get.text).toBe(403);
    const live = await t.call("POST", `/v1/apps/${m.appId}/webhook/test`, { token: m.skLive, body: { mode: "test" } });
    expect(live.status, live.text).toBe(403);
    expect(live.body.error.message).toBe("A live key manages the live endpoint only.");
    // Naming its own mode is fine.
    const own = await t.call("PUT", `/v1/apps/${m.appId}/webhook`, { token: m.sk, body: { mode: "test", url: "http://127.0.0.1:9/hooks" } });
    expect(own.status, own.text).toBe(201);
  });
});
