import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { KEEP_COMMITS_DURABLE } from "./durability.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle: what every verb's queries run on. */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

/** The advisory lock key migrations run under (any fixed bigint; "zerofee" in ASCII). */
const MIGRATION_LOCK = "34451489328358757";

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Applies pending migrations (idempotent). */
  migrate(): Promise<void>;
  /** True when a trivial query answers. */
  ping(): Promise<boolean>;
  /**
   * LISTEN on `channel`: `onNotify` runs for each notification (PostgreSQL delivers a NOTIFY
   * when its transaction commits), and once more after a lost connection is back, since
   * notifications sent meanwhile are gone. Resolves to the function that stops listening.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "migrations");

/**
 * Embedded PostgreSQL (WASM): one connection, in memory or in `dataDir`. `image`: an in-memory
 * database starts from this `dumpDataDir()` copy instead of an empty cluster (the tests load
 * one migrated image per run rather than running initdb and the migrations per file).
 */
export async function openPglite(dataDir?: string, image?: Blob): Promise<Database> {
  const client = dataDir ? new PGlite(join(dataDir, "pgdata")) : new PGlite(image ? { loadDataDir: image } : {});
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    migrate: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder }),
    ping: async () => {
      await client.query("select 1");
      return true;
    },
    listen: async (channel, onNotify) => {
      const unlisten = await client.listen(channel, () => onNotify());
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    close: () => client.close(),
  };
}

/**
 * PostgreSQL over TCP through a `pg` pool. `connectTimeoutMs`: how long a new connection may
 * take (ZEROFEE_DB_CONNECT_TIMEOUT_MS, 5000 by default), for the pool and the LISTEN connection.
 */
export async function openPostgres(connectionString: string, opts: { max?: number; connectTimeoutMs?: number } = {}): Promise<Database> {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 10, connectionTimeoutMillis: connectTimeoutMs });
  // A broken connection (server restart, network reset) must not crash the process: the
  // pool reports idle clients here, and a checked-out client (inside a transaction, between
  // two queries) emits on itself — with no listener that is an uncaught exception. The query
  // in flight still fails with its own error (→ 503), and the pool drops the broken client.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  // drizzle-orm sends a transaction's BEGIN before its try/finally: a connection that dies
  // right then is never released, and each database blip would leak one client until the
  // pool is exhausted and every request waits (pool.end() too). So a checked-out client is
  // handed back as soon as its connection ends, and releasing it again is a no-op.
  //
  // A connection's first checkout also runs `KEEP_COMMITS_DURABLE` on it, before its first
  // query: `pool.query` and drizzle's plain queries check out with a callback, transactions
  // with a promise.
  const durable = new WeakSet<pg.PoolClient>();
  const prepare = async (client: pg.PoolClient) => {
    if (durable.has(client)) return;
    await client.query(KEEP_COMMITS_DURABLE);
    durable.add(client);
  };
  const checkout = pool.connect.bind(pool);
  pool.connect = ((callback?: Parameters<typeof pool.connect>[0]) => {
    if (callback) {
      return checkout((err, client, done) => {
        if (err || !client || durable.has(client)) return callback(err, client as pg.PoolClient, done);
        prepare(client).then(
          () => callback(undefined, client, done),
          (failed: Error) => {
            done(failed);
            callback(failed, undefined as unknown as pg.PoolClient, () => {});
          },
        );
      });
    }
    return checkout().then(async (client) => {
      try {
        await prepare(client);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      const release = client.release.bind(client);
      let released = false;
      const releaseOnce = (err?: Error | boolean) => {
        if (released) return;
        released = true;
        client.removeListener("end", onEnd);
        release(err);
      };
      const onEnd = () => releaseOnce(new Error("connection ended"));
      client.once("end", onEnd);
      client.release = releaseOnce;
      return client;
    });
  }) as typeof pool.connect;
  const db = drizzleNodePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: "postgres",
    migrate: async () => {
      // Every process migrates as it starts (serve, api × N, worker): one at a time, under a
      // session advisory lock on one connection, so two starting together do not both create
      // drizzle's table or apply the same migration (a unique violation that killed the second).
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
        try {
          await migrateNodePg(drizzleNodePg(client, { schema }), { migrationsFolder });
        } finally {
          await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
        }
      } finally {
        client.release();
      }
    },
    ping: async () => {
      await pool.query("select 1");
      return true;
    },
    listen: (channel, onNotify) => listenPostgres(connectionString, connectTimeoutMs, channel, onNotify),
    close: () => pool.end(),
  };
}

/**
 * A LISTEN on its own connection (outside the pool, so it never holds a pooled client),
 * reconnecting every second while the server is away; polling covers the gap.
 */
async function listenPostgres(connectionString: string, connectTimeoutMs: number, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let closed = false;
  let current: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const later = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect(true);
    }, 1_000);
    retry.unref();
  };
  const connect = async (again: boolean) => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: connectTimeoutMs });
    client.on("error", () => {});
    client.on("end", () => {
      if (current === client) current = undefined;
      later();
    });
    client.on("notification", (msg) => {
      if (msg.channel === channel) onNotify();
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    } catch {
      await client.end().catch(() => {});
      later();
      return;
    }
    if (closed) {
      await client.end().catch(() => {});
      return;
    }
    current = client;
    if (again) onNotify();
  };
  await connect(false);
  return async () => {
    closed = true;
    clearTimeout(retry);
    await current?.end().catch(() => {});
  };
}

export class DataDirLockedError extends Error {}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is one process: `serve` takes a lock file in the data directory. A second process
 * is refused with a clear error; a lock left by a dead process is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "zerofee.pid");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
      throw new DataDirLockedError(
        `The data directory ${dataDir} is in use by process ${pid}. PGlite serves one process: stop it, ` +
          "choose another ZEROFEE_DATA_DIR, or set DATABASE_URL to run several processes on PostgreSQL.",
      );
    }
  }
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file);
    } catch {
      // already gone
    }
  };
}
