import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** packages/checkout, beside this package. */
const CHECKOUT_DIR = fileURLToPath(new URL("../../../checkout/", import.meta.url));
const DIST = join(CHECKOUT_DIR, "dist");
const FILES = { iife: "checkout.js", esm: "checkout.esm.js" } as const;

export interface BundleFile {
  body: Buffer;
  /** First 12 hex digits of SHA-256: the content-hashed copy's name. */
  hash: string;
}
export type Bundle = Record<keyof typeof FILES, BundleFile>;

/** Newest modification time of any file under `dir` (sources edited after the build?). */
export function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Built output missing, or older than its sources (a developer edited the widget). */
function stale(): boolean {
  const built = Object.values(FILES).map((f) => join(DIST, f));
  if (!built.every((f) => existsSync(f))) return true;
  const src = join(CHECKOUT_DIR, "src");
  if (!existsSync(src)) return false;
  return newestMtime(src) > Math.min(...built.map((f) => statSync(f).mtimeMs));
}

/** `vite build` in a front-end package's folder (its own vite.config.ts). */
export async function viteBuild(dir: string): Promise<void> {
  const vite = join(dirname(createRequire(join(dir, "package.json")).resolve("vite/package.json")), "bin", "vite.js");
  await promisify(execFile)(process.execPath, [vite, "build", "--logLevel", "warn"], { cwd: dir });
}

let loading: Promise<Bundle> | null = null;

/**
 * The widget bundle the server serves. `npm ci` builds it (the package's `prepare`), and so
 * do `npm start` and `npm test` (their `pre` scripts); outside production the server also
 * builds it on first use when it is missing or older than its sources, so a bare
 * `npx vitest run` or an edited widget still serves current code.
 */
export function loadBundle(production: boolean): Promise<Bundle> {
  loading ??= (async () => {
    if (!production && stale()) await viteBuild(CHECKOUT_DIR);
    const read = (name: string): BundleFile => {
      const body = readFileSync(join(DIST, name));
      return { body, hash: createHash("sha256").update(body).digest("hex").slice(0, 12) };
    };
    return { iife: read(FILES.iife), esm: read(FILES.esm) };
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
