/**
 * Runs the Python SDK's unittest suite (packages/sdk-python/tests) against this file's
 * server (one boot), and checks the Python types generated from the running server's
 * /openapi.json are the checked-in ones. `python3` is Debian's (`.ci/run` installs it).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSettlements } from "../../server/src/services/settlements/close.js";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../../server/test/harness.js";
import { fetchDocument, GENERATED, generatePython } from "../scripts/openapi.js";
import { type LossyProxy, startProxy } from "./proxy.js";

const SDK_DIR = fileURLToPath(new URL("../../sdk-python/", import.meta.url));
const RATE_LIMIT = 40;
let t: TestApp;
let m: Merchant;
let proxy: LossyProxy;
let document: { paths: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  t = await startTestApp({ workers: true, env: { ZEROFEE_RATE_LIMIT_PER_KEY: String(RATE_LIMIT) } });
  m = await createMerchant(t, "sdk-python");
  proxy = await startProxy(t.url);
  document = (await fetchDocument(t.url)) as typeof document;
});
afterAll(async () => {
  await proxy?.close();
  await t?.stop();
});

/** Async on purpose: the server answering the tests lives in this process's event loop. */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: SDK_DIR, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c));
    child.stderr.on("data", (c: Buffer) => (output += c));
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("Python SDK against the server", () => {
  it("the checked-in generated TypedDicts are what the running server publishes (run `npm run sdk:generate`)", () => {
    expect(readFileSync(GENERATED.python, "utf8")).toBe(generatePython(document));
  });

  it("python3 -m unittest: every test passes against the real server", async () => {
    const list = await createMerchant(t, "sdk-python-list");
    const limited = await t.call("POST", `/v1/apps/${m.appId}/keys`, { token: m.token, body: { type: "secret", mode: "test" } });
    // One closed settlement for the Python test to list and retrieve.
    const paid = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { reference: "py-settle" }) });
    await eventually(async () => (await t.call("GET", `/v1/payments/${paid.body.data.id}`, { token: m.sk })).body.data.status === "completed");
    // …and a completed refund for it to deduct.
    const refund = await t.call("POST", "/v1/refunds", { token: m.sk, body: { payment_id: paid.body.data.id, amount: 100 } });
    expect(refund.status, refund.text).toBe(201);
    await eventually(async () => (await t.call("GET", `/v1/refunds/${refund.body.data.id}`, { token: m.sk })).body.data.status === "completed");
    expect((await closeSettlements(t.app.ctx, new Date(Date.now() + 1000))).length).toBeGreaterThan(0);
    const r = await run("python3", ["-m", "unittest", "discover", "-v", "-s", "tests", "-t", "."], {
      PYTHONPATH: SDK_DIR,
      ZEROFEE_SDK_TEST_API_URL: t.url,
      ZEROFEE_SDK_TEST_PROXY_URL: proxy.url,
      ZEROFEE_SDK_TEST_SECRET_KEY: m.sk,
      ZEROFEE_SDK_TEST_APP_ID: m.appId,
      ZEROFEE_SDK_TEST_LIST_SECRET_KEY: list.sk,
      ZEROFEE_SDK_TEST_LIMITED_SECRET_KEY: limited.body.data.key,
    });
    expect(r.code, r.output).toBe(0);
    const ran = Number(/Ran (\d+) tests?/.exec(r.output)?.[1]);
    const skipped = Number(/skipped=(\d+)/.exec(r.output)?.[1] ?? 0);
    // Every test of the file ran, none skipped.
    expect(ran).toBe(28);
    expect(skipped).toBe(0);
    expect(r.output).toMatch(/test_lost_answer_is_retried_into_one_payment \(.*\) \.\.\. ok/);
  }, 180_000); // the whole Python suite in one test (45 payments among them)
});
