/**
 * One migrated PGlite database per set of migrations, made once and loaded by every test file
 * (harness `freshDatabase`): a PGlite boot from an empty cluster runs initdb and every
 * migration, several seconds per app on two cores; loading this image skips both. No vitest
 * import: the global setup (security/global-log-scan.ts) builds it before any test file runs.
 * The file name carries a hash of the migrations and of PGlite's version, so a new migration
 * or PGlite upgrade makes a new image, never a stale one.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openPglite } from "../src/db/client.js";

const MIGRATIONS = fileURLToPath(new URL("../src/db/migrations/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../test-results/pglite/", import.meta.url));

function imageKey(): string {
  const hash = createHash("sha256");
  // PGlite's own package.json (not exported: found from its entry point upwards).
  for (let dir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite")); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) {
      hash.update(readFileSync(join(dir, "package.json")));
      break;
    }
  }
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else hash.update(e.name).update(readFileSync(join(dir, e.name)));
    }
  };
  walk(MIGRATIONS);
  return hash.digest("hex").slice(0, 16);
}

/** The path of the migrated image, made now if this set of migrations has none yet. */
export async function migratedPgliteImage(): Promise<string> {
  const file = join(ROOT, `migrated-${imageKey()}.tar`);
  if (existsSync(file)) return file;
  mkdirSync(ROOT, { recursive: true });
  const database = await openPglite();
  try {
    await database.migrate();
    // biome-ignore lint/suspicious/noExplicitAny: drizzle's PGlite session keeps its client here
    const client = (database.db as any).$client as { dumpDataDir(compression: "none"): Promise<Blob> };
    const image = await client.dumpDataDir("none");
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await image.arrayBuffer()));
    renameSync(partial, file); // two runs at once: each writes its own, the last rename wins
  } finally {
    await database.close();
  }
  return file;
}

let loaded: Blob | undefined;

/** The image named by ZEROFEE_TEST_PGLITE_IMAGE (set by the global setup), read once per process. */
export function pgliteImage(): Blob | undefined {
  const file = process.env.ZEROFEE_TEST_PGLITE_IMAGE;
  if (!file || !existsSync(file)) return undefined;
  loaded ??= new Blob([readFileSync(file)]);
  return loaded;
}
