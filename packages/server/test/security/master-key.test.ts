/**
 * The master key seals provider credentials, webhook signing secrets and checkout secrets. A
 * process started on a database with another key would open none of them — webhooks stuck,
 * credentials read as unset — so it refuses to start, saying why; with the same key it starts.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { ConfigError } from "../../src/config.js";
import { freshDatabase, testConfig, testLogStream } from "../harness.js";

describe("master key", () => {
  it("a process with another key than the database's refuses to start; the same key starts", { timeout: 60_000 }, async () => {
    const fresh = await freshDatabase({ migrated: true });
    const first = randomBytes(32).toString("base64");
    const logs: string[] = [];
    const boot = (key: string) =>
      buildApp({ config: testConfig({ ZEROFEE_MASTER_KEY: key }), database: fresh.database, workers: false, logStream: testLogStream(logs) });
    try {
      await (await boot(first)).stop();
      const other = await boot(randomBytes(32).toString("base64")).then(
        async (app) => {
          await app.stop();
          return null;
        },
        (err: unknown) => err,
      );
      expect(other).toBeInstanceOf(ConfigError);
      expect((other as Error).message).toMatch(/ZEROFEE_MASTER_KEY is not the key this database's secrets were sealed with/);
      expect((other as Error).message).not.toContain(first);
      await (await boot(first)).stop();
    } finally {
      await fresh.drop();
    }
  });
});
