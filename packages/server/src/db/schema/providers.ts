import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { apps } from "./apps.js";

/**
 * An app's set-up of one provider in one mode (SPEC §4 `PUT /v1/apps/{id}/providers/{name}`).
 * Credentials are one AES-256-GCM sealed JSON object whose AAD is `app_id|provider|mode`, so a
 * ciphertext copied to another row does not decrypt; `key_id` names the master key that sealed
 * it, for rotation. Nothing derived from the plaintext is stored.
 */
export const appProviders = pgTable(
  "app_providers",
  {
    appId: text("app_id")
      .notNull()
      .references(() => apps.id),
    livemode: boolean("livemode").notNull(),
    provider: text("provider").notNull(),
    enabled: boolean("enabled").notNull(),
    /** Lower is tried first, after the app's routing rule. */
    priority: integer("priority").notNull(),
    credentialsCiphertext: text("credentials_ciphertext"),
    keyId: text("key_id"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.livemode, t.provider] })],
);

export type RoutingRule =
  | { payment_method: string; country: string | null; providers: string[] }
  | { payment_method: string; country: string | null; split: Array<{ provider: string; weight: number }> };

/** An app's routing rules for one mode (SPEC §5): one row, the whole ordered list. */
export const routingRules = pgTable(
  "routing_rules",
  {
    appId: text("app_id")
      .notNull()
      .references(() => apps.id),
    livemode: boolean("livemode").notNull(),
    rules: jsonb("rules").$type<RoutingRule[]>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.livemode] })],
);
