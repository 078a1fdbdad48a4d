/**
 * SE-1's own guard: the whole-run log scan (global-log-scan.ts) sees every process the suite
 * starts, looks for the master key and provider credentials too, and refuses to pass on an
 * empty scan.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { filesUnder } from "../files.js";
import { captureChildLogs } from "../harness.js";
import { assertCleanScan, scanLogDir } from "./global-log-scan.js";

const TEST_ROOT = fileURLToPath(new URL("../", import.meta.url));
const folders: string[] = [];
const folder = () => {
  const f = mkdtempSync(join(tmpdir(), "zf-se1-"));
  folders.push(f);
  return f;
};
afterAll(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

const testSources = () => filesUnder(TEST_ROOT, (path) => path.endsWith(".ts"));

/** The text of each `name(…)` call in `source`, parentheses balanced. */
function calls(source: string, name: string): string[] {
  const out: string[] = [];
  for (let i = source.indexOf(`${name}(`); i !== -1; i = source.indexOf(`${name}(`, i + 1)) {
    let depth = 0;
    let j = i + name.length;
    do {
      if (source[j] === "(") depth += 1;
      else if (source[j] === ")") depth -= 1;
      j += 1;
    } while (depth > 0 && j < source.length);
    out.push(source.slice(i, j));
  }
  return out;
}

/** Runs `node -e script` with its output captured into `dir`, as the suite's children are. */
async function child(dir: string, script: string): Promise<void> {
  const proc = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  captureChildLogs(proc, "probe", dir);
  await once(proc, "close");
}

describe("SE-1 log capture", () => {
  it("every app a test builds logs into the scan, and every child process it spawns is captured", () => {
    const unscanned: string[] = [];
    for (const file of testSources()) {
      const source = readFileSync(file, "utf8");
      const name = relative(TEST_ROOT, file);
      for (const call of calls(source, "buildApp")) if (!call.includes("logStream")) unscanned.push(`${name}: ${call.slice(0, 120)}`);
      if (/\bspawn\(/.test(source.replace(/import[^;]*;/g, "")) && !source.includes("captureChildLogs("))
        unscanned.push(`${name}: spawn without captureChildLogs`);
    }
    expect(unscanned).toEqual([]);
  });

  it("a secret in a child process's log fails the scan; its operator banner on stdout does not", async () => {
    const clean = folder();
    await child(clean, `console.log("Secret key  sk_test_${"a".repeat(24)}"); console.log(JSON.stringify({ level: 30, msg: "listening" }))`);
    const banner = scanLogDir(clean);
    expect(banner.lines).toBe(1);
    expect(() => assertCleanScan(banner, clean)).not.toThrow();

    const planted = folder();
    await child(planted, `console.log(JSON.stringify({ level: 30, msg: "key sk_live_${"b".repeat(24)}" })); console.error("Error: boom Bearer abcdefgh12345")`);
    const scan = scanLogDir(planted);
    expect(scan.childFiles).toBe(1);
    expect(scan.hits.map((h) => h.split(": ")[1])).toEqual(["secret or publishable API key", "Authorization value"]);
    expect(() => assertCleanScan(scan, planted)).toThrow(/2 of 2 log lines/);
  });

  it("a scan that read no line of the processes it captured fails", async () => {
    const empty = folder();
    await child(empty, `console.log("only operator output")`);
    const scan = scanLogDir(empty);
    expect(scan).toMatchObject({ sources: 1, lines: 0 });
    expect(() => assertCleanScan(scan, empty)).toThrow(/no log line .* from 1 captured/);
    // This run's own scan folder is set for every test process (else nothing is captured).
    expect(process.env.ZEROFEE_TEST_LOG_DIR).toMatch(/test-results\/logs\/run-/);
  });

  it("finds the run's master key (base64 or hex) and provider credentials", () => {
    const dir = folder();
    const masterKey = randomBytes(32).toString("base64");
    const lines = [
      JSON.stringify({ level: 50, msg: `bad config ${masterKey}` }),
      JSON.stringify({ level: 50, msg: `key ${Buffer.from(masterKey, "base64").toString("hex")}` }),
      JSON.stringify({ level: 40, msg: "boot", env: { ZEROFEE_MASTER_KEY: randomBytes(32).toString("base64") } }),
      JSON.stringify({ level: 40, credentials: { client_secret: "cs-1" } }),
      JSON.stringify({ level: 40, msg: "provider said no to prov_live_0123456789abcdef01" }),
      JSON.stringify({ level: 30, credentials: { api_key: "[redacted]" }, msg: "fine" }),
    ];
    writeFileSync(join(dir, "1.log"), `${lines.join("\n")}\n`);
    const scan = scanLogDir(dir, masterKey);
    expect(scan.lines).toBe(6);
    expect(scan.hits.map((h) => h.split(": ")[1])).toEqual(["master key", "master key (hex)", "master key", "provider credential", "provider credential"]);
  });

  it("finds every password and code the suite types, provider credentials however short, and spaced phone numbers; masked ones pass", () => {
    const dir = folder();
    const bad = [
      { msg: "login", body: { email: "a@b.c", password: "another long password" } },
      { msg: "login", password: "hunter2-but-longer" },
      { msg: "otp", body: { code: "000000" } },
      { msg: "provider", token: "prov_live_idem4" },
      { msg: "provider said 401 for live-token-value-1234" },
      { msg: "customer", phone: "+237 6 70 00 00 00" },
      { msg: "customer", phone: "+1 202 555 0100" },
    ];
    const fine = [
      { msg: "customer", phone: "+22507••••00" },
      { msg: "login", body: { password: "[redacted]" } },
      { msg: "payment", amount: 1500, at: "2026-12-07T04:55:21.000Z", id: "txn_01M97D5PV6QV8XEK8AG73M2XHC" },
    ];
    writeFileSync(join(dir, "1.log"), `${[...bad, ...fine].map((l) => JSON.stringify({ level: 30, ...l })).join("\n")}\n`);
    const scan = scanLogDir(dir, randomBytes(32).toString("base64"));
    expect(scan.lines).toBe(bad.length + fine.length);
    expect(scan.hits.map((h) => h.split(": ")[1])).toEqual([
      "test password",
      "test password",
      "OTP value",
      "provider credential",
      "provider credential",
      "full E.164 phone number",
      "full E.164 phone number",
    ]);
  });
});
