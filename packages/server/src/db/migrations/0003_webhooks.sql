CREATE TABLE "webhook_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"app_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"attempt" integer NOT NULL,
	"url" text NOT NULL,
	"status_code" integer,
	"response_body" text,
	"duration_ms" integer NOT NULL,
	"error" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"app_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"url" text NOT NULL,
	"events" jsonb,
	"secret_sealed" text NOT NULL,
	"old_secret_sealed" text,
	"old_secret_expires_at" timestamp with time zone,
	"active" boolean DEFAULT true NOT NULL,
	"disabled_at" timestamp with time zone,
	"disabled_reason" text,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "webhook_endpoints_app_id_livemode_pk" PRIMARY KEY("app_id","livemode")
);
--> statement-breakpoint
CREATE TABLE "webhook_jobs" (
	"event_id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"schedule_start" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "webhook_attempts_event_idx" ON "webhook_attempts" USING btree ("event_id","id");--> statement-breakpoint
CREATE INDEX "webhook_jobs_due_idx" ON "webhook_jobs" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_jobs_app_idx" ON "webhook_jobs" USING btree ("app_id","livemode","status");--> statement-breakpoint
INSERT INTO "webhook_jobs" ("event_id", "app_id", "livemode", "status", "last_error", "created_at", "updated_at") SELECT "id", "app_id", "livemode", 'failed', 'raised before webhook delivery existed: resend or recover it to deliver', "created_at", "created_at" FROM "events" ON CONFLICT DO NOTHING;
