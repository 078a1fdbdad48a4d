/** Shared steps of the checkout tests: a session made by the merchant's server, a payment made by the browser. */
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { events } from "../../src/db/schema/index.js";
import { CI_PHONE, eventually, type Merchant, type TestApp } from "../harness.js";

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

/**
 * The customer pays a session from its hosted page, as the page does (its client secret, then
 * `/v1/checkout/pay` with a sandbox number that completes); resolves to the session once complete.
 */
export async function payHostedSession(t: TestApp, m: Merchant, sessionUrl: string) {
  const id = sessionUrl.split("/").at(-1) ?? "";
  const html = await (await fetch(sessionUrl)).text();
  const secret = /"secret":"(cs_[^"]+)"/.exec(html)?.[1] ?? "";
  const p = await pay(t, secret, orange("00"));
  if (p.status !== 201) throw new Error(`pay: ${p.status} ${p.text}`);
  return eventually(async () => {
    const s = (await t.call("GET", `/v1/checkout/sessions/${id}`, { token: m.sk })).body.data;
    return s.status === "complete" ? s : null;
  });
}

/** The `checkout.completed` event of a session, through the API. */
export async function checkoutCompletedEvent(t: TestApp, m: Merchant, sessionId: string): Promise<{ id: string }> {
  const events = await t.call("GET", "/v1/events?type=checkout.completed&limit=100", { token: m.sk });
  return events.body.data.find((e: { data: { id: string } }) => e.data.id === sessionId);
}
