import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxRecords } from "../../src/db/schema/index.js";
import { eventually, httpCall, startTestApp, type TestApp } from "../harness.js";

/** A callback receiver on loopback; `answer` ends (or holds) each request's response. */
async function startReceiver(answer: (res: ServerResponse, bodies: string[]) => void) {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      bodies.push(body);
      answer(res, bodies);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    bodies,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The `test` simulator's API on `t`, and the record it stores under a reference. */
function testSandbox(t: () => TestApp) {
  const sim = (method: string, path: string, body?: unknown) =>
    httpCall(`${t().url}/sandbox/test`, method, path, { headers: { authorization: "Bearer sandbox" }, ...(body ? { body } : {}) });
  return {
    sim,
    stored: async (reference: string) => {
      const [row] = await t()
        .database.db.select()
        .from(sandboxRecords)
        .where(and(eq(sandboxRecords.provider, "test"), eq(sandboxRecords.id, reference)));
      return row;
    },
    /** A collection of 1500 XOF whose customer confirms at once, calling back `callbackUrl`. */
    collect: (reference: string, callbackUrl: string) =>
      sim("POST", "/v1/collections", {
        reference,
        amount: 1500,
        currency: "XOF",
        method: "MOBILE_MONEY_ORANGE_CI",
        phone: "+225 07 00 00 00 00",
        callback_url: callbackUrl,
        return_url: "http://127.0.0.1:1/return",
      }),
  };
}

/**
 * The simulators' shared runtime (`packages/providers/src/sandbox/runtime.ts`) on the real
 * sandbox store: a callback in flight must not undo what the merchant did meanwhile.
 */
describe("sandbox runtime: callbacks re-read the record before saving", () => {
  let t: TestApp;
  const held: ServerResponse[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const { sim, stored, collect } = testSandbox(() => t);
  beforeAll(async () => {
    t = await startTestApp();
    receiver = await startReceiver((res) => held.push(res));
  });
  afterAll(async () => {
    for (const res of held) res.end();
    await receiver.close();
    await t.stop();
  });

  it("a refund made while the success callback is in flight survives the callback's save", async () => {
    const reference = "ref_slow_callback";
    const { bodies } = receiver;
    const created = await collect(reference, receiver.url);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The customer confirms; the callback reaches the receiver, which does not answer yet.
    await eventually(async () => held.length === 1);
    expect(JSON.parse(bodies[0] ?? "{}")).toMatchObject({ type: "collection.updated", data: { reference, status: "SUCCESSFUL" } });

    const refund = await sim("POST", `/v1/collections/by-reference/${reference}/refunds`, { refund_reference: "rf_1", amount: 500 });
    expect(refund.status).toBe(201);
    const refundId = (refund.body as { id: string }).id;

    held[0]?.writeHead(200).end();
    // The refund survived the success callback's save: it settles and says so in its own callback.
    await eventually(async () => held.length === 2);
    expect(JSON.parse(bodies[1] ?? "{}")).toMatchObject({ type: "refund.updated", data: { id: refundId, refund_reference: "rf_1", status: "SUCCESSFUL" } });
    held[1]?.writeHead(200).end();
    // Delivered: the tick saves the record with nothing left due.
    const row = await eventually(async () => {
      const r = await stored(reference);
      return r?.dueAt === null ? r : null;
    });
    expect(row.data.refunds).toMatchObject({ rf_1: { id: refundId, status: "SUCCESSFUL", amount: 500 } });
    // The refund reference is still idempotent: a repeat answers the same refund.
    const again = await sim("POST", `/v1/collections/by-reference/${reference}/refunds`, { refund_reference: "rf_1", amount: 500 });
    expect(again.status).toBe(201);
    expect((again.body as { id: string }).id).toBe(refundId);
    expect(bodies).toHaveLength(2);
  });
});

/**
 * A save for something else while a callback is owed but not in flight (here: waiting to be
 * retried) must leave the record due: the `test` simulator's refund stored it with no due
 * time, so the owed callback was never sent again and the refund never settled (found by
 * SM-1 with refunds; the store now keeps an owing record due, SimulatorStore.put).
 */
describe("sandbox runtime: a record that owes a callback stays due whatever else is saved", () => {
  let t: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const { sim, stored, collect } = testSandbox(() => t);
  beforeAll(async () => {
    t = await startTestApp();
    // Fails the first callback (500), takes every later one.
    receiver = await startReceiver((res, bodies) => res.writeHead(bodies.length === 1 ? 500 : 200).end());
  });
  afterAll(async () => {
    await receiver.close();
    await t.stop();
  });

  it("a refund taken while the success callback waits for its retry: the callback is sent again, then the refund settles", async () => {
    const reference = "ref_retry_then_refund";
    const { bodies } = receiver;
    const created = await collect(reference, receiver.url);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // The customer confirms; the callback fails once and is stored to be retried (not in flight).
    const waiting = await eventually(async () => {
      const r = await stored(reference);
      return (r?.data as { callback_attempts?: number } | undefined)?.callback_attempts === 1 ? r : null;
    });
    expect(waiting.dueAt).not.toBeNull();

    const refund = await sim("POST", `/v1/collections/by-reference/${reference}/refunds`, { refund_reference: "rf_retry", amount: 500 });
    expect(refund.status).toBe(201);
    const refundId = (refund.body as { id: string }).id;
    // Still due: the refund's save did not strand the owed callback.
    expect((await stored(reference))?.dueAt).not.toBeNull();

    await eventually(async () => bodies.length >= 3, 15_000);
    expect(JSON.parse(bodies[1] ?? "{}")).toMatchObject({ type: "collection.updated", data: { reference, status: "SUCCESSFUL" } });
    expect(JSON.parse(bodies[2] ?? "{}")).toMatchObject({ type: "refund.updated", data: { id: refundId, status: "SUCCESSFUL" } });
    const row = await eventually(async () => {
      const r = await stored(reference);
      return r?.dueAt === null ? r : null;
    });
    expect(row.data.refunds).toMatchObject({ rf_retry: { id: refundId, status: "SUCCESSFUL" } });
  });
});
