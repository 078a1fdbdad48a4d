import { and, desc, eq, isNull, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { apiKeys, apps } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { decodeCursor, PageQuery, page } from "../../lib/cursor.js";
import { notFound } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { ServiceContext } from "../context.js";
import { forgetKeys } from "../keys/cache.js";
import { routingSetupCache } from "../routing/setup-cache.js";

export const AppBody = z.strictObject({ name: z.string().trim().min(1).max(100) });
export const ListAppsQuery = PageQuery;
export type ListAppsInput = z.infer<typeof ListAppsQuery>;
export const AppSchema = z
  .object({ id: z.string(), object: z.literal("app"), name: z.string(), created_at: z.string(), updated_at: z.string() })
  .meta({ id: "App" });

type AppRow = typeof apps.$inferSelect;
export const serializeApp = (a: AppRow) => ({
  id: a.id,
  object: "app" as const,
  name: a.name,
  created_at: a.createdAt.toISOString(),
  updated_at: a.updatedAt.toISOString(),
});

export async function createApp({ ctx, accountId, name }: { ctx: ServiceContext; accountId: string; name: string }): Promise<AppRow> {
  const now = ctx.clock.now();
  const [row] = await ctx.db
    .insert(apps)
    .values({ id: newId("app", now), accountId, name, createdAt: now, updatedAt: now })
    .returning();
  if (!row) throw new Error("app insert returned nothing");
  return row;
}

/** The account's apps, newest first, cursor-paginated (SPEC §4). */
export async function listApps({ ctx, accountId, input }: { ctx: ServiceContext; accountId: string; input: ListAppsInput }) {
  const where: SQL[] = [eq(apps.accountId, accountId), isNull(apps.deletedAt)];
  if (input.cursor) where.push(lt(apps.id, decodeCursor(input.cursor)));
  const rows = await ctx.db
    .select()
    .from(apps)
    .where(and(...where))
    .orderBy(desc(apps.id))
    .limit(input.limit + 1);
  return page(rows, input.limit);
}

/** An app of the caller's account; any other is "not found". */
export async function getApp({ ctx, accountId, appId }: { ctx: ServiceContext; accountId: string; appId: string }): Promise<AppRow> {
  const [row] = await ctx.db
    .select()
    .from(apps)
    .where(and(eq(apps.id, appId), eq(apps.accountId, accountId), isNull(apps.deletedAt)));
  if (!row) throw notFound("app", "app_id");
  return row;
}

export async function updateApp({ ctx, accountId, appId, name }: { ctx: ServiceContext; accountId: string; appId: string; name: string }): Promise<AppRow> {
  const [row] = await ctx.db
    .update(apps)
    .set({ name, updatedAt: ctx.clock.now() })
    .where(and(eq(apps.id, appId), eq(apps.accountId, accountId), isNull(apps.deletedAt)))
    .returning();
  if (!row) throw notFound("app", "app_id");
  return row;
}

/** Soft delete: payments keep their app for the record; every key of the app stops working. */
export async function deleteApp({ ctx, accountId, appId }: { ctx: ServiceContext; accountId: string; appId: string }): Promise<AppRow> {
  const now = ctx.clock.now();
  const deleted = await withTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .update(apps)
      .set({ deletedAt: now, updatedAt: now })
      .where(and(eq(apps.id, appId), eq(apps.accountId, accountId), isNull(apps.deletedAt)))
      .returning();
    if (!row) throw notFound("app", "app_id");
    await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.appId, appId), isNull(apiKeys.revokedAt)));
    return row;
  });
  forgetKeys(ctx.db);
  routingSetupCache.forget(ctx.db);
  return deleted;
}
