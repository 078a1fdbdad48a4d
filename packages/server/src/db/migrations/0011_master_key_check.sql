-- One row per fact about this installation; the first is `master_key_check`, a value sealed
-- with ZEROFEE_MASTER_KEY by the first process to start, so one started with another key
-- refuses to (db/master-key.ts). A new, empty table: nothing is rewritten or locked for long.
CREATE TABLE "instance_settings" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
