import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { newId } from "../../lib/ids.js";
import { EVENTS_CHANNEL } from "./wake.js";

export const EVENT_TYPES = [
  "payment.created",
  "payment.completed",
  "payment.failed",
  "payment.expired",
  "payment.cancelled",
  "payment.late_success",
  "refund.created",
  "refund.completed",
  "refund.failed",
  "checkout.completed",
  "checkout.expired",
  "settlement.created",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Sent by `POST /v1/apps/{app_id}/webhook/test`; delivered whatever the endpoint's `events`. */
export const TEST_EVENT_TYPE = "webhook.test";

/**
 * Writes an event to the outbox inside the caller's transaction, so the event exists if and
 * only if the change it describes does. The unique (object, type) index makes a second
 * `payment.completed` for one payment impossible; such a duplicate is skipped. Its delivery
 * job is queued in the same statement, so no event can miss its webhook (SPEC §7), and a
 * `NOTIFY` on EVENTS_CHANNEL, which PostgreSQL delivers when the transaction commits, wakes
 * the workers of every process at once.
 */
export async function recordEvent(
  tx: Tx,
  input: { appId: string; livemode: boolean; type: EventType | typeof TEST_EVENT_TYPE; objectId: string; data: Record<string, unknown>; at: Date },
): Promise<string | null> {
  const id = newId("event", input.at);
  const at = input.at.toISOString();
  const res = (await tx.execute(sql`
    with e as (
      insert into events (id, app_id, livemode, type, object_id, data, created_at)
      values (${id}, ${input.appId}, ${input.livemode}, ${input.type}, ${input.objectId}, ${JSON.stringify(input.data)}::jsonb, ${at}::timestamptz)
      on conflict do nothing
      returning id
    ), job as (
      insert into webhook_jobs (event_id, app_id, livemode, status, next_attempt_at, created_at, updated_at)
      select id, ${input.appId}, ${input.livemode}, 'pending', ${at}::timestamptz, ${at}::timestamptz, ${at}::timestamptz from e
      returning event_id
    )
    select event_id, pg_notify(${EVENTS_CHANNEL}, '') from job`)) as unknown as { rows: Array<{ event_id: string }> };
  return res.rows[0]?.event_id ?? null;
}
