-- Issue 14: fewer index entries per create. Partial indexes where only some rows are ever
-- looked up (payments with a reference, jobs a worker may claim, sandbox records with a
-- callback due), and a BRIN index for the idempotency reaper's range scan on created_at (keys
-- arrive in creation order). A create wrote ~30 index entries; these save up to five.
DROP INDEX "payments_reference_idx";--> statement-breakpoint
DROP INDEX "idempotency_keys_created_idx";--> statement-breakpoint
DROP INDEX "sandbox_records_due_idx";--> statement-breakpoint
DROP INDEX "webhook_jobs_due_idx";--> statement-breakpoint
CREATE INDEX "payments_reference_idx" ON "payments" USING btree ("app_id","reference") WHERE "payments"."reference" is not null;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "sandbox_records_due_idx" ON "sandbox_records" USING btree ("due_at") WHERE "sandbox_records"."due_at" is not null;--> statement-breakpoint
CREATE INDEX "webhook_jobs_due_idx" ON "webhook_jobs" USING btree ("next_attempt_at") WHERE "webhook_jobs"."status" = 'pending';