import type { Db } from "../db/client.js";
import { mapFor, setBounded } from "./bounded-map.js";

interface Entry<T> {
  value: T;
  /** Clock time (ms) after which the entry is looked up again. */
  until: number;
}

/**
 * A per-process cache of rows read on every request (resolved API keys, an app's provider
 * set-up and routing rules), one map per database, each entry kept `ttlMs`: a request saves
 * its query. A change made in this process calls `forget` at once; another process (several
 * `zerofee api`) sees it within `ttlMs` (`ZEROFEE_KEY_CACHE_MS`; 0 turns caching off).
 * A `null` answer is never kept (an unknown API key must not fill the map).
 */
export function lookupCache<T>(maxEntries: number) {
  const caches = new WeakMap<Db, Map<string, Entry<T>>>();
  return {
    lookup(db: Db, ttlMs: number, nowMs: number, key: string, load: () => Promise<T | null>): Promise<T | null> {
      if (ttlMs <= 0) return load();
      const cache = mapFor(caches, db);
      const hit = cache.get(key);
      if (hit && hit.until > nowMs) return Promise.resolve(hit.value);
      return load().then((value) => {
        if (value === null) return null;
        setBounded(cache, key, { value, until: nowMs + ttlMs }, maxEntries);
        return value;
      });
    },
    /** Forgets every entry of this database. */
    forget(db: Db): void {
      caches.get(db)?.clear();
    },
  };
}
