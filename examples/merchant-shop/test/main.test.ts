/**
 * The example shop as its README runs it (`tsx src/main.ts`, a process of its own): it starts
 * without ZEROFEE_WEBHOOK_SECRET — the endpoint, and so its secret, may be set up once the shop
 * runs — and answers ZeroFee's deliveries 500, saying why, until it has the secret; with it,
 * the same delivery is taken. Every delivery here is a real one from ZeroFee.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureChildLogs, createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../../../packages/server/test/harness.js";
import { setEndpoint } from "../../../packages/server/test/webhooks/helpers.js";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
let t: TestApp;
let m: Merchant;
const shops: ChildProcess[] = [];

beforeAll(async () => {
  t = await startTestApp({ workers: true, env: { ZEROFEE_WEBHOOK_RETRY_DELAYS: "1,1,1,1,1,1,1,1,1,1" } });
  m = await createMerchant(t, "example-shop-main");
});
afterAll(async () => {
  for (const s of shops) s.kill();
  await t?.stop();
});

/** Starts `src/main.ts` with `env`; resolves to its URL and its output so far (a live string). */
async function startShop(env: Record<string, string>): Promise<{ url: string; output: () => string }> {
  const { ZEROFEE_WEBHOOK_SECRET: _unset, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...inherited, PORT: "0", ZEROFEE_URL: t.url, ZEROFEE_SECRET_KEY: m.sk, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  shops.push(child);
  captureChildLogs(child, "merchant-shop");
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c));
  child.stderr?.on("data", (c: Buffer) => (out += c));
  const exited = new Promise<never>((_, reject) => child.on("exit", (code) => reject(new Error(`shop exited (${code}): ${out}`))));
  const url = await Promise.race([eventually(async () => /shop on (http:\/\/localhost:\d+)/.exec(out)?.[1], 30_000), exited]);
  return { url, output: () => out };
}

describe("example shop, started as its README says", () => {
  it("depends on this repository's SDK, never on whatever the registry holds under the name `zerofee`", () => {
    const pkg = fileURLToPath(new URL("../package.json", import.meta.url));
    const spec: string = JSON.parse(readFileSync(pkg, "utf8")).dependencies.zerofee;
    expect(spec).toMatch(/^file:/);
    const target = resolve(dirname(pkg), spec.slice("file:".length));
    expect(target).toBe(fileURLToPath(new URL("../../../packages/sdk", import.meta.url)));
    expect(JSON.parse(readFileSync(`${target}/package.json`, "utf8")).name).toBe("zerofee");
  });

  it("starts without ZEROFEE_WEBHOOK_SECRET, refuses deliveries with a 500 saying why, and takes them once restarted with it", async () => {
    const first = await startShop({});
    // Its warning goes to stderr, "shop on …" to stdout: two pipes, read in either order.
    expect(await eventually(async () => /ZEROFEE_WEBHOOK_SECRET is not set/.test(first.output()), 10_000)).toBe(true);
    const secret = await setEndpoint(t, m, `${first.url}/webhooks/zerofee`);
    const sent = await t.call("POST", `/v1/apps/${m.appId}/webhook/test`, { token: m.sk });
    expect(sent.status, sent.text).toBe(202);
    const eventId: string = sent.body.data.event_id;
    const refused = await eventually(async () => {
      const d = (await t.call("GET", `/v1/events/${eventId}/deliveries`, { token: m.sk })).body.data;
      return d.length > 0 ? d[0] : null;
    }, 20_000);
    expect(refused).toMatchObject({ status_code: 500, response_body: expect.stringContaining("ZEROFEE_WEBHOOK_SECRET") });
    await eventually(async () => /webhook delivery refused \(500\)/.test(first.output()));

    // Restarted with the secret (another port here): the same event, resent, is taken.
    const second = await startShop({ ZEROFEE_WEBHOOK_SECRET: secret });
    expect((await t.call("PUT", `/v1/apps/${m.appId}/webhook`, { token: m.sk, body: { url: `${second.url}/webhooks/zerofee` } })).status).toBe(200);
    expect((await t.call("POST", `/v1/events/${eventId}/resend`, { token: m.sk })).status).toBe(200);
    const taken = await eventually(async () => {
      const d = (await t.call("GET", `/v1/events/${eventId}/deliveries`, { token: m.sk })).body.data;
      return d.find((x: { status_code: number | null }) => x.status_code === 200);
    }, 20_000);
    expect(taken.response_body).toBe("ignored"); // verified, recorded; a test event fulfils nothing
    // Checked once the delivery was taken, so a start-up warning would have arrived by now.
    expect(second.output()).not.toMatch(/is not set/);
  }, 90_000);
});
