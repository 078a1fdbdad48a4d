import type { Db } from "../db/client.js";
import { mapFor, setBounded } from "./bounded-map.js";

interface Entry<T> {
  value: T;
  /** Clock time (ms) after which the entry is no longer served. */
  until: number;
  /** Clock time (ms) after which a lookup still serves the entry but reloads it behind. */
  refreshAt: number;
}

/** The share of `ttlMs` after which a used entry is reloaded behind the requests it serves. */
const REFRESH_AT = 0.8;

/**
 * A per-process cache of rows read on every request (resolved API keys, an app's provider
 * set-up and routing rules), one map per database, each entry kept `ttlMs`: a request saves
 * its query. A change made in this process calls `forget` at once; another process (several
 * `zerofee api`) sees it within `ttlMs` (`ZEROFEE_KEY_CACHE_MS`; 0 turns caching off).
 * A `null` answer is never kept (an unknown API key must not fill the map).
 *
 * Under load no request waits for an expiry: concurrent misses share one load, and an entry
 * used in the last fifth of its life is reloaded in the background while it is still served
 * (nothing is served older than `ttlMs`). Without that, every request in flight when a hot
 * entry expired ran its own query, a latency spike every `ttlMs` (docs/performance.md).
 */
export function lookupCache<T>(maxEntries: number) {
  const entriesOf = new WeakMap<Db, Map<string, Entry<T>>>();
  // Loads in flight, shared by every lookup of the same key meanwhile. A load no longer in this
  // map when it settles (`forget` cleared it, or a newer one replaced it) stores nothing.
  const loadingOf = new WeakMap<Db, Map<string, Promise<T | null>>>();
  const start = (db: Db, key: string, ttlMs: number, nowMs: number, load: () => Promise<T | null>) => {
    const loading = mapFor(loadingOf, db);
    const loaded: Promise<T | null> = load().then(
      (value) => {
        if (loading.get(key) !== loaded) return value;
        loading.delete(key);
        const entries = mapFor(entriesOf, db);
        if (value === null) entries.delete(key);
        else setBounded(entries, key, { value, until: nowMs + ttlMs, refreshAt: nowMs + ttlMs * REFRESH_AT }, maxEntries);
        return value;
      },
      (error: unknown) => {
        if (loading.get(key) === loaded) loading.delete(key);
        throw error;
      },
    );
    loading.set(key, loaded);
    return loaded;
  };
  return {
    lookup(db: Db, ttlMs: number, nowMs: number, key: string, load: () => Promise<T | null>): Promise<T | null> {
      if (ttlMs <= 0) return load();
      const hit = mapFor(entriesOf, db).get(key);
      if (hit && hit.until > nowMs) {
        // A failed reload leaves the entry as it was until it expires; the next use retries.
        if (hit.refreshAt <= nowMs && !mapFor(loadingOf, db).has(key)) start(db, key, ttlMs, nowMs, load).catch(() => {});
        return Promise.resolve(hit.value);
      }
      return mapFor(loadingOf, db).get(key) ?? start(db, key, ttlMs, nowMs, load);
    },
    /** Forgets every entry of this database, and every load still in flight. */
    forget(db: Db): void {
      entriesOf.get(db)?.clear();
      loadingOf.get(db)?.clear();
    },
  };
}
