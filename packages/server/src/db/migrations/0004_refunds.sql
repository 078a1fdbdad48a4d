ALTER TABLE "payments" ADD COLUMN "amount_refunded" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "completed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "refunds" ALTER COLUMN "reason" DROP NOT NULL;--> statement-breakpoint
UPDATE "refunds" SET "completed_at" = "updated_at" WHERE "status" = 'completed';--> statement-breakpoint
UPDATE "payments" SET "amount_refunded" = r."total" FROM (SELECT "payment_id", sum("amount") AS "total" FROM "refunds" WHERE "status" <> 'failed' GROUP BY "payment_id") r WHERE "payments"."id" = r."payment_id";--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_amount_refunded_check" CHECK ("payments"."amount_refunded" >= 0 AND "payments"."amount_refunded" <= "payments"."amount");--> statement-breakpoint
CREATE INDEX "refunds_app_list_idx" ON "refunds" USING btree ("app_id","livemode","id");--> statement-breakpoint
CREATE INDEX "refunds_completed_idx" ON "refunds" USING btree ("app_id","livemode","completed_at");
