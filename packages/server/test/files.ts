import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Every file under `dir`, recursively, whose path `keep` accepts (absolute when `dir` is). */
export function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(path, keep);
    return keep(path) ? [path] : [];
  });
}
