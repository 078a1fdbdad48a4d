import { createHash } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { appProviders } from "../../db/schema/index.js";
import { decryptSecret, encryptSecret } from "../../lib/crypto.js";
import { encodeCursor } from "../../lib/cursor.js";
import { ApiError, notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { routingSetupCache } from "../routing/setup-cache.js";
import type { ListProvidersInput, PutProviderInput } from "./schemas.js";

export type ConfigRow = typeof appProviders.$inferSelect;

export const DEFAULT_PRIORITY = 100;

/** Binds a ciphertext to its row (SPEC §16: `app_id|provider|mode`). */
const aad = (appId: string, provider: string, livemode: boolean) => `${appId}|${provider}|${livemode ? "live" : "test"}`;

/** Names the master key that sealed a row, so a rotation can find what to re-seal. */
export const masterKeyId = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 12);

function knownProvider(ctx: ServiceContext, provider: string): void {
  if (!ctx.providers.has(provider)) throw notFound("provider", "provider");
}

/** Decrypts a row's credentials; null when absent or unreadable (moved row, other master key). */
export function openCredentials(ctx: ServiceContext, row: ConfigRow): Record<string, string> | null {
  if (!row.credentialsCiphertext) return null;
  try {
    return JSON.parse(decryptSecret(ctx.config.masterKey, row.credentialsCiphertext, aad(row.appId, row.provider, row.livemode))) as Record<string, string>;
  } catch {
    ctx.log.error({ app_id: row.appId, provider: row.provider, livemode: row.livemode }, "stored provider credentials do not decrypt");
    return null;
  }
}

function validateCredentials(ctx: ServiceContext, provider: string, livemode: boolean, given: Record<string, string>): void {
  const fields = ctx.providers.adapter(provider).metadata.credentials;
  for (const name of Object.keys(given)) {
    if (!fields.some((f) => f.name === name)) {
      throw new ApiError("validation_error", `${provider} takes no credential named ${name} (it takes ${fields.map((f) => f.name).join(", ") || "none"}).`, {
        param: `credentials.${name}`,
      });
    }
  }
  if (!livemode) return; // test mode runs against the sandbox: every credential is optional
  for (const f of fields) {
    if (f.required && !given[f.name]) throw new ApiError("validation_error", `${provider} needs ${f.name} in live mode.`, { param: `credentials.${f.name}` });
  }
}

export async function findProviderConfig(ctx: ServiceContext, scope: Scope, provider: string): Promise<ConfigRow | null> {
  const [row] = await ctx.db
    .select()
    .from(appProviders)
    .where(and(eq(appProviders.appId, scope.appId), eq(appProviders.livemode, scope.livemode), eq(appProviders.provider, provider)));
  return row ?? null;
}

export function listProviderConfigRows(ctx: ServiceContext, scope: Scope): Promise<ConfigRow[]> {
  return ctx.db
    .select()
    .from(appProviders)
    .where(and(eq(appProviders.appId, scope.appId), eq(appProviders.livemode, scope.livemode)))
    .orderBy(asc(appProviders.priority), asc(appProviders.provider));
}

/**
 * `PUT /v1/apps/{app_id}/providers/{provider}`: validated against the adapter's declared
 * credential fields, sealed with AES-256-GCM, stored without contacting the provider. The
 * caller has already checked the app belongs to the account.
 */
export async function setProviderConfig({
  ctx,
  scope,
  provider,
  input,
}: {
  ctx: ServiceContext;
  scope: Scope;
  provider: string;
  input: PutProviderInput;
}): Promise<ConfigRow> {
  knownProvider(ctx, provider);
  const { appId, livemode } = scope;
  if (!ctx.providers.usable(provider, livemode)) {
    throw new ApiError("validation_error", `${provider} cannot be used in ${livemode ? "live" : "test"} mode.`, { param: "provider" });
  }
  const existing = await findProviderConfig(ctx, scope, provider);
  const given = input.credentials ?? (existing ? openCredentials(ctx, existing) : null) ?? {};
  validateCredentials(ctx, provider, livemode, given);
  const now = ctx.clock.now();
  const sealed = Object.keys(given).length
    ? {
        credentialsCiphertext: encryptSecret(ctx.config.masterKey, JSON.stringify(given), aad(appId, provider, livemode)),
        keyId: masterKeyId(ctx.config.masterKey),
      }
    : { credentialsCiphertext: null, keyId: null };
  const values = {
    enabled: input.enabled ?? existing?.enabled ?? true,
    priority: input.priority ?? existing?.priority ?? DEFAULT_PRIORITY,
    ...sealed,
    updatedAt: now,
  };
  const [row] = await ctx.db
    .insert(appProviders)
    .values({ appId, livemode, provider, ...values, createdAt: now })
    .onConflictDoUpdate({ target: [appProviders.appId, appProviders.livemode, appProviders.provider], set: values })
    .returning();
  if (!row) throw new Error("provider config upsert returned nothing");
  routingSetupCache.forget(ctx.db);
  ctx.log.info({ app_id: appId, provider, livemode, fields: Object.keys(given) }, "provider credentials stored");
  return row;
}

export async function deleteProviderConfig({ ctx, scope, provider }: { ctx: ServiceContext; scope: Scope; provider: string }): Promise<void> {
  knownProvider(ctx, provider);
  const [gone] = await ctx.db
    .delete(appProviders)
    .where(and(eq(appProviders.appId, scope.appId), eq(appProviders.livemode, scope.livemode), eq(appProviders.provider, provider)))
    .returning({ provider: appProviders.provider });
  routingSetupCache.forget(ctx.db);
  if (!gone) throw notFound("provider configuration", "provider");
}

/** The public view: which fields are set, a 4-character hint of long values, never a value. */
export function serializeProviderConfig(ctx: ServiceContext, input: { appId: string; livemode: boolean; provider: string; row: ConfigRow | null }) {
  const { row, provider, livemode } = input;
  const meta = ctx.providers.adapter(provider).metadata;
  const stored = row ? (openCredentials(ctx, row) ?? {}) : {};
  return {
    object: "provider_config" as const,
    provider,
    display_name: meta.displayName,
    mode: livemode ? ("live" as const) : ("test" as const),
    enabled: row?.enabled ?? !livemode,
    priority: row?.priority ?? DEFAULT_PRIORITY,
    configured: Boolean(row?.credentialsCiphertext),
    credentials: meta.credentials.map((f) => {
      const value = stored[f.name];
      return {
        name: f.name,
        description: f.description,
        secret: f.secret,
        required: f.required,
        set: value !== undefined,
        hint: value && value.length >= 16 ? `…${value.slice(-4)}` : null,
      };
    }),
    webhook_url: ctx.providers.callbackUrl(provider, { appId: input.appId, livemode }),
    created_at: row?.createdAt.toISOString() ?? null,
    updated_at: row?.updatedAt.toISOString() ?? null,
  };
}

export async function getProviderConfig({ ctx, scope, provider }: { ctx: ServiceContext; scope: Scope; provider: string }) {
  knownProvider(ctx, provider);
  const row = await findProviderConfig(ctx, scope, provider);
  return serializeProviderConfig(ctx, { ...scope, provider, row });
}

/**
 * Every provider usable in the scope's mode, configured or not (a dashboard offers them all),
 * in the registry's order, paged like every list
 * (SPEC §4): the cursor is the last provider name of the previous page, opaque to the client.
 */
export async function listProviderConfigs({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: ListProvidersInput }) {
  const names = ctx.providers.names().filter((name) => ctx.providers.usable(name, scope.livemode));
  let start = 0;
  if (input.cursor) {
    const after = names.findIndex((name) => encodeCursor(name) === input.cursor);
    if (after < 0) {
      throw new ApiError("validation_error", "cursor is not one this API gave out.", { param: "cursor" });
    }
    start = after + 1;
  }
  const slice = names.slice(start, start + input.limit);
  const hasMore = start + input.limit < names.length;
  const rows = new Map((await listProviderConfigRows(ctx, scope)).map((r) => [r.provider, r]));
  return {
    items: slice.map((provider) => serializeProviderConfig(ctx, { ...scope, provider, row: rows.get(provider) ?? null })),
    has_more: hasMore,
    next_cursor: hasMore && slice.length > 0 ? encodeCursor(slice.at(-1) ?? "") : null,
  };
}

/**
 * The context an adapter call runs with for one app: its stored credentials for the mode
 * (none in test mode is fine: the sandbox takes any), the mode's base URL.
 */
export async function providerContextFor(ctx: ServiceContext, scope: Scope, provider: string, rows?: ConfigRow[]) {
  // The caller may hold the app's rows already (a create reads them to route).
  const row = rows ? (rows.find((r) => r.provider === provider) ?? null) : await findProviderConfig(ctx, scope, provider);
  return ctx.providers.context(provider, scope.livemode, (row && openCredentials(ctx, row)) ?? {});
}
