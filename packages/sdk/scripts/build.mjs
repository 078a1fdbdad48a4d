// Builds the SDK twice with the TypeScript compiler: ESM (dist/esm) and CommonJS (dist/cjs),
// each with its .d.ts. No bundler: the output is the source, module syntax aside.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let tsc;
try {
  tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
} catch {
  // Installed from a folder without its dev dependencies: the checked-in build is used as is.
  if (existsSync(join(root, "dist/esm/index.js"))) process.exit(0);
  console.error("zerofee: typescript is needed to build the SDK (npm install in the repository first)");
  process.exit(1);
}
rmSync(join(root, "dist"), { recursive: true, force: true });
for (const config of ["tsconfig.esm.json", "tsconfig.cjs.json"]) {
  const r = spawnSync(process.execPath, [tsc, "-p", join(root, config)], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// The package is "type": "module"; this marks the CommonJS half as such for Node and TypeScript.
writeFileSync(join(root, "dist/cjs/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
