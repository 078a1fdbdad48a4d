/**
 * Webhook reliability and SSRF (reliability.md §5): SR-1, SR-2, WH-2, LD-2. The DNS seam is
 * replaced through `ctx.webhooks.resolve`; nothing here connects beyond loopback.
 */
import { createServer } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebhookWorker } from "../../src/jobs/webhooks.js";
import { classifyAddress } from "../../src/services/webhooks/address.js";
import { retryDelayMs } from "../../src/services/webhooks/schedule.js";
import { createMerchant, eventually, onPostgres, startTestApp, type TestApp, TestClock } from "../harness.js";
import { rows } from "../reliability/helpers.js";
import { advanceToNextRetry, createPayments, jobCounts, setEndpoint, writeEvents } from "./helpers.js";
import { receiverPool } from "./receiver.js";

let t: TestApp;
/** The app's clock: the 1 s retries pass on it, moved on by `retriesDue` while a test waits. */
const clock = new TestClock();
/** Called in a wait for deliveries: the next retry comes due on the clock, the worker wakes. */
const retriesDue = () => advanceToNextRetry(t, clock);
const receivers = receiverPool();
const receiver = receivers.start;
const PUBLIC_IP = "93.184.216.34";
let rebindTo = PUBLIC_IP;

beforeAll(async () => {
  t = await startTestApp({
    clock,
    workers: true,
    env: { ZEROFEE_WEBHOOK_RETRY_DELAYS: "1", ZEROFEE_WEBHOOK_TIMEOUT_MS: "2000", ZEROFEE_WEBHOOK_DISABLE_AFTER: "10" },
  });
  t.app.ctx.webhooks.resolve = async (host) => {
    if (host === "internal.example") return [{ address: "10.1.2.3", family: 4 }];
    if (host === "mixed.example")
      return [
        { address: PUBLIC_IP, family: 4 },
        { address: "192.168.1.1", family: 4 },
      ];
    if (host === "public.example") return [{ address: PUBLIC_IP, family: 4 }];
    if (host === "rebind.example") return [{ address: rebindTo, family: 4 }];
    throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  };
});
afterAll(async () => {
  await receivers.closeAll();
  await t?.stop();
});

const put = (m: { appId: string; sk: string; skLive: string }, mode: "test" | "live", url: string) =>
  t.call("PUT", `/v1/apps/${m.appId}/webhook`, { token: mode === "live" ? m.skLive : m.sk, body: { url } });

describe("G. SSRF", () => {
  it("SR-1 webhook URL validation at save time: every refused range and spelling → 400 url_not_allowed param=url; test mode takes loopback only", async () => {
    const m = await createMerchant(t, "ssrf");
    const loopback = [
      "https://127.0.0.1",
      "https://localhost",
      "https://[::1]",
      "https://[::ffff:127.0.0.1]",
      "https://2130706433",
      "https://0x7f.1",
      "https://127.1",
    ];
    const refusedEverywhere = [
      "https://10.0.0.1",
      "https://169.254.169.254",
      "https://0.0.0.0",
      "https://100.64.0.1",
      "https://[fd00::1]",
      "https://[fe80::1]",
      "https://[::ffff:10.0.0.1]",
      "https://[64:ff9b::a9fe:a9fe]",
      "https://[2002:c0a8:101::1]",
      "https://172.16.0.1",
      "https://192.168.1.1",
      "https://user:pw@public.example",
      "https://internal.example",
      "https://mixed.example",
      "https://no-such-host.example",
      "ftp://public.example",
      "https://public.example/\\@evil",
    ];
    for (const url of [...loopback, ...refusedEverywhere, "http://public.example/hooks"]) {
      const res = await put(m, "live", url);
      expect(res.status, `live ${url}: ${res.text}`).toBe(400);
      expect(res.body.error.code, url).toBe("url_not_allowed");
      expect(res.body.error.param, url).toBe("url");
    }
    for (const url of refusedEverywhere) {
      const res = await put(m, "test", url);
      expect(res.status, `test ${url}: ${res.text}`).toBe(400);
      expect(res.body.error.code).toBe("url_not_allowed");
    }
    for (const url of [...loopback, "http://public.example/hooks"]) {
      const res = await put(m, "test", url);
      expect([200, 201], `test ${url}: ${res.text}`).toContain(res.status);
    }
    const live = await put(m, "live", "https://public.example/hooks");
    expect(live.status).toBe(201);
    expect(live.body.data.mode).toBe("live");
    // Nothing refused was stored.
    const stored = await rows(t.database.db, sql`select url from webhook_endpoints where app_id = ${m.appId} and livemode`);
    expect(stored).toEqual([{ url: "https://public.example/hooks" }]);
  });

  it("SR-1 address classes: IPv4 and IPv6 spellings, mapped, NAT64, 6to4", () => {
    expect(classifyAddress("8.8.8.8")).toBe("public");
    expect(classifyAddress("127.255.0.1")).toBe("loopback");
    expect(classifyAddress("::ffff:7f00:1")).toBe("loopback");
    expect(classifyAddress("::ffff:8.8.8.8")).toBe("public");
    expect(classifyAddress("64:ff9b::0a00:0001")).toBe("blocked");
    expect(classifyAddress("2002:0a00:0001::")).toBe("blocked");
    expect(classifyAddress("2606:4700::1111")).toBe("public");
    expect(classifyAddress("fc00::1")).toBe("blocked");
    expect(classifyAddress("ff02::1")).toBe("blocked");
    expect(classifyAddress("::")).toBe("blocked");
    expect(classifyAddress("100.100.100.200")).toBe("blocked");
    expect(classifyAddress("example.com")).toBeNull();
  });

  it("SR-2 connect-time check and redirects: DNS rebinding is blocked before connecting; a 3xx is a failed attempt, never followed", async () => {
    // (a) public at save time, 127.0.0.1 at delivery: the loopback listener gets no connection.
    let connections = 0;
    const listener = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => listener.listen(0, "127.0.0.1", () => r()));
    const port = (listener.address() as { port: number }).port;
    const m = await createMerchant(t, "rebind");
    rebindTo = PUBLIC_IP;
    expect((await put(m, "live", `https://rebind.example:${port}/hooks`)).status).toBe(201);
    rebindTo = "127.0.0.1";
    const sent = await t.call("POST", `/v1/apps/${m.appId}/webhook/test`, { token: m.skLive });
    expect(sent.status).toBe(202);
    const eventId: string = sent.body.data.event_id;
    const dels = await eventually(async () => {
      const r = await t.call("GET", `/v1/events/${eventId}/deliveries`, { token: m.skLive });
      if (r.body.data.length >= 2) return r.body.data;
      await retriesDue();
      return null;
    }, 15_000);
    for (const d of dels) {
      expect(d.status_code).toBeNull();
      expect(d.error).toMatch(/^blocked_address/);
    }
    const ev = await eventually(async () => {
      const r = await t.call("GET", `/v1/events/${eventId}`, { token: m.skLive });
      if (r.body.data.delivery.status === "failed") return r.body.data;
      await retriesDue();
      return null;
    });
    expect(ev.delivery.status).toBe("failed");
    expect(t.logs.some((l) => l.includes("blocked_address"))).toBe(true);
    expect(connections).toBe(0);
    await new Promise<void>((r) => listener.close(() => r()));

    // (b) a 302 to another loopback listener: recorded as a failed attempt; the target sees nothing.
    const target = await receiver();
    const redirecting = await receiver(() => ({ status: 302, headers: { location: target.url } }));
    const n = await createMerchant(t, "redirect");
    await setEndpoint(t, n, redirecting.url);
    const test = await t.call("POST", `/v1/apps/${n.appId}/webhook/test`, { token: n.sk });
    const redirects = await eventually(async () => {
      const r = await t.call("GET", `/v1/events/${test.body.data.event_id}/deliveries`, { token: n.sk });
      if (r.body.data.length >= 2) return r.body.data;
      await retriesDue();
      return null;
    }, 15_000);
    expect(redirects.map((d: { status_code: number }) => d.status_code)).toEqual([302, 302]);
    expect(redirects[0].error).toMatch(/redirect not followed/);
    expect(target.received).toHaveLength(0);
  }, 40_000);
});

describe("D. webhook delivery", () => {
  it("WH-2 auto-disable and recovery: disabled after 10 failed events with reason, time and an email; events raised meanwhile kept; recovery delivers each once", async () => {
    const m = await createMerchant(t, "disable");
    let up = false;
    const r = await receiver(() => (up ? { status: 200 } : { status: 503, body: "down" }));
    await setEndpoint(t, m, r.url);
    // Events are stamped with the app's clock.
    const since = new Date(clock.now().getTime() - 1000).toISOString();
    await createPayments(t, m, 5); // 10 events, each fails twice (schedule "1")
    const disabled = await eventually(async () => {
      const e = await t.call("GET", `/v1/apps/${m.appId}/webhook`, { token: m.sk });
      if (e.body.data.active === false) return e.body.data;
      await retriesDue();
      return null;
    }, 30_000);
    expect(disabled.disabled_at).toEqual(expect.any(String));
    expect(disabled.disabled_reason).toMatch(/10 consecutive events failed/);
    const mail = await eventually(async () => t.logs.find((l) => l.includes("were disabled") && l.includes(m.appId)));
    expect(mail).toContain("@example.com");
    expect(mail).not.toMatch(/whsec_|sk_test_/);
    const requestsWhenDisabled = r.received.length;
    expect(requestsWhenDisabled).toBe(20);

    // Raised while disabled: kept as failed, nothing sent.
    await createPayments(t, m, 2);
    await eventually(async () => {
      const list = await t.call("GET", "/v1/events?delivery_status=failed&limit=100", { token: m.sk });
      return list.body.data.length === 14 ? list : null;
    });
    const kept = await rows(t.database.db, sql`select last_error from webhook_jobs where app_id = ${m.appId} and attempts = 0`);
    expect(kept.map((k) => k.last_error)).toEqual(["endpoint_disabled", "endpoint_disabled", "endpoint_disabled", "endpoint_disabled"]);
    expect(r.received.length).toBe(requestsWhenDisabled);

    // The merchant fixes the receiver, enables, and recovers everything that failed since T.
    up = true;
    const enabled = await t.call("POST", `/v1/apps/${m.appId}/webhook/enable`, { token: m.sk });
    expect(enabled.body.data).toMatchObject({ active: true, disabled_at: null, disabled_reason: null, consecutive_failures: 0 });
    const recovered = await t.call("POST", "/v1/events/recover", { token: m.sk, body: { since } });
    expect(recovered.status).toBe(200);
    expect(recovered.body.data.resent).toBe(14);
    await eventually(async () => {
      if (r.delivered.size === 14) return true;
      await retriesDue();
      return null;
    }, 20_000);
    for (const [, seen] of r.delivered) expect(seen).toHaveLength(1);
    const left = await t.call("GET", "/v1/events?delivery_status=failed", { token: m.sk });
    expect(left.body.data).toHaveLength(0);
    // A single resend goes again, with the same webhook-id.
    const one = [...r.delivered.keys()][0] as string;
    expect((await t.call("POST", `/v1/events/${one}/resend`, { token: m.sk })).status).toBe(200);
    await eventually(async () => {
      if ((r.delivered.get(one)?.length ?? 0) === 2) return true;
      await retriesDue();
      return null;
    });
  }, 60_000);
});

describe("resend while an attempt is out", () => {
  it("an attempt that ends after its event was resent does not move the job the resend's attempt holds: a delivered resend is not sent again", async () => {
    const m = await createMerchant(t, "late-outcome");
    let failFirst = () => {};
    let answerSecond = () => {};
    const first = new Promise<void>((r) => {
      failFirst = r;
    });
    const second = new Promise<void>((r) => {
      answerSecond = r;
    });
    // The first attempt is held and then fails; the resend's attempt is held and then delivered.
    const r = await receiver((_req, i) => (i === 0 ? { status: 500, after: first } : i === 1 ? { status: 200, after: second } : { status: 200 }));
    await setEndpoint(t, m, r.url);
    await writeEvents(t, m, 1);
    const [job] = await rows(t.database.db, sql`select event_id from webhook_jobs where app_id = ${m.appId}`);
    const eventId = job.event_id as string;
    const state = async () =>
      (
        await rows(
          t.database.db,
          sql`select j.status, j.attempts, (select count(*)::int from webhook_attempts a where a.event_id = j.event_id) as logged
            from webhook_jobs j where j.event_id = ${eventId}`,
        )
      )[0] as { status: string; attempts: number; logged: number };

    await eventually(async () => (r.received.length === 1 ? true : null));
    expect((await t.call("POST", `/v1/events/${eventId}/resend`, { token: m.sk })).status).toBe(200);
    // The same worker takes the resent job while its first attempt is still out.
    await eventually(async () => (r.received.length === 2 ? true : null));
    // The first attempt fails late: logged, but the job is the resend's now.
    failFirst();
    await eventually(async () => ((await state()).logged === 1 ? true : null));
    expect((await state()).status).toBe("pending");
    // The resend's attempt is delivered: the job ends delivered, and nothing is sent a third time.
    answerSecond();
    const done = await eventually(async () => {
      const s = await state();
      return s.logged === 2 ? s : null;
    });
    // Had the late failure moved the job (to a retry), the delivered resend would find it moved
    // on, record nothing, and the retry would send the event a third time.
    expect(done).toMatchObject({ status: "delivered", attempts: 1 });
    expect(r.received.length).toBe(2);
    expect(r.delivered.get(eventId)).toHaveLength(1);
  }, 30_000);
});

describe("J. correctness under load", () => {
  it(`LD-2 outbox drain: 5,000 state changes, ${onPostgres ? "three workers" : "one worker"}; every event delivered once, the queue drains to 0`, async () => {
    const m = await createMerchant(t, "drain");
    const r = await receiver();
    await setEndpoint(t, m, r.url);
    // Extra workers compete for the same queue (PostgreSQL: real concurrency via SKIP LOCKED).
    const extra = onPostgres ? [new WebhookWorker(t.app.ctx), new WebhookWorker(t.app.ctx)] : [];
    for (const w of extra) w.start();
    // The receiver answers in this process, beside the writes and the worker: on a loaded
    // machine a 2 s timeout cuts deliveries that would succeed, and with one retry (this file's
    // schedule) two in a row fail the event. Deliveries here get 10 s, and retries come due as
    // in real time (the clock follows the wall clock), never back to back under the same load.
    const timeoutMs = t.app.ctx.config.webhook.timeoutMs;
    t.app.ctx.config.webhook.timeoutMs = 10_000;
    let wall = Date.now();
    const followWallClock = () => {
      const now = Date.now();
      clock.advance(now - wall);
      wall = now;
      t.app.webhooks.pump();
    };
    try {
      await writeEvents(t, m, 5000);
      const drained = await eventually(
        async () => {
          const jobs = await jobCounts(t, m.appId);
          if (jobs.total === 5000 && jobs.delivered === 5000) return jobs;
          // A failed attempt (a timeout) is retried 1 s later, as in real time.
          followWallClock();
          return null;
        },
        120_000,
        100,
      );
      expect(drained.delivered).toBe(5000);
      expect(r.delivered.size).toBe(5000);
      const failed = await rows(
        t.database.db,
        sql`select event_id from webhook_attempts where app_id = ${m.appId} and (status_code is null or status_code >= 300)`,
      );
      const retried = new Set(failed.map((f) => f.event_id));
      for (const [id, seen] of r.delivered) if (!retried.has(id)) expect(seen, id).toHaveLength(1);
      const pending = await rows(t.database.db, sql`select count(*)::int as n from webhook_jobs where status = 'pending'`);
      expect(pending[0].n).toBe(0);
    } finally {
      t.app.ctx.config.webhook.timeoutMs = timeoutMs;
      for (const w of extra) await w.stop();
    }
  }, 180_000);
});

describe("retry schedule", () => {
  it("WH-1 jitter stays within ±10 %; Retry-After is honoured between the scheduled delay and twice it", () => {
    const delays = [60, 300];
    for (let i = 0; i <= 100; i++) {
      const x = i / 100;
      const d = retryDelayMs(delays, 1, null, () => x) as number;
      expect(d).toBeGreaterThanOrEqual(54_000);
      expect(d).toBeLessThanOrEqual(66_000);
      expect(retryDelayMs(delays, 2, 10, () => x)).toBeGreaterThanOrEqual(270_000);
      expect(retryDelayMs(delays, 2, 400, () => x)).toBe(400_000);
      expect(retryDelayMs(delays, 2, 10_000, () => x)).toBe(600_000);
    }
    expect(retryDelayMs(delays, 3, null, Math.random)).toBeNull();
  });
});
