CREATE TABLE "checkout_payments" (
	"payment_id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"session_id" text,
	"opener_origin" text,
	"amount_source" text NOT NULL,
	"refund_due" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "checkout_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"reference" text NOT NULL,
	"description" text,
	"customer" jsonb NOT NULL,
	"allowed_countries" jsonb,
	"allowed_methods" jsonb,
	"metadata" jsonb NOT NULL,
	"success_url" text NOT NULL,
	"cancel_url" text,
	"locale" text,
	"url" text NOT NULL,
	"secret_hash" text NOT NULL,
	"secret_sealed" text NOT NULL,
	"payment_id" text,
	"current_payment_id" text,
	"paying_since" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "checkout_settings" (
	"app_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"allowed_origins" jsonb NOT NULL,
	"client_amount" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "checkout_settings_app_id_livemode_pk" PRIMARY KEY("app_id","livemode")
);
--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkout_settings" ADD CONSTRAINT "checkout_settings_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkout_payments_session_idx" ON "checkout_payments" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "checkout_sessions_app_idx" ON "checkout_sessions" USING btree ("app_id","livemode","id");--> statement-breakpoint
CREATE INDEX "checkout_sessions_open_idx" ON "checkout_sessions" USING btree ("status","expires_at");