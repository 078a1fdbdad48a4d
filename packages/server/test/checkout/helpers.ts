/** Shared steps of the checkout tests: a session made by the merchant's server, a payment made by the browser. */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { events } from "../../src/db/schema/index.js";
import { CI_PHONE, type Merchant, type TestApp } from "../harness.js";

export function sessionBody(extra: Record<string, unknown> = {}) {
  return {
    amount: 2500,
    currency: "XOF",
    reference: `order-${randomUUID()}`,
    success_url: "http://127.0.0.1:9/ok",
    cancel_url: "http://127.0.0.1:9/cancel",
    ...extra,
  };
}

export async function createSession(t: TestApp, m: Merchant, extra: Record<string, unknown> = {}) {
  const r = await t.call("POST", "/v1/checkout/sessions", { token: m.sk, body: sessionBody(extra), idempotencyKey: randomUUID() });
  if (r.status !== 201) throw new Error(`session: ${r.status} ${r.text}`);
  return r.body.data as { id: string; client_secret: string; url: string; status: string; expires_at: string };
}

/** `POST /v1/checkout/pay` as the browser sends it (an Origin, a fresh Idempotency-Key). */
export function pay(t: TestApp, token: string, body: Record<string, unknown>, origin = "http://shop.example") {
  return t.call("POST", "/v1/checkout/pay", { token, body, headers: { origin }, idempotencyKey: randomUUID() });
}

export const orange = (ending: string) => ({ payment_method: "PAYIN_ORANGE_CI", customer: { phone: CI_PHONE(ending) } });

export async function eventsOf(t: TestApp, objectId: string, type: string) {
  return t.database.db
    .select()
    .from(events)
    .where(and(eq(events.objectId, objectId), eq(events.type, type)));
}
