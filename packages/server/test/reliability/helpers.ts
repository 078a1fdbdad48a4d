/**
 * Small helpers shared by the reliability tests (reference/reliability.md §5): raw SQL
 * counts, the test sandbox's control switch, and forged — but validly signed — callbacks
 * from the `test` provider.
 */
import { createServer } from "node:net";
import { signPayload } from "@zerofee/providers";
import { sql } from "drizzle-orm";
import type { Db } from "../../src/db/client.js";
import type { TestApp } from "../harness.js";

// biome-ignore lint/suspicious/noExplicitAny: raw rows are read field by field unless the caller names their shape
export async function rows<T = any>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

export async function scalar(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await rows(db, query);
  return Number(Object.values(row ?? { n: 0 })[0]);
}

export const countPayments = (db: Db, appId: string) => scalar(db, sql`select count(*)::int as n from payments where app_id = ${appId}`);

/** How many `payment.*` events of each type a payment has. */
export async function eventCounts(db: Db, paymentId: string): Promise<Record<string, number>> {
  const list = await rows(db, sql`select type, count(*)::int as n from events where object_id = ${paymentId} group by type`);
  return Object.fromEntries(list.map((r) => [r.type as string, Number(r.n)]));
}

/** The provider-side id ZeroFee generated for the payment's (single) attempt. */
export async function attemptsOf(db: Db, paymentId: string): Promise<{ provider_payment_id: string; provider_reference: string | null; status: string }[]> {
  return rows(db, sql`select provider_payment_id, provider_reference, status from payment_attempts where payment_id = ${paymentId} order by created_at`);
}

export async function sandboxControl(t: TestApp, body: { down?: boolean; latency_ms?: number; drop_callbacks?: boolean }): Promise<void> {
  const res = await t.call("POST", "/sandbox/test/_control", { body });
  if (res.status !== 200) throw new Error(`sandbox control failed: ${res.status} ${res.text}`);
}

export type SandboxStatus = "PENDING" | "OTP_REQUIRED" | "PROCESSING" | "SUCCESSFUL" | "FAILED" | "CANCELLED";

/**
 * Sends a callback exactly as the `test` provider's simulator would (same body shape, same
 * signature header, signed with the sandbox secret), so ZeroFee cannot tell it from a real one.
 */
export async function sendProviderCallback(
  t: TestApp,
  input: { eventId: string; reference: string; id: string; status: SandboxStatus; amount: number; currency: string },
) {
  const body = JSON.stringify({
    event_id: input.eventId,
    type: "collection.updated",
    data: {
      id: input.id,
      reference: input.reference,
      status: input.status,
      amount: input.amount,
      currency: input.currency,
      flow: "ussd_push",
      payment_url: null,
      failure_reason: input.status === "FAILED" ? "insufficient funds" : null,
    },
  });
  const signature = signPayload(t.app.ctx.providers.sandboxSecret("test"), body, Math.floor(Date.now() / 1000));
  return t.call("POST", "/v1/webhooks/providers/test", { rawBody: body, headers: { "content-type": "application/json", "x-test-signature": signature } });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every error answer must be the JSON envelope with a request id, never HTML or a stack. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON
export function isErrorEnvelope(body: any): boolean {
  return Boolean(body && body.success === false && typeof body.error?.code === "string" && typeof body.error?.request_id === "string");
}
