/**
 * The receivers docs/webhooks.md gives merchants who verify without an SDK, run as printed:
 * the plain Node server, the Go server and the PHP script (where `go` / `php` are installed;
 * CI installs neither, so there they are skipped and said to be), and the Python function
 * inside a standard-library server. Each takes a real delivery ZeroFee signed, refuses a
 * tampered body, another secret, a stale timestamp and a missing header with 400, and is
 * still up afterwards (a verifier that throws ends a `node:http` process). Only the port
 * the snippets listen on is changed.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureChildLogs, createMerchant, eventually, startTestApp, type TestApp } from "../harness.js";
import { freePort } from "../reliability/helpers.js";
import { setEndpoint } from "./helpers.js";
import { type Received, type Receiver, receiverPool } from "./receiver.js";

const DOC = readFileSync(new URL("../../../../docs/webhooks.md", import.meta.url), "utf8");
const dir = mkdtempSync(join(tmpdir(), "zf-doc-receivers-"));
const has = (cmd: string) => {
  try {
    execFileSync(cmd, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
// `go version` is the Go toolchain's spelling.
const hasGo = (() => {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** The fenced block of `lang` that follows the line starting with `intro`. */
function snippet(intro: string, lang: string): string {
  const at = DOC.indexOf(`\n${intro}`);
  if (at < 0) throw new Error(`docs/webhooks.md has no paragraph starting "${intro}"`);
  const open = DOC.indexOf(`\`\`\`${lang}\n`, at);
  const close = DOC.indexOf("\n```", open + 4);
  return DOC.slice(open + lang.length + 4, close + 1);
}

/** The snippet with its one port replaced: the doc's must be there, so the test runs the doc's code. */
function onPort(code: string, from: string, to: string): string {
  if (!code.includes(from)) throw new Error(`the snippet no longer holds ${from}: update this test's port substitution`);
  return code.replace(from, to);
}

let t: TestApp;
let recorder: Receiver;
let secret: string;
let real: Received;
const receivers = receiverPool();
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await startTestApp({ workers: true });
  const m = await createMerchant(t, "doc-receivers");
  recorder = await receivers.start();
  secret = await setEndpoint(t, m, recorder.url);
  const sent = await t.call("POST", `/v1/apps/${m.appId}/webhook/test`, { token: m.sk });
  expect(sent.status, sent.text).toBe(202);
  real = await eventually(async () => recorder.received[0]);
});
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await receivers.closeAll();
  await t?.stop();
});

/** Starts `cmd args` with the secret in its environment; resolves once `url` answers at all. */
async function serve(cmd: string, args: string[], url: string, cwd = dir): Promise<ChildProcess> {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ZEROFEE_WEBHOOK_SECRET: secret }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  captureChildLogs(child, `doc-receiver-${cmd}`);
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`${cmd} exited (${child.exitCode}): ${out}`);
    return fetch(url, { method: "POST", body: "{}" }).then(
      () => true,
      () => null,
    );
  }, 60_000);
  return child;
}

/** `headers` of the real delivery with `overrides`, for a replay. */
const replayHeaders = (overrides: Record<string, string | undefined> = {}) => {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...real.headers, ...overrides })) {
    if (v !== undefined && !["host", "content-length", "connection"].includes(k)) h[k] = String(v);
  }
  return h;
};
const post = async (url: string, body: string, headers: Record<string, string>) => (await fetch(url, { method: "POST", body, headers })).status;

/** What every receiver must do with the real delivery and its forgeries. */
async function expectVerifies(url: string, child: ChildProcess) {
  const header = String(real.headers["x-zerofee-signature"]);
  const t0 = Number(/t=(\d+)/.exec(header)?.[1]);
  const { createHmac } = await import("node:crypto");
  const signedWith = (key: string, ts: number) => `t=${ts},v1=${createHmac("sha256", key).update(`${ts}.${real.body}`).digest("hex")}`;
  expect(await post(url, real.body, replayHeaders())).toBe(200);
  expect(await post(url, real.body.replace('"webhook.test"', '"payment.completed"'), replayHeaders())).toBe(400);
  expect(await post(url, `${real.body} `, replayHeaders())).toBe(400);
  expect(await post(url, real.body, replayHeaders({ "x-zerofee-signature": signedWith("whsec_another", t0) }))).toBe(400);
  expect(await post(url, real.body, replayHeaders({ "x-zerofee-signature": signedWith(secret, t0 - 600) }))).toBe(400);
  expect(await post(url, real.body, replayHeaders({ "x-zerofee-signature": undefined }))).toBe(400);
  // A forged v1 of the right length in characters but not in bytes: must not throw.
  expect(await post(url, real.body, replayHeaders({ "x-zerofee-signature": `t=${t0},v1=${"a".repeat(63)}é` }))).toBe(400);
  // Still up, still verifying.
  expect(child.exitCode).toBeNull();
  expect(await post(url, real.body, replayHeaders())).toBe(200);
}

describe("docs/webhooks.md's receivers, run as printed", () => {
  it("the real delivery is what the docs describe: both signatures, lower-case names, the event's shape", () => {
    expect(real.headers["x-zerofee-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(real.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(real.headers["webhook-timestamp"]).toBe(/t=(\d+)/.exec(String(real.headers["x-zerofee-signature"]))?.[1]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Object.keys(JSON.parse(real.body)).sort()).toEqual(["created_at", "data", "id", "type"]);
  });

  it("plain Node (node:http, node:crypto)", async () => {
    const port = await freePort();
    const file = join(dir, "receiver.cjs");
    writeFileSync(file, onPort(snippet("Node.js, `node:http`", "js"), ".listen(3000)", `.listen(${port}, "127.0.0.1")`));
    const url = `http://127.0.0.1:${port}/hooks`;
    await expectVerifies(url, await serve(process.execPath, [file], url));
  });

  it("Python (the function, in a standard-library server)", async () => {
    const port = await freePort();
    const file = join(dir, "receiver.py");
    writeFileSync(
      file,
      `${snippet("Python:", "python")}
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

class Hooks(BaseHTTPRequestHandler):
    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        ok = verify_zerofee(raw, self.headers.get("x-zerofee-signature") or "", os.environ["ZEROFEE_WEBHOOK_SECRET"])
        self.send_response(200 if ok else 400)
        self.end_headers()

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", ${port}), Hooks).serve_forever()
`,
    );
    const url = `http://127.0.0.1:${port}/hooks`;
    await expectVerifies(url, await serve("python3", [file], url));
  });

  it.skipIf(!hasGo)(
    "Go (net/http) — skipped where Go is not installed",
    async () => {
      const port = await freePort();
      const goDir = mkdtempSync(join(dir, "go-"));
      writeFileSync(join(goDir, "main.go"), onPort(snippet("Go, standard library only:", "go"), '":3000"', `"127.0.0.1:${port}"`));
      writeFileSync(join(goDir, "go.mod"), "module receiver\n\ngo 1.19\n");
      execFileSync("go", ["build", "-o", "receiver", "."], {
        cwd: goDir,
        env: { ...process.env, GOFLAGS: "-mod=mod", GOPROXY: "off", GOCACHE: join(dir, "go-cache") },
      });
      const url = `http://127.0.0.1:${port}/hooks`;
      await expectVerifies(url, await serve(join(goDir, "receiver"), [], url, goDir));
    },
    120_000,
  );

  it.skipIf(!has("php"))("PHP (php -S) — skipped where PHP is not installed", async () => {
    const port = await freePort();
    const phpDir = mkdtempSync(join(dir, "php-"));
    writeFileSync(join(phpDir, "index.php"), snippet("PHP, no extension or package", "php"));
    const url = `http://127.0.0.1:${port}/index.php`;
    await expectVerifies(url, await serve("php", ["-S", `127.0.0.1:${port}`, "index.php"], url, phpDir));
  });
});
