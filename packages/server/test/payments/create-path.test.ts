/**
 * The create path's economies (issue 14, docs/scaling.md) keep the contract: an event raised
 * while the app has no endpoint is parked at once and still recovered (SPEC §7); gets that
 * arrive together share one statement yet each sees only its own app's payment; the create's
 * answer, built from the rows it wrote, is what a later get reads, and is stored for replay by
 * the create's last statement unless the payment moved meanwhile.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { rows } from "../reliability/helpers.js";
import { setEndpoint } from "../webhooks/helpers.js";
import { receiverPool } from "../webhooks/receiver.js";

let t: TestApp;
let a: Merchant;
let b: Merchant;
const receivers = receiverPool();

beforeAll(async () => {
  t = await startTestApp({ workers: true, env: { ZEROFEE_WEBHOOK_RETRY_DELAYS: "1,1,1" } });
  a = await createMerchant(t, "a");
  b = await createMerchant(t, "b");
});
afterAll(async () => {
  await receivers.closeAll();
  await t?.stop();
});

const create = async (m: Merchant, key: string) => {
  const r = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02"), idempotencyKey: key });
  expect(r.status, r.text).toBe(201);
  return r;
};

describe("create path", () => {
  it("an event of an app with no endpoint is parked failed/no_endpoint by its own statement, and a recovery delivers it once an endpoint exists", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const created = await create(a, "no-endpoint-1");
    const id = created.body.data.id as string;
    const [job] = await rows(
      t.database.db,
      sql`select j.status, j.last_error, j.next_attempt_at, j.attempts, j.updated_at = j.created_at as untouched from webhook_jobs j join events e on e.id = j.event_id where e.object_id = ${id}`,
    );
    // Parked as written: no worker claimed and parked it (that would have touched updated_at).
    expect(job).toMatchObject({ status: "failed", last_error: "no_endpoint", next_attempt_at: null, attempts: 0, untouched: true });

    const r = await receivers.start();
    await setEndpoint(t, a, r.url);
    const recovered = await t.call("POST", "/v1/events/recover", { token: a.sk, body: { since } });
    expect(recovered.status, recovered.text).toBe(200);
    expect(recovered.body.data.resent).toBeGreaterThanOrEqual(1);
    const got = await eventually(() => Promise.resolve(r.received.find((x) => x.body.includes(id))), 15_000);
    expect(JSON.parse(got.body)).toMatchObject({ type: "payment.created", data: { id } });
  });

  it("with an endpoint, the job is pending and delivered without a recovery", async () => {
    const r = await receivers.start();
    await setEndpoint(t, b, r.url);
    const id = (await create(b, "with-endpoint-1")).body.data.id as string;
    await eventually(() => Promise.resolve(r.received.some((x) => x.body.includes(id))), 15_000);
  });

  it("the create's answer (from the rows it wrote) is what a get reads back", async () => {
    const created = await create(a, "answer-1");
    const got = await t.call("GET", `/v1/payments/${created.body.data.id}`, { token: a.sk });
    expect(got.status).toBe(200);
    const { updated_at: _u1, ...answer } = created.body.data;
    const { updated_at: _u2, ...read } = got.body.data;
    expect(read).toEqual(answer);
    expect(created.body.data.attempts).toHaveLength(1);
    expect(created.body.data.refunds).toEqual([]);
  });

  it("the payment.created event holds the payment as the create's first statement wrote it", async () => {
    const body = paymentBody("02", {
      reference: "event-data-1",
      description: "Order «42» — ünïcode",
      metadata: { order: "42", note: 'é "quoted"' },
      success_url: "http://127.0.0.1:9/ok",
    });
    const created = await t.call("POST", "/v1/payments", { token: a.sk, body, idempotencyKey: "event-data-1" });
    expect(created.status, created.text).toBe(201);
    const p = created.body.data;
    const [event] = await rows(t.database.db, sql`select data from events where object_id = ${p.id} and type = 'payment.created'`);
    const { attempts: _a, refunds: _r, ...payment } = p;
    // The answer is the payment after the provider's answer (phase 3); the event, before it.
    expect(p.status).toBe("requires_action");
    expect(event?.data).toEqual({
      ...payment,
      status: "pending",
      provider: null,
      provider_reference: null,
      next_action: null,
      timeline: [p.timeline[0]],
      updated_at: p.created_at,
    });
  });

  it("the answer is stored by the create's last statement: the key is finished with it, and a replay is byte-identical", async () => {
    const created = await create(a, "stored-with-phase-3");
    const [key] = await rows(
      t.database.db,
      sql`select k.response_status, k.locked_at, k.finished_at = p.updated_at as same_statement
            from idempotency_keys k join payments p on p.id = k.resource_id where k.key = 'stored-with-phase-3'`,
    );
    // Written by the statement that recorded the provider's answer (same instant), not after it.
    expect(key).toEqual({ response_status: 201, locked_at: null, same_statement: true });
    const replay = await t.call("POST", "/v1/payments", { token: a.sk, body: paymentBody("02"), idempotencyKey: "stored-with-phase-3" });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.text).toBe(created.text);
  });

  it("a payment moved while its provider call was out (cancelled) is answered as it is, and that answer is the one replayed", async () => {
    // The create's provider call is held 2 s; the cancel, sent once the payment is written, is not.
    await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 2000 } });
    try {
      const creating = t.call("POST", "/v1/payments", { token: a.sk, body: paymentBody("02"), idempotencyKey: "moved-in-flight" });
      // Phase 1 has committed the payment; the provider has not answered yet.
      const id = await eventually(async () => {
        const [p] = await rows(t.database.db, sql`select p.id from payments p join idempotency_keys k on k.resource_id = p.id where k.key = 'moved-in-flight'`);
        return p?.id as string | undefined;
      });
      await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 0 } });
      const cancelled = await t.call("POST", `/v1/payments/${id}/cancel`, { token: a.sk });
      expect(cancelled.status, cancelled.text).toBe(200);
      const created = await creating;
      expect(created.status, created.text).toBe(201);
      // Not the requires_action the create would have predicted: the row as committed.
      expect(created.body.data).toMatchObject({ id, status: "cancelled", provider: "test" });
      const replay = await t.call("POST", "/v1/payments", { token: a.sk, body: paymentBody("02"), idempotencyKey: "moved-in-flight" });
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.text).toBe(created.text);
    } finally {
      await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 0 } });
    }
  });

  it("an attempt written by anything else while the provider call was out: phase 3 still records it once, and the answer replayed is the rows as committed", async () => {
    // Phase 3 stores the answer only while both rows are the versions phase 1 wrote (their
    // xmin). Here only the attempt is written meanwhile: the answer must show it as committed,
    // and the payment's update must not be applied twice (one requires_action in the timeline).
    await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 2000 } });
    try {
      const creating = t.call("POST", "/v1/payments", { token: a.sk, body: paymentBody("02"), idempotencyKey: "attempt-moved-in-flight" });
      const id = await eventually(async () => {
        const [p] = await rows(
          t.database.db,
          sql`select p.id from payments p join idempotency_keys k on k.resource_id = p.id where k.key = 'attempt-moved-in-flight'`,
        );
        return p?.id as string | undefined;
      });
      await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 0 } });
      const [touched] = await rows(
        t.database.db,
        sql`update payment_attempts set error_message = 'touched' where payment_id = ${id} and status = 'created' returning id`,
      );
      expect(touched).toBeDefined();
      const created = await creating;
      expect(created.status, created.text).toBe(201);
      expect(created.body.data).toMatchObject({ id, status: "requires_action", provider: "test" });
      expect(created.body.data.timeline.map((e: { status: string }) => e.status)).toEqual(["pending", "requires_action"]);
      // The answer shows the attempt as committed, the other writer's change included.
      expect(created.body.data.attempts).toMatchObject([{ status: "accepted", provider: "test", error_message: "touched" }]);
      const read = await t.call("GET", `/v1/payments/${id}`, { token: a.sk });
      expect(read.body.data).toEqual(created.body.data);
      const replay = await t.call("POST", "/v1/payments", { token: a.sk, body: paymentBody("02"), idempotencyKey: "attempt-moved-in-flight" });
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(replay.text).toBe(created.text);
    } finally {
      await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 0 } });
    }
  });

  it("gets arriving together (coalesced into one statement) each see only their own app's payment", async () => {
    const mine = [(await create(a, "mix-a1")).body.data.id, (await create(a, "mix-a2")).body.data.id] as string[];
    const theirs = [(await create(b, "mix-b1")).body.data.id] as string[];
    const calls = [
      ...mine.map((id) => ({ m: a, id, expect: 200 })),
      ...theirs.map((id) => ({ m: b, id, expect: 200 })),
      // Another app's payment, and a payment id that exists in no app: "not found".
      ...theirs.map((id) => ({ m: a, id, expect: 404 })),
      ...mine.map((id) => ({ m: b, id, expect: 404 })),
      { m: a, id: "pay_doesnotexist", expect: 404 },
    ];
    const results = await Promise.all(
      [...calls, ...calls].map(async (c) => {
        const r = await t.call("GET", `/v1/payments/${c.id}`, { token: c.m.sk });
        return { status: r.status, id: r.body?.data?.id as string | undefined, want: c };
      }),
    );
    for (const r of results) {
      expect(r.status).toBe(r.want.expect);
      if (r.status === 200) expect(r.id).toBe(r.want.id);
    }
  });
});
