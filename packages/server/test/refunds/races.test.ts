/**
 * SPEC §10 "never above what is left, also under concurrent requests": 20 partial refunds of
 * one payment at once. On PostgreSQL they race for real (a pool of connections); on PGlite
 * (one connection) they interleave between statements only — the test runs there too, but
 * only PostgreSQL can show a race.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, onPostgres, startTestApp, type TestApp } from "../harness.js";
import { rows } from "../reliability/helpers.js";
import { completedPayment, settledRefund } from "./helpers.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t);
});
afterAll(() => t.stop());

describe(`concurrent refunds (${onPostgres ? "PostgreSQL: a real race" : "PGlite: one connection, interleaved"})`, () => {
  it("20 refunds of 1 000 on a 10 000 payment at once: exactly 10 accepted, the rest 422 refund_exceeds_payment", async () => {
    const paymentId = await completedPayment(t, m, 10_000);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: paymentId, amount: 1_000 } })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 422)).toHaveLength(10);
    for (const a of answers.filter((x) => x.status === 422)) expect(a.body.error).toMatchObject({ code: "refund_exceeds_payment", param: "amount" });
    for (const a of answers.filter((x) => x.status === 201)) expect((await settledRefund(t, m, a.body.data.id)).status).toBe("completed");
    const [row] = await rows(
      t.database.db,
      sql`select (select amount_refunded from payments where id = ${paymentId}) as counter, (select coalesce(sum(amount), 0) from refunds where payment_id = ${paymentId} and status <> 'failed') as total, (select count(*) from refunds where payment_id = ${paymentId}) as n`,
    );
    expect([Number(row?.counter), Number(row?.total), Number(row?.n)]).toEqual([10_000, 10_000, 10]);
    expect((await t.call("GET", `/v1/payments/${paymentId}`, { token: m.sk })).body.data.amount_refunded).toBe(10_000);
  });

  it("20 refunds of unequal amounts at once never sum above the amount", async () => {
    const paymentId = await completedPayment(t, m, 10_000);
    const amounts = Array.from({ length: 20 }, (_, i) => 300 + i * 137);
    const answers = await Promise.all(amounts.map((amount) => t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: paymentId, amount } })));
    const accepted = answers.filter((a) => a.status === 201).reduce((sum, a) => sum + (a.body.data.amount as number), 0);
    expect(accepted).toBeLessThanOrEqual(10_000);
    expect(answers.every((a) => a.status === 201 || a.body.error?.code === "refund_exceeds_payment")).toBe(true);
    expect((await t.call("GET", `/v1/payments/${paymentId}`, { token: m.sk })).body.data.amount_refunded).toBe(accepted);
  });
});
