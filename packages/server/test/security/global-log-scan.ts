/**
 * SE-1 over the whole run (reliability.md §5 group H). Setup makes a folder for this run
 * under test-results/logs/ and hands it to the test processes as ZEROFEE_TEST_LOG_DIR (the
 * forks inherit the environment), with the master key every test app of the run uses
 * (ZEROFEE_TEST_MASTER_KEY). The harness appends every log line of every in-process test app
 * there (`<pid>.log`), and of every child process a test starts (`child-<name>-<pid>.log`,
 * harness `captureChildLogs`). Teardown scans everything written and fails the run (non-zero
 * exit) on a secret — or when it found no line at all: a scan of nothing proves nothing.
 * A folder per run, so two vitest runs at once never wipe each other's logs.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findSecrets } from "./log-patterns.js";

const ROOT = fileURLToPath(new URL("../../../../test-results/logs/", import.meta.url));

let dir = "";

export interface LogScan {
  /** Apps and child processes whose logs were captured (harness `registerLogSource`). */
  sources: number;
  files: number;
  childFiles: number;
  lines: number;
  hits: string[];
}

/** Scans every `.log` file of `folder`; `masterKey` (base64) is looked for literally, in base64 and hex. */
export function scanLogDir(folder: string, masterKey?: string): LogScan {
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith(".log")) : [];
  const extra: Array<[string, string]> = masterKey
    ? [
        ["master key", masterKey],
        ["master key (hex)", Buffer.from(masterKey, "base64").toString("hex")],
      ]
    : [];
  const sources = existsSync(join(folder, "sources.txt")) ? readFileSync(join(folder, "sources.txt"), "utf8").split("\n").filter(Boolean).length : 0;
  const scan: LogScan = { sources, files: files.length, childFiles: files.filter((f) => f.startsWith("child-")).length, lines: 0, hits: [] };
  for (const f of files) {
    const content = readFileSync(join(folder, f), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "");
    scan.lines += content.length;
    scan.hits.push(...findSecrets(content, extra).map((h) => `${f}: ${h}`));
  }
  return scan;
}

/**
 * Throws on a secret, and on a scan that read no line although apps or child processes were
 * captured (a run of unit tests alone captures none, and has nothing to scan).
 */
export function assertCleanScan(scan: LogScan, folder: string): void {
  if (scan.hits.length > 0) {
    throw new Error(`SE-1 log scan: ${scan.hits.length} of ${scan.lines} log lines in ${folder} hold a secret:\n${scan.hits.slice(0, 20).join("\n")}`);
  }
  if (scan.lines === 0 && scan.sources > 0)
    throw new Error(
      `SE-1 log scan: no log line in ${folder} from ${scan.sources} captured apps and processes; the capture is broken, and an empty scan proves nothing`,
    );
}

export function setup(): void {
  dir = join(ROOT, `run-${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  process.env.ZEROFEE_TEST_LOG_DIR = dir;
  process.env.ZEROFEE_TEST_MASTER_KEY ??= randomBytes(32).toString("base64");
}

export function teardown(): void {
  const scan = scanLogDir(dir, process.env.ZEROFEE_TEST_MASTER_KEY);
  assertCleanScan(scan, dir);
  console.info(
    `SE-1 log scan: ${scan.lines} log lines from ${scan.files - scan.childFiles} test processes and ${scan.childFiles} child processes, no secret found`,
  );
  rmSync(dir, { recursive: true, force: true });
}
