/**
 * The migrated PGlite image every test file starts from (pglite-image.ts) is the database the
 * migrations make: same tables, columns and migration journal, so a file that loads it tests
 * what a fresh install runs on.
 */
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openPglite } from "../../src/db/client.js";
import { onPostgres } from "../harness.js";
import { migratedPgliteImage, pgliteImage } from "../pglite-image.js";
import { rows } from "../reliability/helpers.js";

const shape = sql`select table_schema, table_name, column_name, data_type, is_nullable, column_default
  from information_schema.columns where table_schema in ('public', 'drizzle') order by 1, 2, 3`;

describe.skipIf(onPostgres)("migrated PGlite image", () => {
  it("the run loads one, and it holds exactly what the migrations build", async () => {
    expect(process.env.ZEROFEE_TEST_PGLITE_IMAGE).toBe(await migratedPgliteImage());
    const image = pgliteImage();
    expect(image).toBeDefined();
    const fromImage = await openPglite(undefined, image);
    const migrated = await openPglite();
    try {
      await migrated.migrate();
      const want = await rows(migrated.db, shape);
      expect(want.length).toBeGreaterThan(50);
      expect(await rows(fromImage.db, shape)).toEqual(want);
      const journal = sql`select hash, created_at from drizzle.__drizzle_migrations order by id`;
      expect(await rows(fromImage.db, journal)).toEqual(await rows(migrated.db, journal));
      // Nothing but the schema: no row in any table of the app.
      expect(await rows(fromImage.db, sql`select count(*)::int as n from payments`)).toEqual([{ n: 0 }]);
    } finally {
      await fromImage.close();
      await migrated.close();
    }
  }, 120_000); // two PGlite boots and the migrations
});
