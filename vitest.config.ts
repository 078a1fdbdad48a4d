import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    pool: "forks",
    // Two cores: two test files at a time, each on its own database. The two processes are
    // reused from file to file (`isolate: false`): the server's modules load once per process
    // instead of once per file (about 100 s of a PGlite run). Every file builds its own app,
    // database and clock.
    poolOptions: { forks: { maxForks: 2, minForks: 1, isolate: false } },
    // SE-1: scans every log line the suite's apps wrote and fails the run on a secret.
    // PGlite runs: one migrated database image, loaded by every file instead of initdb + migrations.
    globalSetup: ["packages/server/test/security/global-log-scan.ts", "packages/server/test/global-pglite.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
