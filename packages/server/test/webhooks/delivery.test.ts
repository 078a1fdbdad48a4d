/**
 * Outbound webhook delivery (SPEC §7; reliability.md §5 D): signing and headers, the article's
 * verifiers, WH-1 (flaky and slow receiver), WH-3 (secret rotation), the events API.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp, TestClock } from "../harness.js";
import { rows } from "../reliability/helpers.js";
import {
  advanceToNextRetry,
  createPayments,
  jobCounts,
  runArticleVerifiers,
  setEndpoint,
  standardValid,
  writeEvents,
  zeroFeeSignatureValid,
} from "./helpers.js";
import { type Received, receiverPool } from "./receiver.js";

let t: TestApp;
const receivers = receiverPool();
const receiver = receivers.start;

beforeAll(async () => {
  t = await startTestApp({
    workers: true,
    env: { ZEROFEE_WEBHOOK_RETRY_DELAYS: "1,1,1,1,1,1,1,1,1,1,1,1", ZEROFEE_WEBHOOK_TIMEOUT_MS: "1500", ZEROFEE_WEBHOOK_DISABLE_AFTER: "0" },
  });
});
afterAll(async () => {
  await receivers.closeAll();
  await t?.stop();
});

const deliveredAll = async (m: Merchant, on: TestApp = t) =>
  rows(
    on.database.db,
    sql`select e.id, j.status from events e join webhook_jobs j on j.event_id = e.id where e.app_id = ${m.appId} and e.type <> 'webhook.test'`,
  );

describe("endpoint and signing", () => {
  it("the secret is shown once; deliveries carry every header and verify with the article's verifiers and standardwebhooks", async () => {
    const m = await createMerchant(t, "signing");
    const r = await receiver();
    // Before: the singleton answers 404, its list form an empty 200 (what the dashboard reads).
    expect((await t.call("GET", `/v1/apps/${m.appId}/webhook?mode=test`, { token: m.token })).status).toBe(404);
    const none = await t.call("GET", `/v1/apps/${m.appId}/webhooks?mode=test`, { token: m.token });
    expect(none.status, none.text).toBe(200);
    expect(none.body).toMatchObject({ data: [], has_more: false });
    const secret = await setEndpoint(t, m, r.url);
    const listed = await t.call("GET", `/v1/apps/${m.appId}/webhooks?mode=test`, { token: m.token });
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).toMatchObject({ mode: "test", url: r.url, active: true });
    expect(listed.text).not.toContain("whsec_");
    expect((await t.call("GET", `/v1/apps/${m.appId}/webhooks?mode=live`, { token: m.token })).body.data).toEqual([]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    const got = await t.call("GET", `/v1/apps/${m.appId}/webhook`, { token: m.sk });
    expect(got.status).toBe(200);
    expect(got.body.data.secret).toBeUndefined();
    expect(got.text).not.toContain("whsec_");
    expect(got.body.data).toMatchObject({ mode: "test", url: r.url, active: true, events: null });
    // Updating the URL keeps the secret, and shows none.
    const again = await t.call("PUT", `/v1/apps/${m.appId}/webhook`, { token: m.token, headers: { "x-app-id": m.appId }, body: { mode: "test", url: r.url } });
    expect(again.status).toBe(200);
    expect(again.body.data.secret).toBeUndefined();

    const [paymentId] = await createPayments(t, m, 3);
    const all = await eventually(async () => {
      const list = await deliveredAll(m);
      return list.length === 6 && list.every((e) => e.status === "delivered") ? list : null;
    }, 20_000);
    expect(all).toHaveLength(6);
    // At least once: a request the worker gave up on (timeout) may reach the receiver and be
    // sent again — never without a failed attempt on record.
    expect(new Set(r.received.map((x) => x.headers["webhook-id"])).size).toBe(6);
    const logged = await rows(t.database.db, sql`select count(*)::int as n from webhook_attempts where app_id = ${m.appId}`);
    expect(r.received.length).toBe(Number(logged[0]?.n));
    const first = r.received.find((x) => JSON.parse(x.body).data.id === paymentId && JSON.parse(x.body).type === "payment.created") as Received;
    expect(first).toBeDefined();
    const payload = JSON.parse(first.body);
    expect(Object.keys(payload).sort()).toEqual(["created_at", "data", "id", "type"]);
    expect(payload.id).toMatch(/^evt_/);
    expect(first.headers["user-agent"]).toBe("ZeroFee-Webhook/1.0");
    expect(first.headers["x-zerofee-event"]).toBe("payment.created");
    expect(first.headers["x-zerofee-delivery"]).toMatch(/^del_/);
    expect(first.headers["webhook-id"]).toBe(payload.id);
    expect(first.headers["content-length"]).toBe(String(Buffer.byteLength(first.body)));
    expect(first.headers["transfer-encoding"]).toBeUndefined();
    const sig = String(first.headers["x-zerofee-signature"]);
    expect(sig).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(first.headers["x-zerofee-timestamp"]).toBe(/^t=(\d+)/.exec(sig)?.[1]);
    expect(first.headers["webhook-timestamp"]).toBe(first.headers["x-zerofee-timestamp"]);
    for (const x of r.received) {
      expect(zeroFeeSignatureValid(x, secret)).toBe(true);
      expect(standardValid(x, secret)).toBe(true);
      expect(standardValid(x, `whsec_${Buffer.alloc(32, 1).toString("base64")}`)).toBe(false);
    }
    // The verifiers printed in the article, in their own languages.
    const cases = r.received.map((x) => ({ body: x.body, header: String(x.headers["x-zerofee-signature"]), secret }));
    const tampered = { ...cases[0], body: cases[0]?.body.replace("payment", "pAyment") } as (typeof cases)[0];
    const wrongKey = { ...cases[0], secret: `${secret}x` } as (typeof cases)[0];
    const results = runArticleVerifiers([...cases, tampered, wrongKey]);
    for (const [lang, out] of Object.entries(results)) {
      if (typeof out === "string") {
        console.warn(`article verifier (${lang}) ${out}`);
        continue;
      }
      expect(out, lang).toEqual([...cases.map(() => true), false, false]);
    }
    expect(Array.isArray(results.python) && Array.isArray(results.node)).toBe(true);

    // The events API shows each event and its attempts.
    const list = await t.call("GET", "/v1/events?limit=2", { token: m.sk });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.has_more).toBe(true);
    const next = await t.call("GET", `/v1/events?limit=10&cursor=${list.body.next_cursor}`, { token: m.sk });
    expect(next.body.data).toHaveLength(4);
    const ev = await t.call("GET", `/v1/events/${payload.id}`, { token: m.sk });
    expect(ev.body.data).toMatchObject({ id: payload.id, type: "payment.created", data: payload.data, delivery: { status: "delivered" } });
    const dels = await t.call("GET", `/v1/events/${payload.id}/deliveries`, { token: m.sk });
    const copies = r.received.filter((x) => x.headers["webhook-id"] === payload.id);
    expect(dels.body.data).toHaveLength(copies.length);
    expect(dels.body.data.at(-1)).toMatchObject({ event_id: payload.id, attempt: copies.length, status_code: 200, response_body: "ok", error: null });
    expect(dels.body.data.map((d: { id: string }) => d.id)).toEqual(copies.map((x) => x.headers["x-zerofee-delivery"]));
    const filtered = await t.call("GET", "/v1/events?type=payment.completed&delivery_status=delivered", { token: m.sk });
    expect(filtered.body.data).toHaveLength(3);
    expect(filtered.body.data.every((e: { type: string }) => e.type === "payment.completed")).toBe(true);
    // Another app's key sees none of it.
    const other = await createMerchant(t, "other");
    expect((await t.call("GET", `/v1/events/${payload.id}`, { token: other.sk })).status).toBe(404);
    expect((await t.call("GET", `/v1/events/${payload.id}`, { token: m.skLive })).status).toBe(404);
  }, 60_000);

  it("an endpoint's `events` filter: other types are skipped; the test event always goes", async () => {
    const m = await createMerchant(t, "filtered");
    const r = await receiver();
    await setEndpoint(t, m, r.url, { events: ["payment.completed"] });
    await createPayments(t, m, 2);
    const test = await t.call("POST", `/v1/apps/${m.appId}/webhook/test`, { token: m.sk });
    expect(test.status).toBe(202);
    await eventually(async () => (r.received.length === 3 ? true : null), 15_000);
    const types = r.received.map((x) => JSON.parse(x.body).type).sort();
    expect(types).toEqual(["payment.completed", "payment.completed", "webhook.test"]);
    const skipped = await t.call("GET", "/v1/events?delivery_status=skipped", { token: m.sk });
    expect(skipped.body.data.map((e: { type: string }) => e.type)).toEqual(["payment.created", "payment.created"]);
  }, 30_000);
});

describe("D. webhook delivery", () => {
  it("WH-1 flaky and slow receiver: 200 events all delivered; every attempt logged and signed over the exact bytes; Retry-After and jitter respected", async () => {
    // An app of its own on a test clock: the 1 s retry delays and Retry-After's 2 s pass on
    // the clock, moved on from the wait below. The timeout is the POST's own (real) timer: kept
    // at 1.5 s, as a shorter one also cuts off answers that are merely late on a loaded machine
    // (seen at 500 ms: attempts logged as timeouts before the receiver got the request).
    const clock = new TestClock();
    const w = await startTestApp({
      clock,
      workers: true,
      env: { ZEROFEE_WEBHOOK_RETRY_DELAYS: "1,1,1,1,1,1,1,1,1,1,1,1", ZEROFEE_WEBHOOK_TIMEOUT_MS: "1500", ZEROFEE_WEBHOOK_DISABLE_AFTER: "0" },
    });
    onTestFinished(() => w.stop());
    const m = await createMerchant(w, "flaky");
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const r = await receiver(() => {
      const x = random();
      if (x < 0.25) return { status: 500, body: `boom ${"x".repeat(1500)}` };
      if (x < 0.33) return { status: 429, headers: { "retry-after": "120" }, body: "slow down" };
      if (x < 0.4) return { status: 200, sleepMs: 2500 }; // past the 1.5 s timeout
      return { status: 200 };
    });
    const secret = await setEndpoint(w, m, r.url);
    await writeEvents(w, m, 200);
    await eventually(
      async () => {
        const jobs = await jobCounts(w, m.appId);
        if (jobs.total === 200 && jobs.delivered === 200) return true;
        await advanceToNextRetry(w, clock);
        return null;
      },
      150_000,
      50,
    );
    const events = await deliveredAll(m, w);
    expect(events).toHaveLength(200);
    expect(events.every((e) => e.status === "delivered")).toBe(true);
    // Each event reached a 2xx answer; every request received verifies both ways.
    const ids = new Set(events.map((e) => e.id));
    for (const id of ids) expect(r.delivered.has(id), id).toBe(true);
    expect(r.received.length).toBeGreaterThan(200);
    for (const x of r.received) {
      expect(zeroFeeSignatureValid(x, secret)).toBe(true);
      expect(standardValid(x, secret)).toBe(true);
    }
    const attempts = await rows(
      w.database.db,
      sql`select event_id, attempt, status_code, response_body, duration_ms, error, created_at from webhook_attempts where app_id = ${m.appId} order by event_id, attempt`,
    );
    expect(attempts.length).toBe(r.received.length);
    const byEvent = new Map<string, typeof attempts>();
    for (const a of attempts) byEvent.set(a.event_id, [...(byEvent.get(a.event_id) ?? []), a]);
    let sawRetryAfter = 0;
    let sawTimeout = 0;
    for (const list of byEvent.values()) {
      list.forEach((a, i) => {
        expect(a.attempt).toBe(i + 1);
        expect(a.duration_ms).toBeGreaterThanOrEqual(0);
        if (a.response_body !== null) expect(a.response_body.length).toBeLessThanOrEqual(1000);
        // The first 1,000 characters of what the receiver answered ("boom " + 1,500 × "x").
        if (a.status_code === 500) expect(a.response_body).toBe(`boom ${"x".repeat(995)}`);
        if (a.status_code === null) {
          expect(a.error).toMatch(/^timeout/);
          sawTimeout++;
        }
        const next = list[i + 1];
        if (!next) return;
        // Attempts are stamped with the app's clock, the one the retries wait on.
        const gap = new Date(next.created_at).getTime() - new Date(a.created_at).getTime();
        // Schedule 1 s, jitter ±10 %; Retry-After 120 clamped to 2 × the scheduled delay.
        if (a.status_code === 429) {
          sawRetryAfter++;
          expect(gap).toBeGreaterThanOrEqual(2000);
        } else expect(gap).toBeGreaterThanOrEqual(900);
      });
      expect(list.at(-1)?.status_code).toBe(200);
    }
    expect(sawRetryAfter).toBeGreaterThan(0);
    expect(sawTimeout).toBeGreaterThan(0);
  }, 180_000);

  it("WH-3 secret rotation: both signatures for 24 h (new first, old last), then only the new one", async () => {
    const m = await createMerchant(t, "rotation");
    const r = await receiver();
    const oldSecret = await setEndpoint(t, m, r.url);
    const rotated = await t.call("POST", `/v1/apps/${m.appId}/webhook/rotate-secret`, { token: m.sk });
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.body.data.secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    const overlapEnd = new Date(rotated.body.data.previous_secret_expires_at).getTime();
    expect(overlapEnd - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(overlapEnd - Date.now()).toBeLessThanOrEqual(24 * 3600_000);

    await t.call("POST", `/v1/apps/${m.appId}/webhook/test`, { token: m.sk });
    const during = await eventually(async () => r.received[0]);
    const header = String(during.headers["x-zerofee-signature"]);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(zeroFeeSignatureValid(during, newSecret)).toBe(true);
    expect(zeroFeeSignatureValid(during, oldSecret)).toBe(true);
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(standardValid(during, newSecret)).toBe(true);
    expect(standardValid(during, oldSecret)).toBe(true);
    // The article's snippets keep the last v1: they go on accepting with the old secret.
    const snippets = runArticleVerifiers([
      { body: during.body, header, secret: oldSecret },
      { body: during.body, header: `t=${/t=(\d+)/.exec(header)?.[1]},v1=${/v1=([0-9a-f]+)/.exec(header)?.[1]}`, secret: newSecret },
    ]);
    for (const [lang, out] of Object.entries(snippets)) if (typeof out !== "string") expect(out, lang).toEqual([true, true]);

    // After the overlap: only the new secret signs.
    await t.database.db.execute(sql`update webhook_endpoints set old_secret_expires_at = now() - interval '1 second' where app_id = ${m.appId}`);
    await t.call("POST", `/v1/apps/${m.appId}/webhook/test`, { token: m.sk });
    const after = await eventually(async () => r.received[1]);
    expect(String(after.headers["x-zerofee-signature"])).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(zeroFeeSignatureValid(after, newSecret)).toBe(true);
    expect(zeroFeeSignatureValid(after, oldSecret)).toBe(false);
    expect(standardValid(after, oldSecret)).toBe(false);
    expect(standardValid(after, newSecret)).toBe(true);
  }, 60_000);
});
