/**
 * Cleanups for a test file (its own module: the harness is also loaded outside vitest, by
 * `npm run sdk:generate`, where importing vitest throws).
 */
import { afterAll } from "vitest";

/** Cleanups run once the file's tests are done, the last registered first (servers before their databases). */
export function cleanupsAfterAll(): Array<() => Promise<unknown> | unknown> {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterAll(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  return cleanups;
}
