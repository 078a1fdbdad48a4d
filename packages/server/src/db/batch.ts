import type { PGlite } from "@electric-sql/pglite";
import { getTableColumns, type Table } from "drizzle-orm";
import type pg from "pg";
import type { Db } from "./client.js";

/**
 * Application-level group commit for the hot writes (issue 14): calls made in the same
 * event-loop turn — or while earlier batches of the same statement are still running — share
 * one statement and so one commit, instead of one each. A caller's promise settles only after
 * the statement holding its row has committed, so nothing is answered before it is durable.
 *
 * A batch the database refused (a constraint one row breaks, a deadlock) is run again one row
 * at a time: each caller sees exactly the error its own row would have raised alone, and the
 * others go on. A batch whose outcome is unknown (the connection was lost: it may have
 * committed) is not run again; every caller gets that error, as it would have alone.
 */
export interface BatchOptions {
  /** Rows per statement. */
  max?: number;
  /** Statements of this kind running at once; later calls wait and join the next batch. */
  inFlight?: number;
  /** Told of each statement once it has settled (`observeBatches`). */
  onBatch?: (stats: BatchStats) => void;
}

/** One statement of a batcher, as `/metrics` shows it (`observeBatches`). */
export interface BatchStats {
  rows: number;
  /** How long its oldest row waited for it: statements of its kind already running. */
  waitedMs: number;
  /** From sending it to its answer, including the row-by-row runs of a refused batch. */
  ranMs: number;
  /** The database refused it, so its rows ran again one at a time. */
  split: boolean;
}

interface Waiting<I, O> {
  /** `performance.now()` when the call was made. */
  at: number;
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

export type Batched<I, O> = (item: I) => Promise<O>;

/** `flush` runs one statement for `items` and answers one result per item, in order. */
export function batcher<I, O>(flush: (items: I[]) => Promise<O[]>, opts: BatchOptions = {}): Batched<I, O> {
  const max = opts.max ?? 100;
  const limit = opts.inFlight ?? 2;
  let queue: Waiting<I, O>[] = [];
  let running = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || running >= limit || queue.length === 0) return;
    scheduled = true;
    setImmediate(drain);
  };

  const settle = async (batch: Waiting<I, O>[]) => {
    const results = await flush(batch.map((w) => w.item));
    if (results.length !== batch.length) throw new Error(`batch answered ${results.length} results for ${batch.length} rows`);
    for (const [i, w] of batch.entries()) w.resolve(results[i] as O);
  };

  const drain = () => {
    scheduled = false;
    while (running < limit && queue.length > 0) {
      const batch = queue.length <= max ? queue : queue.slice(0, max);
      queue = queue.length <= max ? [] : queue.slice(max);
      running++;
      const started = performance.now();
      let split = false;
      settle(batch)
        .catch(async (err) => {
          if (batch.length === 1 || !refusedByDatabase(err)) {
            for (const w of batch) w.reject(err);
            return;
          }
          // One row may have spoiled the batch: each row alone, so only that one fails.
          split = true;
          await Promise.all(batch.map((w) => settle([w]).catch(w.reject)));
        })
        .finally(() => {
          running--;
          schedule();
          try {
            opts.onBatch?.({ rows: batch.length, waitedMs: started - (batch[0]?.at ?? started), ranMs: performance.now() - started, split });
          } catch {
            // Metrics never fail a write: every caller has its answer already.
          }
        });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ at: performance.now(), item, resolve, reject });
      schedule();
    });
}

/**
 * Whether PostgreSQL answered the statement with an error of its own (a SQLSTATE), so it was
 * rolled back and its rows may run again alone. A lost connection (no SQLSTATE, class 08, an
 * administrator's shutdown, too many connections) leaves the outcome unknown: the statement
 * may have committed, and running its rows again would turn that into a duplicate-key error —
 * a 500 where the caller should get a 503 and resume with its Idempotency-Key.
 */
export function refusedByDatabase(err: unknown): boolean {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 3; depth++, e = e.cause as typeof e) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return !/^(08|57P0|53300)/.test(e.code);
  }
  return false;
}

const clientOf = (db: Db) => (db as unknown as { $client: pg.Pool | PGlite }).$client;
const isPool = (db: Db) => "totalCount" in clientOf(db);

const perDb = new WeakMap<object, Map<string, unknown>>();
const observers = new WeakMap<object, (statement: string, stats: BatchStats) => void>();

/**
 * Reports every statement the batchers of `db` run to `observer`, by statement name (the
 * composition root feeds `/metrics` with it). One observer per database: the last one set.
 */
export function observeBatches(db: Db, observer: (statement: string, stats: BatchStats) => void): void {
  observers.set(db, observer);
}

/**
 * The batcher of `name` on `db` (a process may hold several databases: the tests do). By
 * default two batches of a kind run at once; on PGlite, which runs one statement at a time on
 * this thread, one batch runs while the next gathers everything that arrives meanwhile.
 */
export function batcherFor<I, O>(db: Db, name: string, flush: (items: I[]) => Promise<O[]>, opts: BatchOptions = {}): Batched<I, O> {
  let byName = perDb.get(db);
  if (!byName) {
    byName = new Map();
    perDb.set(db, byName);
  }
  let found = byName.get(name) as Batched<I, O> | undefined;
  if (!found) {
    const onBatch = (stats: BatchStats) => observers.get(db)?.(name, stats);
    found = batcher(flush, { inFlight: isPool(db) ? 2 : 1, onBatch, ...opts });
    byName.set(name, found);
  }
  return found;
}

/**
 * Runs a fixed statement whose parameters are JSON texts, straight on the driver: on
 * PostgreSQL as a named prepared statement (parsed and planned once per connection), on
 * PGlite as a plain query. No query builder runs per call.
 *
 * The hot statements read them as `$1::jsonb` (`jsonb_to_recordset`, `jsonb_populate_recordset`),
 * not `json`: `json` keeps the text, so every nested `jsonb` column (a payment's customer and
 * timeline, an event's data) is parsed a second time when its row is built, while `jsonb` parses
 * the parameter once. PostgreSQL spent a quarter of its CPU per create parsing these parameters;
 * `jsonb` took 6.6 % off its CPU per create (docs/performance.md, tenth session).
 *
 * Joining a table to the JSON rows, write `t.id = x.id and t.id = any(array(select id from x))`:
 * PostgreSQL estimates `jsonb_to_recordset` at 100 rows whatever it holds, and with the join
 * alone it hash-joins them against a sequential scan of the table — a cost that grows with
 * the table. The `any(array(…))` gives it the primary-key index scan.
 *
 * A prepared statement keeps the generic plan PostgreSQL settles on after a few runs until
 * the table's statistics change (autovacuum analyzes a growing table about once a minute).
 * Planned while the tables were small — a new database, a fresh deployment — that plan
 * scans them sequentially (the cheapest way through a few pages) and keeps doing so as they
 * grow: a minute of creates scanning every payment twice per statement. So the statement is
 * prepared again under a new name each time this process has run it twice as often, up to
 * its 4,096th run (`planGeneration`), each generation planned for the tables as they are by then.
 */
export async function queryJson<R>(db: Db, name: string, text: string, params: unknown[]): Promise<R[]> {
  const client = clientOf(db);
  const values = params.map((p) => JSON.stringify(p));
  if ("totalCount" in client) {
    const res = await client.query<R & pg.QueryResultRow>({ name: planGeneration(name), text, values });
    return res.rows;
  }
  const res = await client.query<R>(text, values);
  return res.rows;
}

const runs = new Map<string, number>();

/**
 * `name`, suffixed by how many times this process has run it, in powers of two (`…_g5` from
 * the 32nd run to the 63rd): a new name is a new prepared statement on each connection, so
 * its plan is made again as the tables have grown. The last generation starts at the 4,096th
 * run (some 50,000 rows written): by then an index plan is the cheapest, and autovacuum's
 * analyses re-plan it as the tables keep growing. Thirteen statements per kind and connection
 * at most, so the backends' plan caches stay small.
 */
export function planGeneration(name: string): string {
  const n = (runs.get(name) ?? 0) + 1;
  runs.set(name, n);
  return `${name}_g${Math.min(31 - Math.clz32(n), 12)}`;
}

const columnsOf = new WeakMap<Table, Array<[key: string, name: string]>>();

/**
 * A row as `jsonb_populate_recordset(null::<table>, $n::jsonb)` reads it: each column that
 * holds a value under its SQL name, dates as ISO text, JSON columns as nested JSON. A column
 * left out is read as NULL (never as its default), so NULLs are not sent: a new payment's
 * row is a third shorter (799 → 509 bytes) to write and for PostgreSQL to parse.
 */
export function recordOf(table: Table, row: Record<string, unknown>): Record<string, unknown> {
  let columns = columnsOf.get(table);
  if (!columns) {
    columns = Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name]);
    columnsOf.set(table, columns);
  }
  const out: Record<string, unknown> = {};
  for (const [key, name] of columns) {
    const value = row[key];
    if (value !== null && value !== undefined) out[name] = value;
  }
  return out;
}
