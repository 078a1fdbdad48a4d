import { eventsCommitted, takeEventsWritten } from "../services/events/wake.js";
import type { Db, Tx } from "./client.js";

/**
 * Runs `work` in one transaction. On PGlite (one connection) a query on `db` while a
 * transaction is open would wait forever, so nothing inside may touch `db`, only `tx`;
 * nor may it call a provider (recovery points want that anyway). When the transaction wrote
 * events (`recordEvent`), the workers are woken once it has committed.
 */
export async function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  let written: Tx | undefined;
  const result = await db.transaction((tx) => {
    written = tx as Tx;
    return work(tx as Tx);
  });
  if (written && takeEventsWritten(written)) eventsCommitted(db);
  return result;
}
