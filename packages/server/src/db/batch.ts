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
 * A batch that fails (a constraint one row breaks, a deadlock) is run again one row at a time:
 * each caller sees exactly the error its own row would have raised alone, and the others go on.
 */
export interface BatchOptions {
  /** Rows per statement. */
  max?: number;
  /** Statements of this kind running at once; later calls wait and join the next batch. */
  inFlight?: number;
}

interface Waiting<I, O> {
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
      settle(batch)
        .catch(async (err) => {
          if (batch.length === 1) {
            batch[0]?.reject(err);
            return;
          }
          // One row may have spoiled the batch: each row alone, so only that one fails.
          await Promise.all(batch.map((w) => settle([w]).catch(w.reject)));
        })
        .finally(() => {
          running--;
          schedule();
        });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}

const clientOf = (db: Db) => (db as unknown as { $client: pg.Pool | PGlite }).$client;
const isPool = (db: Db) => "totalCount" in clientOf(db);

const perDb = new WeakMap<object, Map<string, unknown>>();

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
    found = batcher(flush, { inFlight: isPool(db) ? 2 : 1, ...opts });
    byName.set(name, found);
  }
  return found;
}

/**
 * Runs a fixed statement whose parameters are JSON texts (`$1::json`, …), straight on the
 * driver: on PostgreSQL as a named prepared statement (parsed and planned once per
 * connection), on PGlite as a plain query. No query builder runs per call.
 *
 * Joining a table to the JSON rows, write `t.id = x.id and t.id = any(array(select id from x))`:
 * PostgreSQL estimates `json_to_recordset` at 100 rows whatever it holds, and with the join
 * alone it hash-joins them against a sequential scan of the table — a cost that grows with
 * the table. The `any(array(…))` gives it the primary-key index scan.
 */
export async function queryJson<R>(db: Db, name: string, text: string, params: unknown[]): Promise<R[]> {
  const client = clientOf(db);
  const values = params.map((p) => JSON.stringify(p));
  if ("totalCount" in client) {
    const res = await client.query<R & pg.QueryResultRow>({ name, text, values });
    return res.rows;
  }
  const res = await client.query<R>(text, values);
  return res.rows;
}

const columnsOf = new WeakMap<Table, Array<[key: string, name: string]>>();

/**
 * A row as `json_populate_recordset(null::<table>, $n::json)` reads it: every column under
 * its SQL name (a missing one would be NULL, not its default), dates as ISO text, JSON
 * columns as nested JSON.
 */
export function recordOf(table: Table, row: Record<string, unknown>): Record<string, unknown> {
  let columns = columnsOf.get(table);
  if (!columns) {
    columns = Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name]);
    columnsOf.set(table, columns);
  }
  const out: Record<string, unknown> = {};
  for (const [key, name] of columns) out[name] = row[key] ?? null;
  return out;
}
