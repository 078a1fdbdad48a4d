import { sql } from "drizzle-orm";
import type { ServiceContext } from "../services/context.js";

/** A table is analyzed again once its size in pages moved by this share… */
const GROWTH = 0.1;
/** …and by at least this many pages (8 kB each). */
const MIN_PAGES = 8;
/**
 * A sample of 300 × this many rows (3,000): ~50 ms for the payments table at any size on a slow
 * 2-vCPU machine, where PostgreSQL's default (100: 30,000 rows) took 100–200 ms at 5,000
 * payments and more past them, all of it on the thread that serves requests.
 */
const STATISTICS_TARGET = 10;

/**
 * A table is vacuumed once its dead row versions pass 50 + a fifth of its live rows, or the
 * rows inserted since its last vacuum 1,000 + a fifth (PostgreSQL's autovacuum defaults:
 * `autovacuum_vacuum_threshold`/`_scale_factor`, `autovacuum_vacuum_insert_threshold`).
 */
const needsVacuum = (t: { dead: number; live: number; inserted: number }) => t.dead > 50 + 0.2 * t.live || t.inserted > 1000 + 0.2 * t.live;

/** The databases this process has vacuumed whole once. */
const swept = new WeakSet<object>();

/**
 * PGlite runs no autovacuum, so on PGlite only this does its two jobs:
 *
 * - **Vacuum.** Every update or delete leaves a dead row version (a payment's phase 3, a
 *   webhook job's attempts, a key's answer); without a vacuum, pages and index entries of dead
 *   rows are never reused, so the tables grow with every write and not only every row, and no
 *   row is ever frozen against transaction-id wraparound. A table is vacuumed past autovacuum's
 *   own thresholds (`needsVacuum`). After the first, a vacuum reads only the pages written since
 *   (the visibility map): 20,000 rows just rewritten took 24 ms, a tenth of them 5 ms.
 * - **Analyze.** Without statistics the planner never learns how the tables grew: an app's
 *   5,000 payments were estimated at 11 rows, and the list read all 5,000 to sort out the
 *   newest 20 (15 ms a page at 5,000 payments, growing with them) instead of walking its index
 *   (0.5 ms at any size). Every table whose size moved by a tenth (and 8 pages) since its
 *   statistics were taken is analyzed again, from a sample of 3,000 rows (`STATISTICS_TARGET`),
 *   so its cost is bounded whatever the table's size.
 *
 * Both run on the one PGlite connection, between requests.
 */
export async function vacuumAndAnalyze(ctx: ServiceContext): Promise<Record<string, unknown>> {
  const tables = (await ctx.db.execute(sql`
    select c.relname as name, c.relpages as analyzed, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages,
           coalesce(s.n_dead_tup, 0)::int as dead, coalesce(s.n_live_tup, 0)::int as live, coalesce(s.n_ins_since_vacuum, 0)::int as inserted
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      left join pg_stat_user_tables s on s.relid = c.oid
     where n.nspname = current_schema() and c.relkind = 'r'`)) as unknown as {
    rows: Array<{ name: string; analyzed: number; pages: number; dead: number; live: number; inserted: number }>;
  };
  // Judged before vacuuming: a vacuum also resets the page count the growth is measured from.
  const grown = tables.rows.filter((t) => Math.abs(t.pages - t.analyzed) >= Math.max(MIN_PAGES, t.analyzed * GROWTH)).map((t) => t.name);
  // PGlite keeps no statistics across a restart, so the first run of a process vacuums every
  // table: dead rows left before the restart are not counted, and would otherwise wait for new
  // writes to pass the thresholds. The visibility map is on disk, so this reads only the pages
  // written since the last vacuum.
  const first = !swept.has(ctx.db);
  swept.add(ctx.db);
  const vacuumed = tables.rows.filter((t) => first || needsVacuum(t)).map((t) => t.name);
  for (const name of vacuumed) await ctx.db.execute(sql`vacuum ${sql.identifier(name)}`);
  for (const name of grown) {
    await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`set local default_statistics_target = ${sql.raw(String(STATISTICS_TARGET))}`);
      await tx.execute(sql`analyze ${sql.identifier(name)}`);
    });
  }
  return { vacuumed, analyzed: grown };
}
