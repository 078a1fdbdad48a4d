import { PGlite } from "@electric-sql/pglite";

/**
 * The shop's own ledger. Uniqueness does the "exactly once" work: one row per webhook event
 * id, one fulfilment per order — a retried, duplicated or replayed delivery cannot ship twice.
 */
export async function openDb(dataDir?: string): Promise<PGlite> {
  const db = new PGlite(dataDir);
  await db.exec(`
    CREATE TABLE IF NOT EXISTS orders (
      id text PRIMARY KEY,
      sku text NOT NULL,
      amount bigint NOT NULL,
      currency text NOT NULL,
      status text NOT NULL,              -- pending_session | awaiting_payment | fulfilled | expired
      session_id text UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS webhook_events (
      id text PRIMARY KEY,               -- ZeroFee's evt_… id: a redelivery is a no-op
      type text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      result text
    );
    CREATE TABLE IF NOT EXISTS fulfilments (
      order_id text PRIMARY KEY REFERENCES orders(id),
      source text NOT NULL,              -- webhook:<evt_id> | reconciliation
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
  return db;
}
