import type { Db, Tx } from "./client.js";

/**
 * Runs `work` in one transaction. On PGlite (one connection) a query on `db` while a
 * transaction is open would wait forever, so nothing inside may touch `db`, only `tx`;
 * nor may it call a provider (recovery points want that anyway).
 */
export function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction((tx) => work(tx as Tx));
}
