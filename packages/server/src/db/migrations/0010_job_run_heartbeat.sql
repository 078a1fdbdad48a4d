-- A periodic job's run renews its claim while it runs; a run whose worker died or failed stops
-- beating and is taken over once ZEROFEE_JOB_LEASE_S has passed (jobs/runner.ts, CF-5). Adding
-- a nullable column without a default rewrites nothing and holds its lock only for an instant.
ALTER TABLE "job_runs" ADD COLUMN "heartbeat_at" timestamp with time zone;
