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
 * PGlite runs no autovacuum, so without this its planner never learns how the tables grew: an
 * app's 5,000 payments were estimated at 11 rows, and the list read all 5,000 to sort out the
 * newest 20 (15 ms a page at 5,000 payments, growing with them) instead of walking its index
 * (0.5 ms at any size). So, on PGlite only, this does what autovacuum's analyze does on
 * PostgreSQL: every table whose size moved by a tenth (and 8 pages) since its statistics were
 * taken is analyzed again, from a sample of 3,000 rows (`STATISTICS_TARGET`), so its cost is
 * bounded whatever the table's size: it runs on the one PGlite connection, between requests.
 */
export async function analyzeGrownTables(ctx: ServiceContext): Promise<Record<string, unknown>> {
  const tables = (await ctx.db.execute(sql`
    select c.relname as name, c.relpages as analyzed, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind = 'r'`)) as unknown as { rows: Array<{ name: string; analyzed: number; pages: number }> };
  const grown = tables.rows.filter((t) => Math.abs(t.pages - t.analyzed) >= Math.max(MIN_PAGES, t.analyzed * GROWTH)).map((t) => t.name);
  for (const name of grown) {
    await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`set local default_statistics_target = ${sql.raw(String(STATISTICS_TARGET))}`);
      await tx.execute(sql`analyze ${sql.identifier(name)}`);
    });
  }
  return { analyzed: grown };
}
