import type { Db } from "./client.js";

const cache = new WeakMap<Db, Map<string, unknown>>();

/**
 * A hot query built once per database and run as a named prepared statement: PostgreSQL
 * parses and plans it once per connection instead of on every request, and drizzle builds
 * its SQL once instead of per call (together about 5× the throughput of an ad-hoc query,
 * docs/performance.md). Values go through `sql.placeholder(name)`; `name` must be unique.
 */
export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let byName = cache.get(db);
  if (!byName) {
    byName = new Map();
    cache.set(db, byName);
  }
  let query = byName.get(name) as T | undefined;
  if (query === undefined) {
    query = build(db);
    byName.set(name, query);
  }
  return query;
}
