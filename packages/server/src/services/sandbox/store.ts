import type { SimulatorStore } from "@zerofee/providers";
import { and, eq, isNotNull, lte, sql } from "drizzle-orm";
import { batcherFor, queryJson } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { sandboxRecords } from "../../db/schema/index.js";

const CLAIM_LEASE_MS = 10_000;

/** The simulators' durable state: one table, partitioned by provider name. */
export function createSandboxStore(db: Db, provider: string): SimulatorStore {
  return {
    async get(id) {
      const [row] = await db
        .select()
        .from(sandboxRecords)
        .where(and(eq(sandboxRecords.provider, provider), eq(sandboxRecords.id, id)));
      return row?.data ?? null;
    },
    async put(id, data, dueAt) {
      const now = new Date();
      // Owed callbacks keep a record due (the contract's rule): its stored due time — a
      // delivery's lease, or the customer's "now" — or now.
      const owes = dueAt === null && Array.isArray(data.outbox) && data.outbox.length > 0;
      await db
        .insert(sandboxRecords)
        .values({ provider, id, data, dueAt: owes ? now : dueAt, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: [sandboxRecords.provider, sandboxRecords.id],
          set: { data, dueAt: owes ? sql`coalesce(${sandboxRecords.dueAt}, ${now.toISOString()}::timestamptz)` : dueAt, updatedAt: now },
        });
    },
    insert: (id, data, dueAt) => insertRecord(db)({ provider, id, data, due_at: dueAt?.toISOString() ?? null, at: new Date().toISOString() }),
    async claimDue(now) {
      // A lease, not a clear: the caller saves every claimed record with its next due time,
      // and one whose processing failed (database blip, crash) is taken again after the
      // lease instead of being lost — otherwise its simulated customer would never confirm.
      const rows = await db
        .update(sandboxRecords)
        .set({ dueAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
        .where(and(eq(sandboxRecords.provider, provider), isNotNull(sandboxRecords.dueAt), lte(sandboxRecords.dueAt, now)))
        .returning({ id: sandboxRecords.id, data: sandboxRecords.data });
      return rows;
    },
  };
}

/**
 * Insert-if-absent, one statement for the simulators' creates of the moment (`db/batch.ts`);
 * true when this call's row was written.
 */
const INSERT_SQL = `insert into sandbox_records (provider, id, data, due_at, created_at, updated_at)
  select provider, id, data, due_at, at, at
    from jsonb_to_recordset($1::jsonb) as x(provider text, id text, data jsonb, due_at timestamptz, at timestamptz)
  on conflict (provider, id) do nothing
  returning provider, id`;

interface NewRecord {
  provider: string;
  id: string;
  data: Record<string, unknown>;
  due_at: string | null;
  at: string;
}

const insertRecord = (db: Db) =>
  batcherFor(db, "sandbox_insert", async (rows: NewRecord[]) => {
    const written = await queryJson<{ provider: string; id: string }>(db, "sandbox_insert", INSERT_SQL, [rows]);
    const seen = new Set(written.map((w) => `${w.provider}\u0000${w.id}`));
    // Two rows of one batch with the same id: only the first written counts.
    return rows.map((r) => seen.delete(`${r.provider}\u0000${r.id}`));
  });

/** Count of sandbox records (tests use it to prove one initiation per payment). */
export async function countSandboxRecords(db: Db, provider: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(sandboxRecords).where(eq(sandboxRecords.provider, provider));
  return row?.n ?? 0;
}
