import { deflateRawSync, inflateRawSync } from "node:zlib";
import { and, eq, isNull } from "drizzle-orm";
import { batcherFor, queryJson } from "../../db/batch.js";
import type { Db, Tx } from "../../db/client.js";
import { idempotencyKeys } from "../../db/schema/index.js";
import { decryptSecret, decryptSecretBytes, encryptSecret } from "../../lib/crypto.js";
import type { ServiceContext } from "../context.js";

/**
 * Statuses whose answer is stored and replayed: success and business-rule outcomes decided
 * after execution began. Not 400/401/403/429 (rejected before execution) nor 5xx (transient:
 * recovery points make a retry resume instead).
 */
export function isStorable(status: number): boolean {
  return (status >= 200 && status < 300) || status === 404 || status === 409 || status === 422;
}

/** The AAD that binds a stored answer to its idempotency record. */
const aad = (id: string) => `${id}|idempotent-response`;

/**
 * Stored answers are sealed with the master key: they can hold what is shown only once (a
 * checkout session's `client_secret`, a new webhook secret). A payment create's answer, stored
 * by its last phase, is the exception (`services/payments/create.ts`): all it holds is in the
 * payment's own rows, in clear. Sealed answers are deflated first (`z.` + the sealed bytes):
 * a payment's answer, ~2.2 kB once sealed as text, went out of line to TOAST (a second heap
 * and index write); deflated, an answer stays in its row. (What is compressed with a secret
 * is never observable per request, and every secret shown once is new: no length oracle.)
 */
export const sealResponse = (ctx: ServiceContext, id: string, body: string) =>
  `z.${encryptSecret(ctx.config.masterKey, deflateRawSync(body, DEFLATE), aad(id))}`;

/**
 * Fast, with a 4 KiB window and small hash tables: answers are a few kilobytes, and zlib's
 * default state (256 KiB, set up anew by every call) cost more than the compression itself.
 * Inflating takes any window, so answers stored with the default one still open.
 */
const DEFLATE = { level: 1, windowBits: 12, memLevel: 5 } as const;

/** The stored answer in clear: deflated and sealed, sealed (`v1.`), or plain JSON stored before sealing. */
export function openResponse(ctx: ServiceContext, id: string, stored: string): string {
  if (stored.startsWith("z.")) return inflateRawSync(decryptSecretBytes(ctx.config.masterKey, stored.slice(2), aad(id))).toString("utf8");
  return stored.startsWith("v1.") ? decryptSecret(ctx.config.masterKey, stored, aad(id)) : stored;
}

export async function finishIdempotencyKey(ctx: ServiceContext, id: string, status: number, body: string): Promise<void> {
  await finishKeys(ctx.db)({ id, status, body: sealResponse(ctx, id, body), at: ctx.clock.now().toISOString() });
}

/** Stores answers: one statement for the requests finishing at the moment (`db/batch.ts`). */
const FINISH_SQL = `with x as (select * from jsonb_to_recordset($1::jsonb) as x(id text, status int, body text, at timestamptz))
  update idempotency_keys k set response_status = x.status, response_body = x.body, finished_at = x.at, locked_at = null
  from x where k.id = x.id and k.id = any(array(select id from x))`;

const finishKeys = (db: Db) =>
  batcherFor(db, "idempotency_finish", async (rows: Array<{ id: string; status: number; body: string; at: string }>) => {
    await queryJson(db, "idempotency_finish", FINISH_SQL, [rows]);
    return rows.map(() => undefined);
  });

/**
 * Frees the key without an answer: the next retry resumes from the recovery point. A key
 * whose request created nothing is forgotten, so a corrected body may reuse it (a 400 is
 * not an answer to replay).
 */
export async function releaseIdempotencyKey(ctx: ServiceContext, id: string): Promise<void> {
  const forgotten = await ctx.db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.id, id), isNull(idempotencyKeys.resourceId)))
    .returning({ id: idempotencyKeys.id });
  if (forgotten.length === 0) await ctx.db.update(idempotencyKeys).set({ lockedAt: null }).where(eq(idempotencyKeys.id, id));
}

/** Records progress inside the transaction that made it, so a crash resumes from here. */
export async function setRecoveryPoint(tx: Tx, id: string, point: string, resourceId: string): Promise<void> {
  await tx.update(idempotencyKeys).set({ recoveryPoint: point, resourceId }).where(eq(idempotencyKeys.id, id));
}
