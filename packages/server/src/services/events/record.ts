import { type SQL, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.js";
import { newId } from "../../lib/ids.js";
import { eventsWrittenIn } from "./wake.js";

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

export interface EventInput {
  appId: string;
  livemode: boolean;
  type: EventType | typeof TEST_EVENT_TYPE;
  objectId: string;
  data: Record<string, unknown>;
  at: Date;
}

/**
 * The CTE `job` that queues the delivery of every event the CTE `e` wrote (`e` returns
 * `id, app_id, livemode, created_at`), returning `event_id, status`. The job of an app with
 * no webhook endpoint in the mode is written `failed` ("no_endpoint") at once instead of
 * `pending`: no worker claims and closes it, and it stays where a resend or a recovery
 * (SPEC §7) finds it, exactly as a worker would have parked it. Shared by `eventCtes` and
 * the create's batched phase 1, which writes many events in one statement.
 */
export const EVENT_JOB_CTE = `job as (
    insert into webhook_jobs (event_id, app_id, livemode, status, next_attempt_at, last_error, created_at, updated_at)
    select e.id, e.app_id, e.livemode,
      case when w.present then 'pending' else 'failed' end,
      case when w.present then e.created_at end,
      case when w.present then null else 'no_endpoint' end,
      e.created_at, e.created_at
    from e cross join lateral (select exists (select 1 from webhook_endpoints where app_id = e.app_id and livemode = e.livemode) as present) w
    returning event_id, status
  )`;

/**
 * The two CTEs that write an event and its delivery job — `e` (the event; nothing on a
 * duplicate) and `job` (`EVENT_JOB_CTE`) — for a statement that may write more beside them.
 */
export function eventCtes(input: EventInput): SQL {
  const id = newId("event", input.at);
  return sql`e as (
      insert into events (id, app_id, livemode, type, object_id, data, created_at)
      values (${id}, ${input.appId}, ${input.livemode}, ${input.type}, ${input.objectId}, ${JSON.stringify(input.data)}::jsonb, ${input.at.toISOString()}::timestamptz)
      on conflict do nothing
      returning id, app_id, livemode, created_at
    ), ${sql.raw(EVENT_JOB_CTE)}`;
}

/**
 * Writes an event to the outbox inside the caller's transaction, so the event exists if and
 * only if the change it describes does. The unique (object, type) index makes a second
 * `payment.completed` for one payment impossible; such a duplicate is skipped. Its delivery
 * job is queued in the same statement, so no event can miss its webhook (SPEC §7). Workers
 * are woken once the transaction commits (`withTransaction` → `eventsCommitted`): this
 * process's directly, other processes by one `pg_notify` sent after the commit, outside the
 * payment's transaction and coalesced with others.
 */
export async function recordEvent(tx: Tx, input: EventInput): Promise<string | null> {
  const res = (await tx.execute(sql`with ${eventCtes(input)} select event_id from job`)) as unknown as { rows: Array<{ event_id: string }> };
  eventsWrittenIn(tx);
  return res.rows[0]?.event_id ?? null;
}
