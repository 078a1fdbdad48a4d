import type { Db } from "../../db/client.js";
import { lookupCache } from "../../lib/lookup-cache.js";

const keys = lookupCache<unknown>(10_000);

/**
 * Resolved API keys, kept `ttlMs` per process so a request costs one query instead of two
 * (docs/performance.md). Revoking, rolling or deleting in this process forgets at once;
 * another process (several `zerofee api`) sees it within `ttlMs` (`ZEROFEE_KEY_CACHE_MS`,
 * 0 turns the cache off).
 */
export function cachedLookup<T>(db: Db, ttlMs: number, nowMs: number, hash: string, load: () => Promise<T | null>): Promise<T | null> {
  return keys.lookup(db, ttlMs, nowMs, hash, load) as Promise<T | null>;
}

/** Forgets every cached key of this database (after a revoke, roll or app deletion). */
export function forgetKeys(db: Db): void {
  keys.forget(db);
}
