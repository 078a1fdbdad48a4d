import type { Db } from "../db/client.js";
import { setBounded } from "./bounded-map.js";

interface Entry<T> {
  value: T;
  /** Clock time (ms) after which the entry is no longer served. */
  until: number;
  /** Clock time (ms) after which a lookup still serves the entry but reloads it behind. */
  refreshAt: number;
}

interface State<T> {
  entries: Map<string, Entry<T>>;
  /** Loads in flight, shared by every lookup of the same key meanwhile. */
  loading: Map<string, Promise<T | null>>;
  /** Bumped by `forget`: a load started before it stores nothing and is shared with no one after. */
  generation: number;
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
  const states = new WeakMap<Db, State<T>>();
  const stateFor = (db: Db) => {
    let state = states.get(db);
    if (!state) {
      state = { entries: new Map(), loading: new Map(), generation: 0 };
      states.set(db, state);
    }
    return state;
  };
  const start = (state: State<T>, key: string, ttlMs: number, nowMs: number, load: () => Promise<T | null>) => {
    const generation = state.generation;
    const current = () => state.generation === generation;
    const loaded = load().then(
      (value) => {
        if (!current()) return value;
        state.loading.delete(key);
        if (value === null) state.entries.delete(key);
        else setBounded(state.entries, key, { value, until: nowMs + ttlMs, refreshAt: nowMs + ttlMs * REFRESH_AT }, maxEntries);
        return value;
      },
      (error: unknown) => {
        if (current()) state.loading.delete(key);
        throw error;
      },
    );
    state.loading.set(key, loaded);
    return loaded;
  };
  return {
    lookup(db: Db, ttlMs: number, nowMs: number, key: string, load: () => Promise<T | null>): Promise<T | null> {
      if (ttlMs <= 0) return load();
      const state = stateFor(db);
      const hit = state.entries.get(key);
      if (hit && hit.until > nowMs) {
        // A failed reload leaves the entry as it was until it expires; the next use retries.
        if (hit.refreshAt <= nowMs && !state.loading.has(key)) start(state, key, ttlMs, nowMs, load).catch(() => {});
        return Promise.resolve(hit.value);
      }
      return state.loading.get(key) ?? start(state, key, ttlMs, nowMs, load);
    },
    /** Forgets every entry of this database, and every load still in flight. */
    forget(db: Db): void {
      const state = states.get(db);
      if (!state) return;
      state.generation++;
      state.entries.clear();
      state.loading.clear();
    },
  };
}
