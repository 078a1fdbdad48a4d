-- A payment says who set its amount (SPEC §8): `server` (the API, a checkout session) or
-- `client` (checkout's simple mode, where the page sets it). A column added with a constant
-- default is a catalogue change only on PostgreSQL 11+: nothing is rewritten.
ALTER TABLE "payments" ADD COLUMN "amount_source" text DEFAULT 'server' NOT NULL;--> statement-breakpoint
-- Simple-mode payments made before the column existed: checkout_payments recorded them
-- (`amount_source = 'client'`), so only those rows are touched.
UPDATE "payments" p SET "amount_source" = 'client'
  FROM "checkout_payments" c
 WHERE c."payment_id" = p."id" AND c."amount_source" = 'client';--> statement-breakpoint
-- A hand resend (`POST /v1/events/{id}/resend`) delivers its event whatever the endpoint's
-- `events` filter says; automatic deliveries keep the filter.
ALTER TABLE "webhook_jobs" ADD COLUMN "by_hand" boolean DEFAULT false NOT NULL;
