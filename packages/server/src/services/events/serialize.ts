import type { z } from "zod";
import type { events, webhookAttempts, webhookJobs } from "../../db/schema/index.js";
import { eventPayload } from "./payload.js";
import type { DeliverySchema, EventSchema } from "./schemas.js";

export type EventRow = typeof events.$inferSelect;
export type JobRow = typeof webhookJobs.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

export const serializeEvent = (e: EventRow, job: JobRow | null): z.infer<typeof EventSchema> => ({
  ...eventPayload(e),
  object: "event",
  livemode: e.livemode,
  delivery: {
    status: job?.status ?? "failed",
    attempts: job?.attempts ?? 0,
    next_attempt_at: job?.nextAttemptAt?.toISOString() ?? null,
    delivered_at: job?.deliveredAt?.toISOString() ?? null,
    last_error: job?.lastError ?? null,
  },
});

export const serializeDelivery = (a: AttemptRow): z.infer<typeof DeliverySchema> => ({
  id: a.id,
  event_id: a.eventId,
  attempt: a.attempt,
  url: a.url,
  status_code: a.statusCode,
  response_body: a.responseBody,
  duration_ms: a.durationMs,
  error: a.error,
  created_at: a.createdAt.toISOString(),
});
