/**
 * The per-process lookup cache behind API keys and routing set-ups: under load no request
 * waits on an expiry (misses share one load, a used entry is reloaded before it expires), and
 * nothing served is older than the TTL or survives `forget`.
 */
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.js";
import { lookupCache } from "../../src/lib/lookup-cache.js";

/** A load the test settles by hand, counting how often the cache started it. */
function manualLoads<T>() {
  const pending: ((value: T | null) => void)[] = [];
  const fails: ((error: Error) => void)[] = [];
  return {
    pending,
    get started() {
      return pending.length;
    },
    load: () =>
      new Promise<T | null>((resolve, reject) => {
        pending.push(resolve);
        fails.push(reject);
      }),
    fail: (i: number, error: Error) => fails[i]?.(error),
  };
}

const TTL = 1000;
// The cache keys its maps by database identity only.
const owner = () => ({}) as Db;

describe("lookup cache", () => {
  it("concurrent misses of one key share a single load", async () => {
    const cache = lookupCache<string>(100);
    const db = owner();
    const loads = manualLoads<string>();
    const lookups = Array.from({ length: 20 }, () => cache.lookup(db, TTL, 0, "k", loads.load));
    expect(loads.started).toBe(1);
    loads.pending[0]?.("v1");
    expect(await Promise.all(lookups)).toEqual(Array(20).fill("v1"));
    // Now cached: no further load.
    expect(await cache.lookup(db, TTL, 10, "k", loads.load)).toBe("v1");
    expect(loads.started).toBe(1);
  });

  it("an entry used in its last fifth is reloaded behind the request, which is served at once", async () => {
    const cache = lookupCache<string>(100);
    const db = owner();
    const loads = manualLoads<string>();
    const first = cache.lookup(db, TTL, 0, "k", loads.load);
    loads.pending[0]?.("v1");
    await first;
    expect(await cache.lookup(db, TTL, 799, "k", loads.load)).toBe("v1");
    expect(loads.started).toBe(1);
    // Past 80 % of the TTL: served from the cache, one reload started for all.
    expect(await cache.lookup(db, TTL, 850, "k", loads.load)).toBe("v1");
    expect(await cache.lookup(db, TTL, 900, "k", loads.load)).toBe("v1");
    expect(loads.started).toBe(2);
    loads.pending[1]?.("v2");
    await new Promise((r) => setImmediate(r));
    // The reload's value lives a TTL from when it started (850), not from the first load.
    expect(await cache.lookup(db, TTL, 1500, "k", loads.load)).toBe("v2");
    expect(loads.started).toBe(2);
  });

  it("never serves an entry past its TTL, even while its reload is still running", async () => {
    const cache = lookupCache<string>(100);
    const db = owner();
    const loads = manualLoads<string>();
    const first = cache.lookup(db, TTL, 0, "k", loads.load);
    loads.pending[0]?.("v1");
    await first;
    expect(await cache.lookup(db, TTL, 900, "k", loads.load)).toBe("v1"); // starts the reload
    const late = cache.lookup(db, TTL, 1000, "k", loads.load); // expired: waits for it
    let settled = false;
    void late.then(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    expect(loads.started).toBe(2);
    loads.pending[1]?.("v2");
    expect(await late).toBe("v2");
  });

  it("a reload that finds nothing (a key revoked elsewhere) drops the entry", async () => {
    const cache = lookupCache<string>(100);
    const db = owner();
    const loads = manualLoads<string>();
    const first = cache.lookup(db, TTL, 0, "k", loads.load);
    loads.pending[0]?.("v1");
    await first;
    expect(await cache.lookup(db, TTL, 900, "k", loads.load)).toBe("v1");
    loads.pending[1]?.(null);
    await new Promise((r) => setImmediate(r));
    const again = cache.lookup(db, TTL, 901, "k", loads.load);
    expect(loads.started).toBe(3);
    loads.pending[2]?.(null);
    expect(await again).toBeNull();
  });

  it("a failed reload keeps the entry until it expires, and the next use tries again", async () => {
    const cache = lookupCache<string>(100);
    const db = owner();
    const loads = manualLoads<string>();
    const first = cache.lookup(db, TTL, 0, "k", loads.load);
    loads.pending[0]?.("v1");
    await first;
    expect(await cache.lookup(db, TTL, 900, "k", loads.load)).toBe("v1");
    loads.fail(1, new Error("connection reset"));
    await new Promise((r) => setImmediate(r));
    expect(await cache.lookup(db, TTL, 950, "k", loads.load)).toBe("v1");
    expect(loads.started).toBe(3);
  });

  it("forget drops entries and loads in flight: an old load neither answers new lookups nor fills the cache", async () => {
    const cache = lookupCache<string>(100);
    const db = owner();
    const loads = manualLoads<string>();
    const before = cache.lookup(db, TTL, 0, "k", loads.load);
    cache.forget(db); // e.g. the key was revoked while its lookup ran
    const after = cache.lookup(db, TTL, 1, "k", loads.load);
    expect(loads.started).toBe(2);
    loads.pending[0]?.("stale");
    loads.pending[1]?.(null);
    expect(await before).toBe("stale");
    expect(await after).toBeNull();
    const third = cache.lookup(db, TTL, 2, "k", loads.load);
    expect(loads.started).toBe(3);
    loads.pending[2]?.(null);
    expect(await third).toBeNull();
  });

  it("a failed miss fails every lookup that shared it, and the next one loads again", async () => {
    const cache = lookupCache<string>(100);
    const db = owner();
    const loads = manualLoads<string>();
    const a = cache.lookup(db, TTL, 0, "k", loads.load);
    const b = cache.lookup(db, TTL, 0, "k", loads.load);
    loads.fail(0, new Error("down"));
    await expect(a).rejects.toThrow("down");
    await expect(b).rejects.toThrow("down");
    const c = cache.lookup(db, TTL, 1, "k", loads.load);
    expect(loads.started).toBe(2);
    loads.pending[1]?.("v");
    expect(await c).toBe("v");
  });
});
