import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    pool: "forks",
    // Two cores: two test files at a time, each on its own database.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // SE-1: scans every log line the suite's apps wrote and fails the run on a secret.
    // PGlite runs: one migrated database image, loaded by every file instead of initdb + migrations.
    globalSetup: ["packages/server/test/security/global-log-scan.ts", "packages/server/test/global-pglite.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
