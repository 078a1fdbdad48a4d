-- Issue 14: the two foreign keys every create paid for. Their checks locked the app's one row
-- for each payment written, and the payment's row for each attempt: about a third of the
-- create's first statement in PostgreSQL time. Both references hold by construction instead
-- (the app id comes from the authenticated key; an attempt is written with its payment or for
-- one just read; apps and payments are never deleted). See docs/scaling.md.
ALTER TABLE "payment_attempts" DROP CONSTRAINT "payment_attempts_payment_id_payments_id_fk";
--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_app_id_apps_id_fk";
