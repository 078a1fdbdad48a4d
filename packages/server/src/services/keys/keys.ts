import { and, desc, eq, isNull, lt, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { prepared } from "../../db/prepared.js";
import { apiKeys, apps } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { generateApiKey, type KeyType, parseApiKey } from "../../lib/api-keys.js";
import { sha256Hex } from "../../lib/crypto.js";
import { decodeCursor, PageQuery, page } from "../../lib/cursor.js";
import { notFound } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Scope, ServiceContext } from "../context.js";
import { cachedLookup, forgetKeys } from "./cache.js";

/**
 * What a restricted secret key may be granted: every scope a route checks (`access(…, scope)`)
 * must be here, or no restricted key could ever call that route (test: keys/scopes.test.ts).
 * Merchant-facing list: docs/payments.md "Restricted keys".
 */
export const SCOPES = [
  "payments:read",
  "payments:write",
  "refunds:read",
  "refunds:write",
  "events:read",
  "checkout:read",
  "checkout:write",
  "webhooks:write",
] as const;
export const DEFAULT_ROLL_GRACE_S = 24 * 60 * 60;

export const CreateKeyBody = z.strictObject({
  type: z.enum(["secret", "publishable"]),
  mode: z.enum(["test", "live"]).optional().describe("omitted: the X-ZeroFee-Mode header (default test)"),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).optional().describe("Restrict a secret key; omitted = every scope"),
});
export const ListKeysQuery = PageQuery;
export type ListKeysInput = z.infer<typeof ListKeysQuery>;
export const RollKeyBody = z.strictObject({
  expire_now: z.boolean().optional().describe("Invalidate the old key at once instead of after the grace period"),
  grace_period_s: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .optional(),
});
export const KeySchema = z
  .object({
    id: z.string(),
    object: z.literal("api_key"),
    type: z.enum(["secret", "publishable"]),
    mode: z.enum(["test", "live"]),
    display: z.string(),
    scopes: z.array(z.string()).nullable(),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    key: z.string().optional().describe("The full key: returned once, at creation or roll"),
  })
  .meta({ id: "ApiKey" });

type KeyRow = typeof apiKeys.$inferSelect;
export const serializeKey = (k: KeyRow, fullKey?: string) => ({
  id: k.id,
  object: "api_key" as const,
  type: k.type,
  mode: k.livemode ? ("live" as const) : ("test" as const),
  display: k.displayPrefix,
  scopes: k.scopes ?? null,
  created_at: k.createdAt.toISOString(),
  expires_at: k.expiresAt?.toISOString() ?? null,
  revoked_at: k.revokedAt?.toISOString() ?? null,
  ...(fullKey ? { key: fullKey } : {}),
});

async function insertKey(ctx: ServiceContext, appId: string, type: KeyType, livemode: boolean, scopes: string[] | null, at: Date) {
  const generated = generateApiKey(type, livemode);
  const [row] = await ctx.db
    .insert(apiKeys)
    .values({
      id: newId("apiKey", at),
      appId,
      type,
      livemode,
      displayPrefix: generated.displayPrefix,
      keyHash: generated.hash,
      scopes: type === "secret" ? scopes : null,
      createdAt: at,
    })
    .returning();
  if (!row) throw new Error("key insert returned nothing");
  return { row, key: generated.key };
}

/** The full key is in this answer and nowhere else, ever: only its SHA-256 is stored. */
/** A new key of the app, in the scope's mode (a `mode` in the body has already been applied to the scope). */
export function createKey({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: Omit<z.infer<typeof CreateKeyBody>, "mode"> }) {
  return insertKey(ctx, scope.appId, input.type, scope.livemode, input.scopes ?? null, ctx.clock.now());
}

/** The app's unrevoked keys (both modes), newest first, cursor-paginated (SPEC §4). */
export async function listKeys({ ctx, appId, input }: { ctx: ServiceContext; appId: string; input: ListKeysInput }) {
  const where: SQL[] = [eq(apiKeys.appId, appId), isNull(apiKeys.revokedAt)];
  if (input.cursor) where.push(lt(apiKeys.id, decodeCursor(input.cursor)));
  const rows = await ctx.db
    .select()
    .from(apiKeys)
    .where(and(...where))
    .orderBy(desc(apiKeys.id))
    .limit(input.limit + 1);
  return page(rows, input.limit);
}

export async function revokeKey({ ctx, appId, keyId }: { ctx: ServiceContext; appId: string; keyId: string }): Promise<KeyRow> {
  const [row] = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: ctx.clock.now() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.appId, appId), isNull(apiKeys.revokedAt)))
    .returning();
  if (!row) throw notFound("API key", "key_id");
  forgetKeys(ctx.db);
  return row;
}

/** A new key of the same kind; the old one works for the grace period (24 h), or stops now. */
export async function rollKey({ ctx, appId, keyId, input }: { ctx: ServiceContext; appId: string; keyId: string; input: z.infer<typeof RollKeyBody> }) {
  const now = ctx.clock.now();
  const [old] = await ctx.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.appId, appId), isNull(apiKeys.revokedAt)));
  if (!old || (old.expiresAt && old.expiresAt <= now)) throw notFound("API key", "key_id");
  const graceS = input.expire_now ? 0 : (input.grace_period_s ?? DEFAULT_ROLL_GRACE_S);
  const created = await insertKey(ctx, appId, old.type, old.livemode, old.scopes ?? null, now);
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .update(apiKeys)
      .set({ expiresAt: new Date(now.getTime() + graceS * 1000), rolledToId: created.row.id, ...(graceS === 0 ? { revokedAt: now } : {}) })
      .where(eq(apiKeys.id, old.id));
  });
  forgetKeys(ctx.db);
  return created;
}

export interface KeyPrincipal {
  keyId: string;
  appId: string;
  accountId: string;
  type: KeyType;
  livemode: boolean;
  scopes: string[] | null;
}

/**
 * Resolves a presented key: shape and checksum first (no query for a malformed key), then
 * one indexed lookup by SHA-256; revoked, expired or deleted-app keys are refused.
 */
export async function authenticateKey(ctx: ServiceContext, key: string): Promise<KeyPrincipal | null> {
  if (!parseApiKey(key)) return null;
  const hash = sha256Hex(key);
  const found = await cachedLookup(ctx.db, ctx.config.keyCacheMs, ctx.clock.now().getTime(), hash, () => loadKey(ctx, hash));
  // Expiry (a rolled key's grace period) is checked on every use, cached or not.
  if (!found || (found.expiresAt && found.expiresAt <= ctx.clock.now())) return null;
  return found.principal;
}

async function loadKey(ctx: ServiceContext, hash: string): Promise<{ principal: KeyPrincipal; expiresAt: Date | null } | null> {
  const lookup = prepared(ctx.db, "api_key_by_hash", (db) =>
    db
      .select({ key: apiKeys, accountId: apps.accountId, deletedAt: apps.deletedAt })
      .from(apiKeys)
      .innerJoin(apps, eq(apps.id, apiKeys.appId))
      .where(eq(apiKeys.keyHash, sql.placeholder("hash")))
      .prepare("api_key_by_hash"),
  );
  const [row] = await lookup.execute({ hash });
  if (!row || row.key.revokedAt || row.deletedAt) return null;
  const { key } = row;
  return {
    principal: { keyId: key.id, appId: key.appId, accountId: row.accountId, type: key.type, livemode: key.livemode, scopes: key.scopes ?? null },
    expiresAt: key.expiresAt,
  };
}
