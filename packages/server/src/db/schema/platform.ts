import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Stripe-style idempotency records, scoped to (app, mode, key). Stored with fillfactor 15
 * (migrations 0008, 0009): the answer a key gains moments after its insert fits on the same page.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    id: text("id").primaryKey(),
    appId: text("app_id").notNull(),
    livemode: boolean("livemode").notNull(),
    key: text("key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    fingerprint: text("fingerprint").notNull(),
    /** Non-null while a request holds the key; a stale lock is taken over. */
    lockedAt: timestamp("locked_at", { withTimezone: true, mode: "date" }),
    recoveryPoint: text("recovery_point").notNull().default("started"),
    /** The object the request created (e.g. the payment), to resume from. */
    resourceId: text("resource_id"),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("idempotency_keys_scope_key").on(t.appId, t.livemode, t.key),
    // BRIN: rows arrive in creation order; the reaper's range scan needs no per-row entry.
    index("idempotency_keys_created_idx").using("brin", t.createdAt),
  ],
);

/** The outbox: written in the same transaction as the change it describes. */
export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    appId: text("app_id").notNull(),
    livemode: boolean("livemode").notNull(),
    type: text("type").notNull(),
    objectId: text("object_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    // One event of each type per object: a second `payment.completed` is impossible.
    uniqueIndex("events_object_type_key").on(t.objectId, t.type),
    index("events_app_list_idx").on(t.appId, t.livemode, t.id),
  ],
);

/** Every message a provider sent us, applied or not, deduplicated by the provider's event id. */
export const providerCallbacks = pgTable(
  "provider_callbacks",
  {
    id: text("id").primaryKey(),
    provider: text("provider").notNull(),
    providerEventId: text("provider_event_id").notNull(),
    paymentId: text("payment_id"),
    reportedStatus: text("reported_status"),
    applied: boolean("applied").notNull(),
    note: text("note"),
    payload: jsonb("payload").$type<unknown>().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [uniqueIndex("provider_callbacks_event_key").on(t.provider, t.providerEventId)],
);

/** State of the sandbox simulators, so a restart loses nothing (as with a real provider). */
export const sandboxRecords = pgTable(
  "sandbox_records",
  {
    provider: text("provider").notNull(),
    id: text("id").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    dueAt: timestamp("due_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.id] }),
    // Only records with something to do later (a callback due).
    index("sandbox_records_due_idx").on(t.dueAt).where(sql`${t.dueAt} is not null`),
  ],
);

/**
 * One row per periodic job slot: whichever worker inserts it runs the slot. A run that
 * finished is never run again; one whose worker stopped beating (`heartbeat_at`, died or
 * failed) is taken over once its lease has passed (`jobs/runner.ts`).
 */
export const jobRuns = pgTable(
  "job_runs",
  {
    name: text("name").notNull(),
    slot: bigint("slot", { mode: "number" }).notNull(),
    worker: text("worker").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }).notNull(),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true, mode: "date" }),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
    result: jsonb("result").$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.name, t.slot] })],
);

/**
 * Facts about this installation, one row each. `master_key_check`: a value sealed with the
 * master key by the first process that ran, so a process started with another key (every
 * stored credential, webhook secret and checkout secret would fail to open) refuses to start.
 */
export const instanceSettings = pgTable("instance_settings", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
});
