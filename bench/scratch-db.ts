import { randomBytes } from "node:crypto";
import pg from "pg";

/** Where benchmarks create their throw-away databases (a PostgreSQL server's admin URL). */
export const BENCH_PG_BASE = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Runs `sql` on the server of `BENCH_PG_BASE` (its own connection, closed after) and answers its rows. */
export async function onBenchServer<T>(sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: BENCH_PG_BASE });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

/** A fresh, empty PostgreSQL database for one benchmark run; `drop()` removes it (forcing its connections closed). */
export async function scratchDatabase(prefix = "zf_bench"): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await onBenchServer(`CREATE DATABASE ${name}`);
  const url = new URL(BENCH_PG_BASE);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await onBenchServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
