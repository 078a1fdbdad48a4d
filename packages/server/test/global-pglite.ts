/**
 * Global setup: every test file's database starts migrated without running the migrations.
 * PGlite runs: makes (or finds) the migrated image every file loads (pglite-image.ts).
 * PostgreSQL runs: migrates one template database for the run, which each file's fresh
 * database copies (`CREATE DATABASE … TEMPLATE`, ~0.2 s instead of ~1 s of migrations on two
 * cores); dropped when the run ends.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openPostgres } from "../src/db/client.js";
import { migratedPgliteImage } from "./pglite-image.js";

export async function setup(): Promise<() => Promise<void>> {
  const runDir = mkdtempSync(join(tmpdir(), "zf-test-run-"));
  process.env.ZEROFEE_TEST_TMP = runDir;
  const removeRunDir = () => rmSync(runDir, { recursive: true, force: true });
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    process.env.ZEROFEE_TEST_PGLITE_IMAGE = await migratedPgliteImage();
    return async () => removeRunDir();
  }
  const name = `zf_template_${randomBytes(6).toString("hex")}`;
  await admin(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), { max: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  process.env.ZEROFEE_TEST_PG_TEMPLATE = name;
  return async () => {
    removeRunDir();
    await admin(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
}

async function admin(base: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}
