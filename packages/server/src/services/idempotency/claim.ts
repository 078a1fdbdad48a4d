import { and, eq, isNull, lt, or } from "drizzle-orm";
import { batcherFor, queryJson } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { idempotencyKeys } from "../../db/schema/index.js";
import { ApiError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Scope, ServiceContext } from "../context.js";
import { openResponse } from "./finish.js";

export interface IdempotencyHandle {
  id: string;
  /** Where a resumed request picks up ("started" for a new one). */
  recoveryPoint: string;
  resourceId: string | null;
}

export type ClaimResult = { kind: "proceed"; handle: IdempotencyHandle } | { kind: "replay"; status: number; body: string };

export interface ClaimInput {
  scope: Scope;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
}

/**
 * A new key's INSERT, shared by the requests of the moment (`db/batch.ts`): one statement and
 * one commit for many. A key taken already — by an earlier request or by another row of the
 * same batch — inserts nothing and answers false.
 */
const CLAIM_SQL = `insert into idempotency_keys (id, app_id, livemode, key, method, path, fingerprint, locked_at, created_at)
  select id, app_id, livemode, key, method, path, fingerprint, at, at
    from jsonb_to_recordset($1::jsonb) as x(id text, app_id text, livemode boolean, key text, method text, path text, fingerprint text, at timestamptz)
  on conflict do nothing
  returning id`;

export interface NewKey {
  id: string;
  app_id: string;
  livemode: boolean;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  at: string;
}

/** A new key's row as the claiming statements read it. */
export function newKeyRow(input: ClaimInput, id: string, now: Date): NewKey {
  return {
    id,
    app_id: input.scope.appId,
    livemode: input.scope.livemode,
    key: input.key,
    method: input.method,
    path: input.path,
    fingerprint: input.fingerprint,
    at: now.toISOString(),
  };
}

const claimNew = (db: Db) =>
  batcherFor(db, "idempotency_claim", async (keys: NewKey[]) => {
    const rows = await queryJson<{ id: string }>(db, "idempotency_claim", CLAIM_SQL, [keys]);
    const inserted = new Set(rows.map((r) => r.id));
    return keys.map((k) => inserted.has(k.id));
  });

/**
 * Claims an idempotency key (Stripe semantics, SPEC §4). New key: one INSERT. Known key:
 * replay a finished answer; refuse another body or path (409 reused); refuse while the first
 * request runs (409 in use); take over a lock older than ZEROFEE_IDEMPOTENCY_LOCK_S, which a
 * crashed request left, and resume from its recovery point. Conditional updates make each
 * step safe when 30 requests race on one key.
 */
export async function claimIdempotencyKey(ctx: ServiceContext, input: ClaimInput): Promise<ClaimResult> {
  const now = ctx.clock.now();
  const id = newId("request", now);
  const inserted = await claimNew(ctx.db)(newKeyRow(input, id, now));
  if (inserted) return { kind: "proceed", handle: { id, recoveryPoint: "started", resourceId: null } };

  const scopeWhere = and(eq(idempotencyKeys.appId, input.scope.appId), eq(idempotencyKeys.livemode, input.scope.livemode), eq(idempotencyKeys.key, input.key));
  const [existing] = await ctx.db.select().from(idempotencyKeys).where(scopeWhere);
  if (!existing) throw new ApiError("idempotency_key_in_use", "This Idempotency-Key is being processed; retry shortly.", { retryAfter: 1 });
  if (existing.method !== input.method || existing.path !== input.path || existing.fingerprint !== input.fingerprint) {
    throw new ApiError(
      "idempotency_key_reused",
      "This Idempotency-Key was already used with a different request (method, path or body). Use a new key for a new request.",
    );
  }
  if (existing.finishedAt && existing.responseStatus !== null && existing.responseBody !== null) {
    return { kind: "replay", status: existing.responseStatus, body: openResponse(ctx, existing.id, existing.responseBody) };
  }
  const staleBefore = new Date(now.getTime() - ctx.config.idempotencyLockS * 1000);
  const [taken] = await ctx.db
    .update(idempotencyKeys)
    .set({ lockedAt: now })
    .where(
      and(
        eq(idempotencyKeys.id, existing.id),
        isNull(idempotencyKeys.finishedAt),
        or(isNull(idempotencyKeys.lockedAt), lt(idempotencyKeys.lockedAt, staleBefore)),
      ),
    )
    .returning();
  if (taken) return { kind: "proceed", handle: { id: taken.id, recoveryPoint: taken.recoveryPoint, resourceId: taken.resourceId } };
  const lockedFor = existing.lockedAt ? Math.ceil((existing.lockedAt.getTime() - staleBefore.getTime()) / 1000) : 1;
  throw new ApiError("idempotency_key_in_use", "A request with this Idempotency-Key is still in progress; retry shortly.", {
    retryAfter: Math.max(1, Math.min(lockedFor, 5)),
  });
}
