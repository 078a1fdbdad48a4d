import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, jobRuns, providerCallbacks, sessions } from "../../src/db/schema/index.js";
import { expirePayments } from "../../src/jobs/expire.js";
import { reconcilePayments } from "../../src/jobs/reconcile.js";
import { JOB_RUNS_RETENTION_MS, JobRunner, reapJobRuns } from "../../src/jobs/runner.js";
import { sha256Hex } from "../../src/lib/crypto.js";
import { EXPIRED_SESSION_RETENTION_MS, openSession, reapSessions, SESSION_TTL_MS } from "../../src/services/auth/sessions.js";
import { createMerchant, eventually, httpCall, type Merchant, metricValue, paymentBody, startTestApp, type TestApp, TestClock } from "../harness.js";

let t: TestApp;
let m: Merchant;
const clock = new TestClock();

beforeAll(async () => {
  t = await startTestApp({ clock, env: { ZEROFEE_RECONCILE_AFTER_S: "60", ZEROFEE_PAYMENT_EXPIRY_S: "600" } });
  m = await createMerchant(t);
});
afterAll(() => t.stop());

const control = (body: Record<string, unknown>) => t.call("POST", "/sandbox/test/_control", { body });
const get = async (id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
/** Waits until the sandbox holds the payment's collection as confirmed by the customer. */
const confirmedAtProvider = (payment: { attempts: Array<{ provider_payment_id: string }> }) =>
  eventually(async () => {
    const reference = payment.attempts[0]?.provider_payment_id ?? "";
    const r = await httpCall(`${t.url}/sandbox/test`, "GET", `/v1/collections/by-reference/${reference}`, { headers: { authorization: "Bearer sandbox" } });
    return r.body?.status === "SUCCESSFUL";
  });
const typesOf = async (id: string) => (await t.database.db.select().from(events).where(eq(events.objectId, id))).map((e) => e.type).sort();

describe("reconciliation (SPEC §3, §9)", () => {
  it("completes a payment whose callback was dropped, within one cycle, and only once", async () => {
    await control({ drop_callbacks: true });
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") });
    const id = res.body.data.id;
    // The customer confirms at the provider; the callback never arrives.
    await confirmedAtProvider(res.body.data);
    expect((await get(id)).status).toBe("requires_action");
    // Younger than ZEROFEE_RECONCILE_AFTER_S: not asked yet.
    expect((await reconcilePayments(t.app.ctx)).checked).toBe(0);
    clock.advance(61_000);
    const first = await reconcilePayments(t.app.ctx);
    expect(first.changed).toBe(1);
    const p = await get(id);
    expect(p.status).toBe("completed");
    expect(p.timeline.at(-1).source).toBe("reconciliation");
    const again = await reconcilePayments(t.app.ctx);
    expect(again.changed).toBe(0);
    expect(await typesOf(id)).toEqual(["payment.completed", "payment.created"]);
    await control({ drop_callbacks: false });
  });

  it("leaves a payment the provider still works on untouched", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02") });
    clock.advance(61_000);
    await reconcilePayments(t.app.ctx);
    expect((await get(res.body.data.id)).status).toBe("requires_action");
  });

  it("waits while the provider is down instead of guessing", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02") });
    clock.advance(61_000);
    await control({ down: true });
    await reconcilePayments(t.app.ctx);
    await expirePayments(t.app.ctx);
    expect((await get(res.body.data.id)).status).toBe("requires_action");
    await control({ down: false });
  });
});

describe("expiry (SPEC §3)", () => {
  it("expires a never-answered payment once the provider confirms it is closed", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02") });
    const id = res.body.data.id;
    expect((await expirePayments(t.app.ctx)).expired).toBe(0);
    clock.advance(601_000);
    await expirePayments(t.app.ctx);
    const p = await get(id);
    expect(p.status).toBe("expired");
    expect(p.timeline.at(-1)).toMatchObject({ status: "expired", source: "expiry" });
    expect(await typesOf(id)).toEqual(["payment.created", "payment.expired"]);
    // Expiry cancelled it at the provider, whose "cancelled" callback then arrives for an expired
    // payment: they agree (no money moved), so nothing is counted for the conflict alert.
    const callback = await eventually(async () => {
      const [row] = await t.database.db.select().from(providerCallbacks).where(eq(providerCallbacks.paymentId, id));
      return row ?? null;
    });
    expect(callback).toMatchObject({ reportedStatus: "cancelled", applied: false });
    const metrics = (await t.call("GET", "/metrics")).text;
    expect(metricValue(metrics, 'zerofee_conflicting_provider_status_total{provider="test"}')).toBe(0);
    expect(t.logs.filter((l) => l.includes("provider contradicts a terminal payment"))).toEqual([]);
    expect((await get(id)).status).toBe("expired");
  });

  it("never expires a payment the provider completed: the completion is applied instead", async () => {
    await control({ drop_callbacks: true });
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") });
    await confirmedAtProvider(res.body.data);
    clock.advance(601_000);
    await expirePayments(t.app.ctx);
    const p = await get(res.body.data.id);
    expect(p.status).toBe("completed");
    expect(await typesOf(p.id)).toEqual(["payment.completed", "payment.created"]);
    await control({ drop_callbacks: false });
  });
});

describe("job runner", () => {
  it("runs each slot once, whichever of two runners claims it", async () => {
    let runs = 0;
    const job = { name: "probe", everyS: 300, run: async () => ({ n: ++runs }) };
    const a = new JobRunner(t.app.ctx, [job]);
    const b = new JobRunner(t.app.ctx, [job]);
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    expect(runs).toBe(1);
    clock.advance(300_000);
    await Promise.all([a.tick(), b.tick()]);
    expect(runs).toBe(2);
    const [row] = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(jobRuns).where(eq(jobRuns.name, "probe"));
    expect(row?.n).toBe(2);
  });

  // CF-5, in process: the lease is ZEROFEE_JOB_LEASE_S (120 s by default) on the injected clock.
  const LEASE_MS = 120_000;
  /**
   * The CF-5 jobs run once a UTC day (`everyS: 86_400`) and their tests move the injected clock
   * by up to four minutes: begun a few minutes before midnight, a test would cross into the next
   * day's slot, which rightly runs again. Each starts a minute into a later day instead, whatever
   * the hour the suite runs at (the clock starts at the wall clock's time).
   */
  const intoNextDay = () => {
    const DAY_MS = 86_400_000;
    clock.set(new Date((Math.floor(clock.now().getTime() / DAY_MS) + 1) * DAY_MS + 60_000));
  };
  const runOf = async (name: string) => {
    const [row] = await t.database.db.select().from(jobRuns).where(eq(jobRuns.name, name));
    return row;
  };

  it("CF-5 a slot whose worker died mid-run is run again once its lease has passed, not before; then never again", async () => {
    intoNextDay();
    let runs = 0;
    const job = { name: "orphaned", everyS: 86_400, run: async () => ({ n: ++runs }) };
    const slot = Math.floor(clock.now().getTime() / 1000 / 86_400);
    // A worker claimed the slot and was killed: no heartbeat, no finish.
    await t.database.db.insert(jobRuns).values({ name: "orphaned", slot, worker: "dead-host:1", startedAt: clock.now(), heartbeatAt: clock.now() });
    const runner = new JobRunner(t.app.ctx, [job]);
    await runner.tick();
    clock.advance(LEASE_MS - 1000);
    await runner.tick();
    expect(runs).toBe(0);
    clock.advance(2000);
    await runner.tick();
    expect(runs).toBe(1);
    expect(await runOf("orphaned")).toMatchObject({ slot, finishedAt: clock.now(), result: { n: 1 } });
    expect((await runOf("orphaned"))?.worker).not.toBe("dead-host:1");
    expect(t.logs.some((l) => l.includes("job run taken over") && l.includes("dead-host:1"))).toBe(true);
    // Finished: neither this runner nor another runs the slot again, however long after.
    clock.advance(3 * LEASE_MS);
    await runner.tick();
    await new JobRunner(t.app.ctx, [job]).tick();
    expect(runs).toBe(1);
  });

  it("CF-5 a run that keeps beating is never taken over, however long it takes", async () => {
    intoNextDay();
    let release: () => void = () => {};
    let runs = 0;
    const job = {
      name: "long",
      everyS: 86_400,
      run: async () => {
        runs++;
        await new Promise<void>((r) => {
          release = r;
        });
        return { done: true };
      },
    };
    const a = new JobRunner(t.app.ctx, [job]);
    const b = new JobRunner(t.app.ctx, [job]);
    const running = a.tick();
    await eventually(async () => runs === 1);
    for (let i = 0; i < 4; i++) {
      clock.advance(LEASE_MS / 2);
      await a.beat();
      await b.tick();
    }
    expect(runs).toBe(1);
    release();
    await running;
    expect(await runOf("long")).toMatchObject({ finishedAt: clock.now(), result: { done: true } });
    clock.advance(2 * LEASE_MS);
    await b.tick();
    expect(runs).toBe(1);
  });

  it("CF-5 a failed run keeps its error and is retried after the lease, by whichever runner ticks", async () => {
    intoNextDay();
    let calls = 0;
    const job = {
      name: "flaky_job",
      everyS: 86_400,
      run: async () => {
        if (++calls === 1) throw new Error("database went away");
        return { ok: true };
      },
    };
    const a = new JobRunner(t.app.ctx, [job]);
    const b = new JobRunner(t.app.ctx, [job]);
    await a.tick();
    expect(await runOf("flaky_job")).toMatchObject({ finishedAt: null, result: { error: "database went away" } });
    await a.tick();
    await b.tick();
    expect(calls).toBe(1);
    clock.advance(LEASE_MS + 1000);
    await b.tick();
    await a.tick();
    expect(calls).toBe(2);
    expect(await runOf("flaky_job")).toMatchObject({ finishedAt: clock.now(), result: { ok: true } });
  });

  it("deletes dashboard sessions 30 days after they expired; the merchant's live session stays", async () => {
    const old = await openSession(t.database.db, m.userId, new Date(clock.now().getTime() - SESSION_TTL_MS - EXPIRED_SESSION_RETENTION_MS - 60_000));
    const recent = await openSession(t.database.db, m.userId, new Date(clock.now().getTime() - SESSION_TTL_MS - 60_000));
    const held = async () => (await t.database.db.select({ hash: sessions.tokenHash }).from(sessions).where(eq(sessions.userId, m.userId))).map((r) => r.hash);
    expect(await held()).toEqual(expect.arrayContaining([sha256Hex(old), sha256Hex(recent)]));
    expect(await reapSessions(t.database.db, clock.now())).toBe(1);
    const left = await held();
    expect(left).not.toContain(sha256Hex(old));
    expect(left).toContain(sha256Hex(recent));
    expect((await t.call("GET", "/v1/auth/me", { token: m.token })).status).toBe(200);
  });

  it("keeps a week of runs: older ones are reaped, and a reaped slot is not run again", async () => {
    let runs = 0;
    const job = { name: "aged", everyS: 3600, run: async () => ({ n: ++runs }) };
    const runner = new JobRunner(t.app.ctx, [job]);
    await runner.tick();
    clock.advance(JOB_RUNS_RETENTION_MS - 3_600_000);
    await runner.tick();
    const slots = async () =>
      (await t.database.db.select({ slot: jobRuns.slot }).from(jobRuns).where(eq(jobRuns.name, "aged")).orderBy(jobRuns.slot)).map((r) => r.slot);
    const [first, second] = await slots();
    // Its own runs only: the tests above left runs of other jobs, days older on the clock.
    await reapJobRuns(t.app.ctx);
    expect(await slots()).toEqual([first, second]);
    clock.advance(2 * 3_600_000);
    expect(await reapJobRuns(t.app.ctx)).toBeGreaterThanOrEqual(1);
    expect(await slots()).toEqual([second]);
    // The runner never goes back to a past slot, reaped or not.
    await runner.tick();
    expect(runs).toBe(3);
    expect((await slots()).includes(first as number)).toBe(false);
  });
});

describe("return from a redirect flow (never trust the browser)", () => {
  const urls = { success_url: "http://127.0.0.1:9/ok", cancel_url: "http://127.0.0.1:9/cancel", error_url: "http://127.0.0.1:9/error" };
  const pay = (action: string, id: string, reference: string) =>
    fetch(`${t.url}/sandbox/test/pay/${reference}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action, reference }).toString(),
      redirect: "manual",
    }).then((r) => ({ status: r.status, location: r.headers.get("location") ?? "", id }));

  // The `test` provider's redirect page (cards go to Stripe by default; its flow has its own tests).
  async function startCard() {
    const res = await t.call("POST", "/v1/payments", {
      token: m.sk,
      body: { amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD", provider: "test", ...urls },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.next_action.type).toBe("redirect");
    const redirect = new URL(res.body.data.next_action.redirect_url);
    return { id: res.body.data.id as string, reference: redirect.pathname.split("/").at(-1) ?? "" };
  }

  it("approve: the provider's page sends the customer to ZeroFee's return, which verifies and 303s to success_url", async () => {
    const { id, reference } = await startCard();
    const page = await fetch(`${t.url}/sandbox/test/pay/${reference}`).then((r) => r.text());
    expect(page).toContain('data-action="approve"');
    expect(page).toContain('name="card_number" value="4242 4242 4242 4242"');
    const back = await pay("approve", id, reference);
    expect(back.status).toBe(303);
    expect(back.location.startsWith(`${t.url}/v1/payments/${id}/return`)).toBe(true);
    const ret = await fetch(`${back.location}&redirect=https://evil.example`, { redirect: "manual" });
    expect(ret.status).toBe(303);
    const target = new URL(ret.headers.get("location") ?? "");
    expect(`${target.origin}${target.pathname}`).toBe("http://127.0.0.1:9/ok");
    expect(target.searchParams.get("transaction_id")).toBe(id);
    expect(target.searchParams.get("status")).toBe("completed");
    expect((await get(id)).timeline.some((e: { source: string; status: string }) => e.status === "completed")).toBe(true);
  });

  it("a return for an unpaid payment never reaches success_url", async () => {
    const { id } = await startCard();
    const ret = await fetch(`${t.url}/v1/payments/${id}/return?status=completed&redirect=https://evil.example`, { redirect: "manual" });
    const target = new URL(ret.headers.get("location") ?? "");
    expect(target.pathname).toBe("/error");
    expect(target.searchParams.get("status")).toBe("requires_action");
    expect((await get(id)).status).toBe("requires_action");
  });

  it("decline → failed → error_url; cancel → cancelled → cancel_url", async () => {
    const declined = await startCard();
    const d = await pay("decline", declined.id, declined.reference);
    const dRet = await fetch(d.location, { redirect: "manual" });
    expect(new URL(dRet.headers.get("location") ?? "").pathname).toBe("/error");
    expect((await get(declined.id)).status).toBe("failed");
    const cancelled = await startCard();
    const c = await pay("cancel", cancelled.id, cancelled.reference);
    const cRet = await fetch(c.location, { redirect: "manual" });
    expect(new URL(cRet.headers.get("location") ?? "").pathname).toBe("/cancel");
    await eventually(async () => (await get(cancelled.id)).status === "cancelled");
  });

  it("without merchant URLs the return page itself says the result, in the customer's language", async () => {
    const res = await t.call("POST", "/v1/payments", { token: m.sk, body: { amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD", provider: "test" } });
    expect(res.status, res.text).toBe(201);
    const reference = new URL(res.body.data.next_action.redirect_url).pathname.split("/").at(-1) ?? "";
    const back = await pay("approve", res.body.data.id, reference);
    const fr = await fetch(back.location, { headers: { "accept-language": "fr-CI,fr;q=0.9,en;q=0.5" } }).then((r) => r.text());
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain("Paiement reçu. Vous pouvez fermer cette page.");
    expect(fr).toContain('data-status="completed"');
    const en = await fetch(back.location, { headers: { "accept-language": "en-GB" } }).then((r) => r.text());
    expect(en).toContain('<html lang="en">');
    expect(en).toContain("Payment received. You can close this page.");
  });
});
