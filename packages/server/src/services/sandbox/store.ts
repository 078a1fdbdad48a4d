import type { SimulatorStore } from "@zerofee/providers";
import { and, eq, isNotNull, lte, sql } from "drizzle-orm";
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
      await db
        .insert(sandboxRecords)
        .values({ provider, id, data, dueAt, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: [sandboxRecords.provider, sandboxRecords.id], set: { data, dueAt, updatedAt: now } });
    },
    async insert(id, data, dueAt) {
      const now = new Date();
      const rows = await db
        .insert(sandboxRecords)
        .values({ provider, id, data, dueAt, createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: [sandboxRecords.provider, sandboxRecords.id] })
        .returning({ id: sandboxRecords.id });
      return rows.length > 0;
    },
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

/** Count of sandbox records (tests use it to prove one initiation per payment). */
export async function countSandboxRecords(db: Db, provider: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(sandboxRecords).where(eq(sandboxRecords.provider, provider));
  return row?.n ?? 0;
}
