import { sql } from "drizzle-orm";
import type { Db } from "./client.js";

/**
 * Run on every new PostgreSQL connection (`openPostgres`): a server, database or role whose
 * default is `synchronous_commit = off` would let a commit return before its WAL is on disk,
 * so ZeroFee would answer a create that a crash then loses. ZeroFee's own sessions turn it back
 * on; `local`, `remote_write` and `remote_apply` (each waits for the local disk, and the last two
 * for a standby too) are left as the operator set them.
 */
export const KEEP_COMMITS_DURABLE = "select set_config('synchronous_commit', 'on', false) where current_setting('synchronous_commit') = 'off'";

/** The server settings ZeroFee's durability and query plans depend on, as `pg_settings` names them. */
const CHECKED = ["fsync", "full_page_writes", "autovacuum"] as const;

export interface SettingsVerdict {
  /** Settings under which a committed payment can be lost: production refuses to start. */
  unsafe: string[];
  /** Settings an operator should change, with what they cost. */
  warnings: string[];
}

/** Judges the server's settings (name → `on`/`off`); a setting missing from `settings` is not judged. */
export function judgeSettings(settings: Record<string, string>): SettingsVerdict {
  const verdict: SettingsVerdict = { unsafe: [], warnings: [] };
  if (settings.fsync === "off") {
    verdict.unsafe.push(
      "PostgreSQL runs with fsync = off: an operating-system crash or power loss can lose or corrupt committed payments. Turn it on in postgresql.conf.",
    );
  }
  if (settings.full_page_writes === "off") {
    verdict.unsafe.push(
      "PostgreSQL runs with full_page_writes = off: a crash in the middle of a page write can leave a torn page that recovery cannot repair. Turn it on in postgresql.conf.",
    );
  }
  if (settings.autovacuum === "off") {
    verdict.warnings.push(
      "PostgreSQL runs with autovacuum = off: dead row versions pile up and the planner keeps the statistics of the tables' first minutes, so lists and lookups slow as payments grow. Turn it on, or vacuum and analyze on a schedule.",
    );
  }
  return verdict;
}

/** Reads the settings `judgeSettings` judges from the server `db` is connected to. */
export async function readSettings(db: Db): Promise<Record<string, string>> {
  const res = (await db.execute(
    sql`select name, setting from pg_settings where name in (${sql.join(
      CHECKED.map((name) => sql`${name}`),
      sql`, `,
    )})`,
  )) as unknown as { rows: Array<{ name: string; setting: string }> };
  return Object.fromEntries(res.rows.map((r) => [r.name, r.setting]));
}
