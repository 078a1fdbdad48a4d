import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "../../db/client.js";
import { webhookEndpoints } from "../../db/schema/index.js";
import { mapFor, setBounded } from "../../lib/bounded-map.js";
import { decryptSecret, encryptSecret } from "../../lib/crypto.js";
import { notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { EVENT_TYPES } from "../events/record.js";

export type EndpointRow = typeof webhookEndpoints.$inferSelect;

export const Mode = z.enum(["test", "live"]);

export const EndpointBody = z.strictObject({
  mode: Mode.optional().describe("test or live; a secret key acts in its own mode"),
  url: z.string().min(1).max(2048),
  // Null as GET answers it: a merchant can send back what they read.
  events: z.array(z.enum(EVENT_TYPES)).min(1).max(EVENT_TYPES.length).nullable().optional().describe("Omitted or null: every type"),
});
export type EndpointInput = z.infer<typeof EndpointBody>;

export const ModeBody = z.strictObject({ mode: Mode.optional() });

export const EndpointSchema = z
  .object({
    object: z.literal("webhook_endpoint"),
    app_id: z.string(),
    mode: Mode,
    url: z.string(),
    events: z.array(z.string()).nullable(),
    active: z.boolean(),
    disabled_at: z.string().nullable(),
    disabled_reason: z.string().nullable(),
    consecutive_failures: z.number().int(),
    /** While a rotation overlaps: when the previous secret stops signing. */
    previous_secret_expires_at: z.string().nullable(),
    /** Only in the answer that created the secret (creation, rotation). */
    secret: z.string().optional(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: "WebhookEndpoint" });

export function serializeEndpoint(row: EndpointRow, now: Date, secret?: string): z.infer<typeof EndpointSchema> {
  const overlap = row.oldSecretExpiresAt && row.oldSecretExpiresAt > now ? row.oldSecretExpiresAt.toISOString() : null;
  return {
    object: "webhook_endpoint",
    app_id: row.appId,
    mode: row.livemode ? "live" : "test",
    url: row.url,
    events: row.events ?? null,
    active: row.active,
    disabled_at: row.disabledAt?.toISOString() ?? null,
    disabled_reason: row.disabledReason ?? null,
    consecutive_failures: row.consecutiveFailures,
    previous_secret_expires_at: overlap,
    ...(secret ? { secret } : {}),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The AAD that binds a sealed secret to its endpoint row. */
const aad = (scope: Scope) => `${scope.appId}|${scope.livemode ? "live" : "test"}|webhook`;

export const sealSecret = (ctx: ServiceContext, scope: Scope, secret: string) => encryptSecret(ctx.config.masterKey, secret, aad(scope));

/** What signing needs of an endpoint row. */
export type SigningEndpoint = Pick<EndpointRow, "appId" | "livemode" | "secretSealed" | "oldSecretSealed" | "oldSecretExpiresAt">;

/**
 * Opened secrets, per master key and sealed value (with its AAD, so a sealed secret copied to
 * another row still fails to open): a delivery signs without an AES-GCM decryption. A new
 * secret is a new sealed value, so rotation needs no invalidation; bounded by clearing.
 */
const opened = new WeakMap<Buffer, Map<string, string>>();
const OPENED_MAX = 10_000;

function openSecret(ctx: ServiceContext, sealed: string, scope: Scope): string {
  const byKey = mapFor(opened, ctx.config.masterKey);
  const key = `${aad(scope)}|${sealed}`;
  return byKey.get(key) ?? setBounded(byKey, key, decryptSecret(ctx.config.masterKey, sealed, aad(scope)), OPENED_MAX);
}

/** The secrets that sign now: the current one, then the previous one while the overlap lasts. */
export function signingSecrets(ctx: ServiceContext, row: SigningEndpoint, now: Date): string[] {
  const scope = { appId: row.appId, livemode: row.livemode };
  const out = [openSecret(ctx, row.secretSealed, scope)];
  if (row.oldSecretSealed && row.oldSecretExpiresAt && row.oldSecretExpiresAt > now) out.push(openSecret(ctx, row.oldSecretSealed, scope));
  return out;
}

export const endpointWhere = (scope: Scope) => and(eq(webhookEndpoints.appId, scope.appId), eq(webhookEndpoints.livemode, scope.livemode));

export async function findEndpoint(db: Db | Tx, scope: Scope): Promise<EndpointRow | undefined> {
  const [row] = await db.select().from(webhookEndpoints).where(endpointWhere(scope));
  return row;
}

/** The app's endpoint in this mode, or 404. */
export async function getEndpoint({ ctx, scope }: { ctx: ServiceContext; scope: Scope }): Promise<EndpointRow> {
  const row = await findEndpoint(ctx.db, scope);
  if (!row) throw notFound("webhook endpoint for this app and mode");
  return row;
}
