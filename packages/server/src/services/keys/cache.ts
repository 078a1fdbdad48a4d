import type { Db } from "../../db/client.js";
import { mapFor, setBounded } from "../../lib/bounded-map.js";

interface Entry<T> {
  value: T;
  /** Clock time (ms) after which the entry is looked up again. */
  until: number;
}

const caches = new WeakMap<Db, Map<string, Entry<unknown>>>();
const MAX_ENTRIES = 10_000;

/**
 * Resolved API keys, kept `ttlMs` per process so a request costs one query instead of two
 * (docs/performance.md). Revoking, rolling or deleting in this process forgets at once;
 * another process (several `zerofee api`) sees it within `ttlMs` (`ZEROFEE_KEY_CACHE_MS`,
 * 0 turns the cache off).
 */
export function cachedLookup<T>(db: Db, ttlMs: number, nowMs: number, hash: string, load: () => Promise<T | null>): Promise<T | null> {
  if (ttlMs <= 0) return load();
  const cache = mapFor(caches, db);
  const hit = cache.get(hash);
  if (hit && hit.until > nowMs) return Promise.resolve(hit.value as T);
  return load().then((value) => {
    // Unknown keys are not kept: a guessing client must not fill the map.
    if (value === null) return null;
    setBounded(cache, hash, { value, until: nowMs + ttlMs }, MAX_ENTRIES);
    return value;
  });
}

/** Forgets every cached key of this database (after a revoke, roll or app deletion). */
export function forgetKeys(db: Db): void {
  caches.get(db)?.clear();
}
