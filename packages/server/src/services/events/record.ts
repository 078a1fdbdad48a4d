import type { Tx } from "../../db/client.js";
import { events, webhookJobs } from "../../db/schema/index.js";
import { newId } from "../../lib/ids.js";
import { signalEventsWritten } from "./wake.js";

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
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Sent by `POST /v1/apps/{app_id}/webhook/test`; delivered whatever the endpoint's `events`. */
export const TEST_EVENT_TYPE = "webhook.test";

/**
 * Writes an event to the outbox inside the caller's transaction, so the event exists if and
 * only if the change it describes does. The unique (object, type) index makes a second
 * `payment.completed` for one payment impossible; such a duplicate is skipped. Its delivery
 * job is queued in the same transaction, so no event can miss its webhook (SPEC §7).
 */
export async function recordEvent(
  tx: Tx,
  input: { appId: string; livemode: boolean; type: EventType | typeof TEST_EVENT_TYPE; objectId: string; data: Record<string, unknown>; at: Date },
): Promise<string | null> {
  const id = newId("event", input.at);
  const rows = await tx
    .insert(events)
    .values({ id, appId: input.appId, livemode: input.livemode, type: input.type, objectId: input.objectId, data: input.data, createdAt: input.at })
    .onConflictDoNothing()
    .returning({ id: events.id });
  const written = rows[0]?.id ?? null;
  if (written) {
    await tx.insert(webhookJobs).values({
      eventId: written,
      appId: input.appId,
      livemode: input.livemode,
      status: "pending",
      nextAttemptAt: input.at,
      createdAt: input.at,
      updatedAt: input.at,
    });
    signalEventsWritten();
  }
  return written;
}
