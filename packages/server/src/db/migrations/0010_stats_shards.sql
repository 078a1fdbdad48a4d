-- Issue 14: one app's counters in payment_stats_daily were one row per (currency, day, method),
-- which every create's first statement adds to: two of them at a time (two batches, or two
-- processes) queued on that row's lock until the first committed, WAL flush included. Each
-- counter is now split over up to 16 rows by the writing connection (`shard`, its backend pid
-- mod 16); every reader already sums. Existing rows become shard 0 (no rewrite: a constant
-- default); the primary key is rebuilt on a table of at most days x providers x methods rows per app.
ALTER TABLE "payment_stats_daily" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_stats_daily" DROP CONSTRAINT "payment_stats_daily_pk";
--> statement-breakpoint
ALTER TABLE "payment_stats_daily" ADD CONSTRAINT "payment_stats_daily_pk" PRIMARY KEY("app_id","livemode","currency","day","provider","payment_method","shard");