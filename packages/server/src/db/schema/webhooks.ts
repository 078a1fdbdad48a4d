import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** One endpoint per app and mode (SPEC §7): test and live each have their own URL and secret. */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    appId: text("app_id").notNull(),
    livemode: boolean("livemode").notNull(),
    url: text("url").notNull(),
    /** Event types it receives; null = every type. */
    events: jsonb("events").$type<string[] | null>(),
    /** `whsec_…`, AES-256-GCM sealed with the master key (AAD `app|mode|webhook`). */
    secretSealed: text("secret_sealed").notNull(),
    /** The previous secret during a rotation: it signs too until `old_secret_expires_at`. */
    oldSecretSealed: text("old_secret_sealed"),
    oldSecretExpiresAt: timestamp("old_secret_expires_at", { withTimezone: true, mode: "date" }),
    active: boolean("active").notNull().default(true),
    disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" }),
    disabledReason: text("disabled_reason"),
    /** Events that ended `failed` in a row; a delivered event resets it. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.livemode] })],
);

/**
 * The delivery queue: one job per event, written in the event's own transaction. Workers
 * claim due jobs with `FOR UPDATE SKIP LOCKED` and hold them by a lease (`locked_until`); a
 * worker that dies leaves a lease that runs out, and the job is claimed again.
 */
export const webhookJobs = pgTable(
  "webhook_jobs",
  {
    eventId: text("event_id").primaryKey(),
    appId: text("app_id").notNull(),
    livemode: boolean("livemode").notNull(),
    /** pending (queued or retrying) → delivered | failed | skipped (type not subscribed). */
    status: text("status", { enum: ["pending", "delivered", "failed", "skipped"] }).notNull(),
    /** Attempts whose outcome is recorded. */
    attempts: integer("attempts").notNull().default(0),
    /** `attempts` when this round began (0, or at a resend): the retry schedule counts from here. */
    scheduleStart: integer("schedule_start").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }),
    lockedUntil: timestamp("locked_until", { withTimezone: true, mode: "date" }),
    /** The claim holding the job, `<worker>#<n>`: new for every claim (`services/webhooks/claim.ts`). */
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    /**
     * Set by a hand resend (`POST /v1/events/{id}/resend`): the merchant asked for this event,
     * so it goes whatever the endpoint's `events` filter says (automatic deliveries keep it).
     */
    byHand: boolean("by_hand").notNull().default(false),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    // Only what a worker claims (pending, by due time): delivered and parked jobs need no entry.
    index("webhook_jobs_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_jobs_app_idx").on(t.appId, t.livemode, t.status),
  ],
);

/** Every attempt, as `GET /v1/events/{id}/deliveries` shows it (`del_…`). */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id").notNull(),
    appId: text("app_id").notNull(),
    livemode: boolean("livemode").notNull(),
    attempt: integer("attempt").notNull(),
    url: text("url").notNull(),
    statusCode: integer("status_code"),
    responseBody: text("response_body"),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("webhook_attempts_event_idx").on(t.eventId, t.id)],
);
