import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { newestMtime, viteBuild } from "./checkout-bundle.js";

/** packages/dashboard, beside this package. */
const DASHBOARD_DIR = fileURLToPath(new URL("../../../dashboard/", import.meta.url));
const DIST = join(DASHBOARD_DIR, "dist");
const INDEX = join(DIST, "index.html");

const TYPES: Record<string, string> = {
  ".js": "application/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

export interface DashboardAsset {
  body: Buffer;
  type: string;
}
export interface DashboardBundle {
  index: Buffer;
  /** dist/assets/<name>: content-hashed names, so each is served `immutable`. */
  assets: Map<string, DashboardAsset>;
}

/** Built output missing, or older than its sources (a developer edited the dashboard). */
function stale(): boolean {
  if (!existsSync(INDEX)) return true;
  const src = join(DASHBOARD_DIR, "src");
  if (!existsSync(src)) return false;
  const built = statSync(INDEX).mtimeMs;
  return Math.max(newestMtime(src), statSync(join(DASHBOARD_DIR, "index.html")).mtimeMs) > built;
}

let loading: Promise<DashboardBundle> | null = null;

/**
 * The dashboard SPA the server serves at /dashboard/. `npm ci`, `npm start` and `npm test`
 * build it (the package's `prepare`, the root `pre` scripts); outside production the server
 * also builds it on first use when missing or older than its sources, like the widget.
 */
export function loadDashboard(production: boolean): Promise<DashboardBundle> {
  loading ??= (async () => {
    if (!production && stale()) await viteBuild(DASHBOARD_DIR);
    const assets = new Map<string, DashboardAsset>();
    const dir = join(DIST, "assets");
    if (existsSync(dir)) {
      for (const name of readdirSync(dir)) {
        assets.set(name, { body: readFileSync(join(dir, name)), type: TYPES[extname(name)] ?? "application/octet-stream" });
      }
    }
    return { index: readFileSync(INDEX), assets };
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
