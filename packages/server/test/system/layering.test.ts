import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder } from "../files.js";

const SRC = join(import.meta.dirname, "../../src");

const files = (dir: string) => filesUnder(dir, (path) => path.endsWith(".ts") && !path.endsWith(".test.ts"));

describe("layering (STYLE.md)", () => {
  it("only services/, db/, jobs/ and the composition root import the database", () => {
    const offenders = files(SRC)
      .map((path) => ({ path: relative(SRC, path), text: readFileSync(path, "utf8") }))
      .filter(({ path }) => !/^(services|db|jobs)\//.test(path) && !["app.ts", "main.ts"].includes(path))
      .filter(({ text }) => /from "(\.\.\/)*(\.\/)?db\/(schema|tx)|drizzle-orm/.test(text))
      .map(({ path }) => path);
    expect(offenders).toEqual([]);
  });

  it("route handlers contain no SQL and no provider wire format", () => {
    const routes = files(join(SRC, "routes"));
    for (const path of routes) {
      const text = readFileSync(path, "utf8");
      expect(text, path).not.toMatch(/\bselect\(|\binsert\(|\bupdate\(|sql`/);
      expect(text, path).not.toMatch(/tcol_|x-test-signature/);
    }
  });

  it("nothing outside packages/providers knows a provider's wire format", () => {
    for (const path of files(SRC)) {
      expect(readFileSync(path, "utf8"), path).not.toMatch(/providers\/src\/|\/wire\.js/);
    }
  });
});
