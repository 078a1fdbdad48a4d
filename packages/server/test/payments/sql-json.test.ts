/**
 * Reads answered as JSON built by PostgreSQL (issue 14): GET /v1/payments/{id}, the payments
 * list and a settlement's payments splice the payment object from the query's text instead of
 * mapping rows in Node. Under the suite's check (ZEROFEE_CHECK_RESPONSES) each such read also
 * serialises the same row in Node and answers 500 when the two differ; this file reads a
 * payment with every field set, so a drift in any field shows here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { differingPaths } from "../../src/http/prebuilt.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "sql-json");
});
afterAll(() => t?.stop());

describe("payments answered as JSON built in SQL", () => {
  it("the check is on in the suite", () => {
    expect(t.app.ctx.config.checkResponses).toBe(true);
  });

  it("a completed, partly refunded payment with every optional field reads alike through get and list", async () => {
    const extra = {
      amount: 10_000,
      reference: "order-\u00e9-42",
      description: 'Line \u2028 "quoted" </script> \\ tab\t',
      metadata: { order: "42", note: "caf\u00e9 \ud83d\ude00", empty: "" },
      success_url: "https://shop.example/ok?x=1&y=2",
      cancel_url: "https://shop.example/cancel",
      error_url: "https://shop.example/error",
      pending_url: "https://shop.example/pending",
    };
    const body = paymentBody("00", extra);
    const created = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "sql-json-1" });
    expect(created.status, created.text).toBe(201);
    const id = created.body.data.id as string;
    await eventually(async () => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data?.status === "completed");
    const refund = await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: id, amount: 2_500 } });
    expect(refund.status, refund.text).toBe(201);

    const got = await t.call("GET", `/v1/payments/${id}`, { token: m.sk });
    expect(got.status, got.text).toBe(200);
    expect(got.headers.get("content-type")).toMatch(/^application\/json/);
    const p = got.body.data;
    expect(p).toMatchObject({ id, object: "payment", amount: 10_000, status: "completed", amount_refunded: 2_500, reference: extra.reference });
    expect(p.description).toBe(extra.description);
    expect(p.metadata).toEqual(extra.metadata);
    expect(p.completed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(p.attempts).toHaveLength(1);
    expect(p.refunds).toEqual([expect.objectContaining({ object: "refund", amount: 2_500, payment_id: id })]);
    // The creation's answer was serialised in Node from the rows it wrote: the read agrees.
    const { attempts: _a, refunds: _r, ...createdFields } = created.body.data;
    for (const field of ["id", "amount", "metadata", "description", "reference", "success_url", "created_at", "expires_at", "customer"]) {
      expect(p[field], field).toEqual(createdFields[field]);
    }

    const list = await t.call("GET", "/v1/payments?limit=1", { token: m.sk });
    expect(list.status, list.text).toBe(200);
    expect(list.body).toMatchObject({ success: true, has_more: false, next_cursor: null });
    const { attempts: _la, refunds: _lr, ...fields } = p;
    expect(list.body.data).toEqual([fields]);
  });

  it("pages splice their cursor and has_more around the items", async () => {
    for (let i = 0; i < 2; i++) expect((await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02") })).status).toBe(201);
    const first = await t.call("GET", "/v1/payments?limit=2", { token: m.sk });
    expect(first.status, first.text).toBe(200);
    expect(first.body.has_more).toBe(true);
    expect(typeof first.body.next_cursor).toBe("string");
    const next = await t.call("GET", `/v1/payments?limit=2&cursor=${first.body.next_cursor}`, { token: m.sk });
    expect(next.status, next.text).toBe(200);
    expect(next.body.data.map((x: { id: string }) => x.id)).not.toContain(first.body.data[0].id);
    const empty = await t.call("GET", "/v1/payments?status=cancelled", { token: m.sk });
    expect(empty.body).toEqual({ success: true, data: [], has_more: false, next_cursor: null });
  });

  it("a difference is reported by path only, never by value (the message is logged)", () => {
    expect(differingPaths({ a: 1, b: { phone: "+2250700000000", c: [1, 2] } }, { a: 1, b: { phone: "+2250700000001", c: [1, 3] } })).toEqual([
      "b.phone",
      "b.c.1",
    ]);
    expect(differingPaths({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
