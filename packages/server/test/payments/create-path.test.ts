/**
 * The create path's economies (issue 14, docs/scaling.md) keep the contract: an event raised
 * while the app has no endpoint is parked at once and still recovered (SPEC §7); gets that
 * arrive together share one statement yet each sees only its own app's payment; the create's
 * answer, built from the rows it wrote, is what a later get reads.
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
