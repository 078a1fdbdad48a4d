import { eq } from "drizzle-orm";
import { ConfigError } from "../config.js";
import { decryptSecret, encryptSecret } from "../lib/crypto.js";
import type { Db } from "./client.js";
import { instanceSettings } from "./schema/index.js";

const NAME = "master_key_check";
const AAD = "zerofee:master-key-check";
const PLAINTEXT = "zerofee master key check";

/**
 * Refuses to run with a master key other than the one this database's secrets were sealed
 * with. Provider credentials, webhook signing secrets and checkout client secrets are sealed
 * with ZEROFEE_MASTER_KEY; under another key none opens — webhooks stop, credentials read as
 * unset — with nothing but log lines to say so. The first process to start seals a known value
 * (insert-if-absent: concurrent starts agree on one); every later one must open it.
 */
export async function checkMasterKey(db: Db, masterKey: Buffer, now: Date): Promise<void> {
  await db
    .insert(instanceSettings)
    .values({ name: NAME, value: encryptSecret(masterKey, PLAINTEXT, AAD), createdAt: now })
    .onConflictDoNothing();
  const [row] = await db.select().from(instanceSettings).where(eq(instanceSettings.name, NAME));
  let opened: string | null = null;
  try {
    opened = row ? decryptSecret(masterKey, row.value, AAD) : null;
  } catch {
    opened = null;
  }
  if (opened !== PLAINTEXT) {
    throw new ConfigError(
      `ZEROFEE_MASTER_KEY is not the key this database's secrets were sealed with (since ${row?.createdAt.toISOString() ?? "?"}): ` +
        "stored provider credentials, webhook signing secrets and checkout secrets would not open. Start with the original key " +
        "(keep it with the database's backups); a key cannot be changed in place yet (docs/operations.md).",
    );
  }
}
