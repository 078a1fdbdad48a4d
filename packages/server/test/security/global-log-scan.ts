/**
 * SE-1 over the whole run (reliability.md §5 group H). Setup makes a folder for this run
 * under test-results/logs/ and hands it to the test processes as ZEROFEE_TEST_LOG_DIR (the
 * forks inherit the environment); the harness appends every log line of every test app
 * there. Teardown scans everything written and fails the run (non-zero exit) on a secret.
 * A folder per run, so two vitest runs at once never wipe each other's logs.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findSecrets } from "./log-patterns.js";

const ROOT = fileURLToPath(new URL("../../../../test-results/logs/", import.meta.url));

let dir = "";

export function setup(): void {
  dir = join(ROOT, `run-${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  process.env.ZEROFEE_TEST_LOG_DIR = dir;
}

export function teardown(): void {
  const files = readdirSync(dir).filter((f) => f.endsWith(".log"));
  const hits: string[] = [];
  let lines = 0;
  for (const f of files) {
    const content = readFileSync(join(dir, f), "utf8").split("\n");
    lines += content.length;
    hits.push(...findSecrets(content).map((h) => `${f}: ${h}`));
  }
  if (hits.length > 0) {
    throw new Error(`SE-1 log scan: ${hits.length} of ${lines} log lines in ${dir} hold a secret:\n${hits.slice(0, 20).join("\n")}`);
  }
  console.info(`SE-1 log scan: ${lines} log lines from ${files.length} test processes, no secret found`);
  rmSync(dir, { recursive: true, force: true });
}
