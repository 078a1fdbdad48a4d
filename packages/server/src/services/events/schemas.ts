import { z } from "zod";
import { PageQuery } from "../../lib/cursor.js";
import { CreatedBound } from "../created-range.js";
import { EVENT_TYPES, TEST_EVENT_TYPE } from "./record.js";

export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "skipped"] as const;

export const EventIdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const ListEventsQuery = PageQuery.extend({
  type: z.enum([...EVENT_TYPES, TEST_EVENT_TYPE]).optional(),
  delivery_status: z.enum(DELIVERY_STATUSES).optional(),
  object_id: z.string().min(1).max(64).optional().describe("Only the events of one object: a payment's `txn_…` or a refund's `re_…`"),
  created_from: CreatedBound.optional(),
  created_to: CreatedBound.optional(),
});
export type ListEventsInput = z.infer<typeof ListEventsQuery>;

export const ListDeliveriesQuery = PageQuery;
export type ListDeliveriesInput = z.infer<typeof ListDeliveriesQuery>;

export const EventSchema = z
  .object({
    id: z.string(),
    object: z.literal("event"),
    type: z.string(),
    created_at: z.string(),
    data: z.record(z.string(), z.unknown()),
    livemode: z.boolean(),
    delivery: z.object({
      status: z.enum(DELIVERY_STATUSES),
      attempts: z.number().int(),
      next_attempt_at: z.string().nullable(),
      delivered_at: z.string().nullable(),
      last_error: z.string().nullable(),
    }),
  })
  .meta({ id: "Event" });

export const DeliverySchema = z
  .object({
    id: z.string(),
    event_id: z.string(),
    attempt: z.number().int(),
    url: z.string(),
    status_code: z.number().int().nullable(),
    response_body: z.string().nullable(),
    duration_ms: z.number().int(),
    error: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: "WebhookDelivery" });

export const RecoverBody = z.strictObject({
  since: z.iso.datetime({ offset: true }).describe("Resend every event that failed and was created at or after this time"),
});
