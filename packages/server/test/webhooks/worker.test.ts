/**
 * The delivery worker's own promises, beyond the reliability catalogue: claimed jobs it never
 * started go back to the queue at once; a claimed job that waited so long its lease no longer
 * covers an attempt is handed back, never posted beside the worker that took it over; a
 * delivered event resets the endpoint's failure count; an opened secret stays bound to its
 * endpoint.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { openPostgres } from "../../src/db/client.js";
import { WebhookWorker } from "../../src/jobs/webhooks.js";
import { TestClock } from "../../src/lib/clock.js";
import { signingSecrets } from "../../src/services/webhooks/endpoint.js";
import { createMerchant, eventually, metricValue, onPostgres, startTestApp, type TestApp, testLogStream } from "../harness.js";
import { rows } from "../reliability/helpers.js";
import { setEndpoint, writeEvents } from "./helpers.js";
import { type Receiver, receiverPool } from "./receiver.js";

let t: TestApp;
const clock = new TestClock();
const receivers = receiverPool();
const receiver = receivers.start;

beforeAll(async () => {
  // No workers of the app's own: each test runs the workers it needs. Every retry is due
  // 1 s (test clock) after a failure, then the event is `failed`.
  t = await startTestApp({ clock, workers: false, env: { ZEROFEE_WEBHOOK_RETRY_DELAYS: "1", ZEROFEE_WEBHOOK_TIMEOUT_MS: "3000" } });
});
afterAll(async () => {
  await receivers.closeAll();
  await t?.stop();
});

/** `zerofee_webhook_attempts_total` by outcome, from the app's /metrics. */
async function attemptMetrics(): Promise<Record<"delivered" | "retry" | "failed", number>> {
  const text = (await t.call("GET", "/metrics")).text;
  const value = (outcome: string) => metricValue(text, `zerofee_webhook_attempts_total{outcome="${outcome}"}`);
  return { delivered: value("delivered"), retry: value("retry"), failed: value("failed") };
}

/** A merchant whose test-mode endpoint is a fresh receiver answering as `behave` says. */
async function merchantWithReceiver(name: string, behave?: Receiver["behave"]) {
  const m = await createMerchant(t, name);
  const r = await receiver(behave);
  await setEndpoint(t, m, r.url);
  return { m, r };
}

const jobs = (appId: string) =>
  rows(t.database.db, sql`select event_id, status, locked_by, attempts from webhook_jobs where app_id = ${appId} order by event_id`);

describe("webhook worker", () => {
  it("stop hands the jobs it claimed but never started back at once: the next worker delivers them without waiting for the lease", async () => {
    const { m, r } = await merchantWithReceiver("release", (_req, i) => ({ status: 200, sleepMs: i === 0 ? 400 : 0 }));
    await writeEvents(t, m, 4, 4);
    const first = new WebhookWorker(t.app.ctx, { concurrency: 1 });
    first.start();
    await eventually(async () => r.received.length >= 1);
    await first.stop();
    const after = await jobs(m.appId);
    expect(after.filter((j) => j.status === "delivered")).toHaveLength(1);
    const pending = after.filter((j) => j.status === "pending");
    expect(pending.length).toBe(3);
    for (const j of pending) expect(j.locked_by, j.event_id).toBeNull();

    // The lease (timeout + 10 s) has not run out: only the hand-back lets this worker start now.
    const next = new WebhookWorker(t.app.ctx, { concurrency: 1 });
    next.start();
    try {
      await eventually(async () => r.delivered.size === 4, 2_500);
    } finally {
      await next.stop();
    }
    for (const seen of r.delivered.values()) expect(seen).toHaveLength(1);
  }, 30_000);

  it("a claimed job whose lease ran out while it waited for a slot is handed back, not posted beside the worker that took it over", async () => {
    const { m, r } = await merchantWithReceiver("stale", (_req, i) => ({ status: 200, sleepMs: i === 0 ? 800 : 0 }));
    await writeEvents(t, m, 2, 2);
    // A posts the first event (slow answer) and queues the second.
    const a = new WebhookWorker(t.app.ctx, { concurrency: 1 });
    a.start();
    await eventually(async () => r.received.length >= 1);
    const held = await jobs(m.appId);
    expect(held.filter((j) => String(j.locked_by).startsWith(`${a.worker}#`))).toHaveLength(2);
    // Both leases run out (test clock); B takes both jobs over and delivers them.
    clock.advance(60_000);
    const b = new WebhookWorker(t.app.ctx, { concurrency: 4 });
    b.start();
    const slow = String(r.received[0]?.headers["webhook-id"]);
    const queued = held.map((j) => j.event_id).find((id) => id !== slow);
    try {
      await eventually(async () => (await jobs(m.appId)).every((j) => j.status === "delivered"), 5_000);
      // A's slow answer comes in and its attempt is logged: its slot is free, and the job it
      // queued is long past its lease.
      await eventually(async () => (await rows(t.database.db, sql`select 1 from webhook_attempts where event_id = ${slow}`)).length === 2, 5_000);
      // A has dealt with the job it queued (handed back, or — the bug — posted and recorded).
      await eventually(async () => a.idle, 5_000, 10);
    } finally {
      await a.stop();
      await b.stop();
    }
    expect(queued).toBeDefined();
    expect(r.received.filter((x) => x.headers["webhook-id"] === queued)).toHaveLength(1);
  }, 30_000);

  it("a delivered event resets the endpoint's count of failed events", async () => {
    let ok = false;
    // The failing answers come late: the receiver has seen a request well before the worker
    // has recorded its outcome (and scheduled the retry 1 s of test clock after it).
    const { m, r } = await merchantWithReceiver("reset", () => (ok ? { status: 200 } : { status: 500, sleepMs: 150 }));
    const w = new WebhookWorker(t.app.ctx, { concurrency: 8, pollMs: 50 });
    w.start();
    const endpoint = async () => (await t.call("GET", `/v1/apps/${m.appId}/webhook`, { token: m.sk })).body.data;
    // Every job has `attempts` recorded and sits unclaimed: its next attempt is scheduled.
    const settled = (attempts: number, status: string) => async () =>
      (await jobs(m.appId)).every((j) => j.attempts === attempts && j.status === status && j.locked_by === null);
    const before = await attemptMetrics();
    try {
      await writeEvents(t, m, 3, 3);
      // Wait on the retry rows, not on the receiver: advancing the clock before a failure is
      // recorded schedules that retry after the advance, and it never comes due.
      await eventually(settled(1, "pending"));
      expect(await jobs(m.appId)).toHaveLength(3);
      clock.advance(2_000); // the one retry comes due, fails, and each event ends `failed`
      await eventually(settled(2, "failed"));
      expect((await endpoint()).consecutive_failures).toBe(3);
      ok = true;
      await writeEvents(t, m, 1, 1);
      await eventually(async () => (await jobs(m.appId)).some((j) => j.status === "delivered"));
      expect((await endpoint()).consecutive_failures).toBe(0);
    } finally {
      await w.stop();
    }
    expect((await endpoint()).active).toBe(true);
    expect(r.delivered.size).toBe(1);
    // Operators see the same story in /metrics: 3 retries, 3 events failed, 1 delivered.
    const after = await attemptMetrics();
    expect({ retry: after.retry - before.retry, failed: after.failed - before.failed, delivered: after.delivered - before.delivered }).toEqual({
      retry: 3,
      failed: 3,
      delivered: 1,
    });
  }, 30_000);

  it(`a worker wakes when ${onPostgres ? "another process" : "the app"} commits an event (LISTEN/NOTIFY), not at its next poll`, async () => {
    const { m, r } = await merchantWithReceiver("notify");
    // PostgreSQL: a second app on the same database, as a separate \`zerofee worker\` would be;
    // PGlite: this app's own listener. Either way the worker polls once a minute only.
    const other = onPostgres
      ? await buildApp({
          config: t.app.ctx.config,
          clock,
          database: await openPostgres(t.databaseUrl as string, { max: 4 }),
          logStream: testLogStream(),
          api: false,
          workers: false,
        })
      : undefined;
    const w = new WebhookWorker((other ?? t.app).ctx, { pollMs: 60_000 });
    w.start();
    try {
      await eventually(async () => w.idle, 5_000, 10); // its first poll has found nothing
      expect(r.received).toHaveLength(0);
      await writeEvents(t, m, 3, 3);
      await eventually(async () => r.delivered.size === 3, 5_000, 20);
    } finally {
      await w.stop();
      if (other) {
        await other.stop();
        await other.database.close();
      }
    }
  }, 30_000);

  it.skipIf(!onPostgres)(
    "the LISTEN connection comes back after PostgreSQL drops it, and wakes the worker again",
    async () => {
      const { m, r } = await merchantWithReceiver("relisten");
      const w = new WebhookWorker(t.app.ctx, { pollMs: 60_000 });
      w.start();
      try {
        const listeners = sql`select pid from pg_stat_activity where datname = current_database() and query ilike 'LISTEN%' and pid <> pg_backend_pid()`;
        const [before] = await rows(t.database.db, listeners);
        expect(before?.pid).toBeDefined();
        await rows(t.database.db, sql`select pg_terminate_backend(${before.pid}::int)`);
        const after = await eventually(async () => {
          const [row] = await rows(t.database.db, listeners);
          return row && row.pid !== before.pid ? row : null;
        }, 5_000);
        expect(after.pid).not.toBe(before.pid);
        await writeEvents(t, m, 2, 2);
        await eventually(async () => r.delivered.size === 2, 5_000, 20);
      } finally {
        await w.stop();
      }
    },
    30_000,
  );

  it("an opened signing secret stays bound to its endpoint: the same sealed value on another app's row does not open", async () => {
    const m = await createMerchant(t, "aad-a");
    const other = await createMerchant(t, "aad-b");
    const secret = await setEndpoint(t, m, "http://127.0.0.1:9/hooks");
    const [row] = await rows(t.database.db, sql`select secret_sealed from webhook_endpoints where app_id = ${m.appId}`);
    const signing = { livemode: false, secretSealed: row.secret_sealed as string, oldSecretSealed: null, oldSecretExpiresAt: null };
    expect(signingSecrets(t.app.ctx, { ...signing, appId: m.appId }, clock.now())).toEqual([secret]);
    expect(() => signingSecrets(t.app.ctx, { ...signing, appId: other.appId }, clock.now())).toThrow();
  });
});
