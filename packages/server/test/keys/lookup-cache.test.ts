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

/** An empty cache (its maps are keyed by the database's identity only), and lookups of key "k" at a clock time. */
function fresh() {
  const cache = lookupCache<string>(100);
  const db = {} as Db;
  const loads = manualLoads<string>();
  const lookup = (at: number) => cache.lookup(db, TTL, at, "k", loads.load);
  return { cache, db, loads, lookup };
}

/** The same, holding "v1", loaded at time 0. */
async function holdingV1() {
  const c = fresh();
  const first = c.lookup(0);
  c.loads.pending[0]?.("v1");
  await first;
  return c;
}

/** Lets a settled load's callbacks run. */
const settled = () => new Promise((r) => setImmediate(r));

describe("lookup cache", () => {
  it("concurrent misses of one key share a single load", async () => {
    const { loads, lookup } = fresh();
    const lookups = Array.from({ length: 20 }, () => lookup(0));
    expect(loads.started).toBe(1);
    loads.pending[0]?.("v1");
    expect(await Promise.all(lookups)).toEqual(Array(20).fill("v1"));
    // Now cached: no further load.
    expect(await lookup(10)).toBe("v1");
    expect(loads.started).toBe(1);
  });

  it("an entry used in its last fifth is reloaded behind the request, which is served at once", async () => {
    const { loads, lookup } = await holdingV1();
    expect(await lookup(799)).toBe("v1");
    expect(loads.started).toBe(1);
    // Past 80 % of the TTL: served from the cache, one reload started for all.
    expect(await lookup(850)).toBe("v1");
    expect(await lookup(900)).toBe("v1");
    expect(loads.started).toBe(2);
    loads.pending[1]?.("v2");
    await settled();
    // The reload's value lives a TTL from when it started (850), not from the first load.
    expect(await lookup(1500)).toBe("v2");
    expect(loads.started).toBe(2);
  });

  it("never serves an entry past its TTL, even while its reload is still running", async () => {
    const { loads, lookup } = await holdingV1();
    expect(await lookup(900)).toBe("v1"); // starts the reload
    const late = lookup(1000); // expired: waits for it
    let answered = false;
    void late.then(() => {
      answered = true;
    });
    await settled();
    expect(answered).toBe(false);
    expect(loads.started).toBe(2);
    loads.pending[1]?.("v2");
    expect(await late).toBe("v2");
  });

  it("a reload that finds nothing (a key revoked elsewhere) drops the entry", async () => {
    const { loads, lookup } = await holdingV1();
    expect(await lookup(900)).toBe("v1");
    loads.pending[1]?.(null);
    await settled();
    const again = lookup(901);
    expect(loads.started).toBe(3);
    loads.pending[2]?.(null);
    expect(await again).toBeNull();
  });

  it("a failed reload keeps the entry until it expires, and the next use tries again", async () => {
    const { loads, lookup } = await holdingV1();
    expect(await lookup(900)).toBe("v1");
    loads.fail(1, new Error("connection reset"));
    await settled();
    expect(await lookup(950)).toBe("v1");
    expect(loads.started).toBe(3);
  });

  it("forget drops entries and loads in flight: an old load neither answers new lookups nor fills the cache", async () => {
    const { cache, db, loads, lookup } = fresh();
    const before = lookup(0);
    cache.forget(db); // e.g. the key was revoked while its lookup ran
    const after = lookup(1);
    expect(loads.started).toBe(2);
    loads.pending[0]?.("stale");
    loads.pending[1]?.(null);
    expect(await before).toBe("stale");
    expect(await after).toBeNull();
    const third = lookup(2);
    expect(loads.started).toBe(3);
    loads.pending[2]?.(null);
    expect(await third).toBeNull();
  });

  it("a failed miss fails every lookup that shared it, and the next one loads again", async () => {
    const { loads, lookup } = fresh();
    const a = lookup(0);
    const b = lookup(0);
    loads.fail(0, new Error("down"));
    await expect(a).rejects.toThrow("down");
    await expect(b).rejects.toThrow("down");
    const c = lookup(1);
    expect(loads.started).toBe(2);
    loads.pending[1]?.("v");
    expect(await c).toBe("v");
  });
});
