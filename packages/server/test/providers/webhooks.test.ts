/**
 * Inbound provider webhooks (SPEC §3, §4; reliability.md WH-4) for any registered provider:
 * signature checked on the raw body, deduplicated by the provider's event id, applied through
 * the state machine; late or conflicting messages stored with applied=false and counted. A
 * provider that signs nothing (`confirmWithStatus`) is believed only through its status call.
 * A late success for a cancelled payment raises `payment.late_success` and is refunded.
 */
import { randomUUID } from "node:crypto";
import { signPayload } from "@zerofee/providers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcilePayments } from "../../src/jobs/reconcile.js";
import { closeSettlements } from "../../src/services/settlements/close.js";
import { createMerchant, eventually, type Merchant, metricValue, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { eventCounts, rows, type SandboxStatus, sendProviderCallback } from "../reliability/helpers.js";
import { testRegistry } from "./registry.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp({ providers: testRegistry(), env: { ZEROFEE_RECONCILE_AFTER_S: "0" } });
  m = await createMerchant(t, "inbound");
});
afterAll(() => t?.stop());

const get = async (id: string) => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data;
const open = async (ending = "02", extra: Record<string, unknown> = {}) => {
  const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody(ending, extra) });
  expect(res.status, res.text).toBe(201);
  const p = res.body.data;
  return { id: p.id as string, reference: p.attempts[0].provider_payment_id as string, providerRef: p.provider_reference as string };
};
const callback = (p: { reference: string; providerRef: string }, status: SandboxStatus, eventId = `tevt_${randomUUID()}`) =>
  sendProviderCallback(t, { eventId, reference: p.reference, id: p.providerRef, status, amount: 1500, currency: "XOF" });
const callbacksOf = (paymentId: string) =>
  rows(
    t.database.db,
    sql`select provider_event_id, reported_status, applied, note from provider_callbacks where payment_id = ${paymentId} order by received_at`,
  );
const conflictMetric = async () => {
  const text = (await t.call("GET", "/metrics")).text;
  return metricValue(text, 'zerofee_conflicting_provider_status_total{provider="test"}');
};
/** The provider changes its mind after ZeroFee closed the payment (the sandbox cannot do this through its API). */
async function providerSays(reference: string, status: SandboxStatus) {
  // Once the simulator has sent what it owed (its cancellation callback), so it does not write over this.
  await eventually(async () => (await rows(t.database.db, sql`select 1 from sandbox_records where id = ${reference} and due_at is null`)).length === 1);
  await t.database.db.execute(sql`update sandbox_records set data = jsonb_set(data, '{status}', ${JSON.stringify(status)}::jsonb) where id = ${reference}`);
}

describe("WH-4 inbound provider webhooks", () => {
  it("WH-4 bad signature → 401 and nothing applied; a valid message replayed 3× applies once; completed before processing ends completed; a late signed failed is stored applied=false, counted, no payment.failed", async () => {
    const p = await open();
    const body = JSON.stringify({
      event_id: "tevt_forged",
      type: "collection.updated",
      data: { id: p.providerRef, reference: p.reference, status: "SUCCESSFUL" },
    });
    const now = Math.floor(Date.now() / 1000);
    const forged: Array<Record<string, string>> = [
      { "x-test-signature": signPayload("wrong-secret", body, now) },
      { "x-test-signature": signPayload(t.app.ctx.providers.sandboxSecret("test"), body, now - 3600) }, // replay of an old signature
      { "x-test-signature": "t=1,v1=00" },
      {},
    ];
    for (const headers of forged) {
      const res = await t.call("POST", "/v1/webhooks/providers/test", { rawBody: body, headers: { "content-type": "application/json", ...headers } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("invalid_credentials");
    }
    // A body changed after signing.
    const signed = signPayload(t.app.ctx.providers.sandboxSecret("test"), body, now);
    const tampered = await t.call("POST", "/v1/webhooks/providers/test", {
      rawBody: body.replace("SUCCESSFUL", "FAILED"),
      headers: { "content-type": "application/json", "x-test-signature": signed },
    });
    expect(tampered.status).toBe(401);
    expect((await get(p.id)).status).toBe("requires_action");
    expect(await callbacksOf(p.id)).toEqual([]);
    expect((await t.call("POST", "/v1/webhooks/providers/nosuch", { body: {} })).status).toBe(404);

    // Replayed three times: applied once.
    const first = await callback(p, "SUCCESSFUL", "tevt_wh4_done");
    expect(first.body.data).toEqual({ received: true, duplicate: false, applied: true });
    for (let i = 0; i < 3; i++) {
      const again = await callback(p, "SUCCESSFUL", "tevt_wh4_done");
      expect(again.status).toBe(200);
      expect(again.body.data).toEqual({ received: true, duplicate: true, applied: false });
    }
    // Out of order: processing after completed changes nothing.
    expect((await callback(p, "PROCESSING")).body.data.applied).toBe(false);
    const metricBefore = await conflictMetric();
    // A conflicting late failure: stored, not applied, counted, no payment.failed.
    const late = await callback(p, "FAILED", "tevt_wh4_late_failed");
    expect(late.status).toBe(200);
    expect(late.body.data).toEqual({ received: true, duplicate: false, applied: false });
    expect(await conflictMetric()).toBe(metricBefore + 1);

    const final = await get(p.id);
    expect(final.status).toBe("completed");
    expect(final.timeline.map((e: { status: string }) => e.status)).toEqual(["pending", "requires_action", "completed"]);
    expect(await eventCounts(t.database.db, p.id)).toEqual({ "payment.created": 1, "payment.completed": 1 });
    const stored = await callbacksOf(p.id);
    expect(stored.map((c) => [c.provider_event_id, c.applied, c.note])).toEqual([
      ["tevt_wh4_done", true, "applied"],
      [expect.any(String), false, "unchanged"],
      ["tevt_wh4_late_failed", false, "conflict"],
    ]);
  });

  it("a message for an unknown payment is stored, not applied", async () => {
    const res = await callback({ reference: randomUUID(), providerRef: "tcol_x" }, "SUCCESSFUL");
    expect(res.body.data).toEqual({ received: true, duplicate: false, applied: false });
  });
});

describe("a provider that signs nothing (confirmWithStatus)", () => {
  const post = (body: unknown) => t.call("POST", "/v1/webhooks/providers/test_unsigned", { body });
  const message = (reference: string, status: string, eventId = `u_${randomUUID()}`) => ({
    event_id: eventId,
    type: "collection.updated",
    data: { id: "tcol_forged", reference, status },
  });

  it("a forged success the provider does not confirm is 400 and stores nothing; an unknown payment is 400; the real one completes", async () => {
    const p = await open("02", { provider: "test_unsigned" });
    const forged = await post(message(p.reference, "SUCCESSFUL", "u_forged"));
    expect(forged.status, forged.text).toBe(400);
    expect(forged.body.error.code).toBe("webhook_unconfirmed");
    expect((await get(p.id)).status).toBe("requires_action");
    expect(await rows(t.database.db, sql`select 1 from provider_callbacks where provider_event_id = 'u_forged'`)).toEqual([]);
    const unknown = await post(message(randomUUID(), "SUCCESSFUL"));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe("webhook_unconfirmed");

    // Provider unreachable while confirming: 503, nothing stored, so its retry is not a "duplicate".
    await t.call("POST", "/sandbox/test_unsigned/_control", { body: { down: true } });
    const retryLater = message(p.reference, "SUCCESSFUL", "u_retry_me");
    try {
      const res = await post(retryLater);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("provider_unavailable");
    } finally {
      await t.call("POST", "/sandbox/test_unsigned/_control", { body: { down: false } });
    }
    // The customer pays at the provider: the provider's own (unsigned) callback, confirmed, completes it.
    const pay = await t.call("POST", `/sandbox/test_unsigned/pay/${encodeURIComponent(p.reference)}`, {
      rawBody: "action=approve",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(pay.status).toBe(303);
    const done = await eventually(async () => {
      const x = await get(p.id);
      return x.status === "completed" ? x : null;
    });
    expect(done.timeline.at(-1).source).toBe("provider_webhook");
    const replayed = await post(retryLater);
    expect(replayed.body.data).toEqual({ received: true, duplicate: false, applied: false });
  });
});

describe("late success (SPEC §3): recorded, payment.late_success, refunded automatically", () => {
  const cancelled = async () => {
    const p = await open();
    const res = await t.call("POST", `/v1/payments/${p.id}/cancel`, { token: m.sk });
    expect(res.body.data.status).toBe("cancelled");
    return p;
  };
  const refundEvents = (refundId: string) => rows(t.database.db, sql`select type, data from events where object_id = ${refundId} order by id`);

  it("a success after cancel: not applied, payment.late_success once, one refund re_… completed with its events; replays refund nothing more", async () => {
    const totals = async () => (await t.call("GET", "/v1/stats?currency=XOF", { token: m.sk })).body.data.totals;
    const p = await cancelled();
    const before = await totals();
    await providerSays(p.reference, "SUCCESSFUL");
    const res = await callback(p, "SUCCESSFUL");
    expect(res.body.data).toEqual({ received: true, duplicate: false, applied: false });
    // The refund is asked for at once; the provider settles it a moment later (its callback).
    const after = await eventually(async () => {
      const got = await get(p.id);
      return got.refunds[0]?.status === "completed" ? got : null;
    });
    expect(after.status).toBe("cancelled");
    expect(after.refunds).toHaveLength(1);
    expect(after.amount_refunded).toBe(1500);
    const [refund] = after.refunds;
    expect(refund).toMatchObject({ status: "completed", reason: "late_success", amount: 1500, currency: "XOF", provider: "test", payment_id: p.id });
    expect(refund.id).toMatch(/^re_/);
    expect(refund.provider_refund_id).toMatch(/^tref_/);
    const events = await refundEvents(refund.id);
    expect(events.map((e) => e.type)).toEqual(["refund.created", "refund.completed"]);
    expect(events[0].data.status).toBe("pending");
    expect(events[1].data.status).toBe("completed");

    await callback(p, "SUCCESSFUL"); // another message, another event id
    await reconcilePayments(t.app.ctx);
    expect((await get(p.id)).refunds).toHaveLength(1);
    expect(await eventCounts(t.database.db, p.id)).toEqual({ "payment.created": 1, "payment.cancelled": 1, "payment.late_success": 1 });

    // The money came in after the payment closed and went straight back: no volume counted it,
    // so neither stats nor a settlement take the refund off (it would lower net by 1,500).
    expect(await totals()).toEqual(before);
    await closeSettlements(t.app.ctx, new Date());
    expect((await t.call("GET", `/v1/refunds/${refund.id}`, { token: m.sk })).body.data.settlement_id).toBeNull();
    const settled = (await t.call("GET", "/v1/settlements?limit=100", { token: m.sk })).body.data as Array<{ id: string; refunded_amount: number }>;
    for (const s of settled) {
      const deducted = (await t.call("GET", `/v1/settlements/${s.id}/refunds?limit=100`, { token: m.sk })).body.data as Array<{ id: string; amount: number }>;
      expect(deducted.map((r) => r.id)).not.toContain(refund.id);
      expect(s.refunded_amount).toBe(deducted.reduce((n, r) => n + r.amount, 0));
    }
  });

  it("a refund the provider refuses is failed with refund.failed", async () => {
    const p = await cancelled(); // the sandbox still holds it cancelled: it refuses to refund
    await callback(p, "SUCCESSFUL");
    const [refund] = (await get(p.id)).refunds;
    expect(refund).toMatchObject({ status: "failed", failure_code: "refund_rejected" });
    expect((await refundEvents(refund.id)).map((e) => e.type)).toEqual(["refund.created", "refund.failed"]);
  });

  it("a refund the provider could not answer stays pending and is asked again, with the same id, by the next sweep", async () => {
    const p = await cancelled();
    await providerSays(p.reference, "SUCCESSFUL");
    await t.call("POST", "/sandbox/test/_control", { body: { down: true } });
    try {
      await callback(p, "SUCCESSFUL");
      const [refund] = (await get(p.id)).refunds;
      expect(refund).toMatchObject({ status: "pending", provider_refund_id: null });
    } finally {
      await t.call("POST", "/sandbox/test/_control", { body: { down: false } });
    }
    await reconcilePayments(t.app.ctx);
    const refund = await eventually(async () => {
      const [r] = (await get(p.id)).refunds;
      return r?.status === "completed" ? r : null;
    });
    expect((await refundEvents(refund.id)).map((e) => e.type)).toEqual(["refund.created", "refund.completed"]);
    const [record] = await rows(t.database.db, sql`select data->'refunds' as refunds from sandbox_records where id = ${p.reference}`);
    expect(Object.keys(record.refunds)).toEqual([refund.id]);
  });
});
