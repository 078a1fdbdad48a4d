import type { Tx } from "../../db/client.js";
import { providerCallbacks } from "../../db/schema/index.js";
import { newId } from "../../lib/ids.js";

type CallbackRecord = Omit<typeof providerCallbacks.$inferInsert, "id" | "applied">;

/**
 * Records a provider's message in the transaction that applies it, once per (provider, event
 * id): the id of the new record, or null when the message was received before (a duplicate
 * delivery, answered without applying it again). The record starts not applied; the caller
 * marks it so with what it changed.
 */
export async function recordCallback(tx: Tx, record: CallbackRecord): Promise<string | null> {
  const [stored] = await tx
    .insert(providerCallbacks)
    .values({ ...record, id: newId("providerCallback", record.receivedAt), applied: false })
    .onConflictDoNothing()
    .returning({ id: providerCallbacks.id });
  return stored?.id ?? null;
}
