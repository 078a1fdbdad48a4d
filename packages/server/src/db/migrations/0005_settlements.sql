CREATE TABLE "settlements" (
	"id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"currency" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"count" integer NOT NULL,
	"gross_amount" bigint NOT NULL,
	"fee_amount" bigint NOT NULL,
	"refunded_amount" bigint NOT NULL,
	"net_amount" bigint NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "settlements_period_check" CHECK ("period_start" < "period_end")
);
--> statement-breakpoint
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE UNIQUE INDEX "settlements_period_key" ON "settlements" USING btree ("app_id","livemode","currency","period_start");
--> statement-breakpoint
CREATE INDEX "settlements_list_idx" ON "settlements" USING btree ("app_id","livemode","id");
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "settlement_id" text;
--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_settlement_id_settlements_id_fk" FOREIGN KEY ("settlement_id") REFERENCES "public"."settlements"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "payments_unsettled_idx" ON "payments" USING btree ("app_id","livemode","currency","completed_at") WHERE "payments"."status" = 'completed' and "payments"."settlement_id" is null;
--> statement-breakpoint
CREATE INDEX "payments_settlement_idx" ON "payments" USING btree ("settlement_id","id") WHERE "payments"."settlement_id" is not null;
--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "settlement_id" text;
--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_settlement_id_settlements_id_fk" FOREIGN KEY ("settlement_id") REFERENCES "public"."settlements"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "refunds_unsettled_idx" ON "refunds" USING btree ("app_id","livemode","currency") WHERE "refunds"."status" = 'completed' and "refunds"."settlement_id" is null;
--> statement-breakpoint
CREATE TABLE "payment_stats_daily" (
	"app_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"currency" text NOT NULL,
	"day" date NOT NULL,
	"provider" text NOT NULL,
	"payment_method" text NOT NULL,
	"count" integer NOT NULL,
	"completed_count" integer NOT NULL,
	"failed_count" integer NOT NULL,
	"terminal_count" integer NOT NULL,
	"volume" bigint NOT NULL,
	"fee_amount" bigint NOT NULL,
	"refunded_amount" bigint NOT NULL,
	CONSTRAINT "payment_stats_daily_pk" PRIMARY KEY("app_id","livemode","currency","day","provider","payment_method")
);
--> statement-breakpoint
INSERT INTO payment_stats_daily (app_id, livemode, currency, day, provider, payment_method, count, completed_count, failed_count, terminal_count, volume, fee_amount, refunded_amount)
SELECT p.app_id, p.livemode, p.currency, (p.created_at AT TIME ZONE 'UTC')::date,
  CASE WHEN p.status IN ('completed', 'failed', 'expired', 'cancelled') THEN coalesce(p.provider, '') ELSE '' END,
  p.payment_method,
  count(*)::int,
  (count(*) FILTER (WHERE p.status = 'completed'))::int,
  (count(*) FILTER (WHERE p.status = 'failed'))::int,
  (count(*) FILTER (WHERE p.status IN ('completed', 'failed', 'expired', 'cancelled')))::int,
  coalesce(sum(p.amount) FILTER (WHERE p.status = 'completed'), 0)::bigint,
  coalesce(sum(p.fee_amount) FILTER (WHERE p.status = 'completed'), 0)::bigint,
  coalesce(sum(r.refunded), 0)::bigint
FROM payments p
LEFT JOIN (SELECT payment_id, sum(amount) AS refunded FROM refunds WHERE status = 'completed' GROUP BY payment_id) r ON r.payment_id = p.id
GROUP BY 1, 2, 3, 4, 5, 6;
