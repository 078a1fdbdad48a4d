/**
 * `zerofee listen --forward-to` (SPEC §12 tools; reliability.md SR-3's forwarding path): the
 * real CLI in a child process streams test-mode events from a running ZeroFee to a local
 * receiver, signed with the secret it prints, and prints each answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { type Child, runCli } from "./child.js";
import { createPayments, standardValid, zeroFeeSignatureValid } from "./helpers.js";
import { type Receiver, startReceiver } from "./receiver.js";

let t: TestApp;
let m: Merchant;
let r: Receiver;
const children: Child[] = [];

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "listen");
  r = await startReceiver((req) => (JSON.parse(req.body).type === "payment.created" ? { status: 200 } : { status: 500 }));
});
afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
  await r?.close();
  await t?.stop();
});

describe("zerofee listen", () => {
  it("forwards the app's test-mode events, signed with the printed secret, and prints each response code", async () => {
    const cli = runCli(["listen", "--forward-to", r.url, "--api-url", t.url], { ZEROFEE_API_KEY: m.sk });
    children.push(cli);
    const secret = (await cli.waitFor(/signing secret is (whsec_\S+)/))[1] as string;
    const [paymentId] = await createPayments(t, m, 1);
    await eventually(async () => (r.received.length >= 2 ? true : null), 20_000);
    const types = r.received.map((x) => JSON.parse(x.body).type).sort();
    expect(types).toEqual(["payment.completed", "payment.created"]);
    for (const x of r.received) {
      expect(JSON.parse(x.body).data.id).toBe(paymentId);
      expect(zeroFeeSignatureValid(x, secret)).toBe(true);
      expect(standardValid(x, secret)).toBe(true);
    }
    const out = await cli.waitFor(/\[500\] POST/);
    expect(out.input).toMatch(/--> payment\.created \[evt_/);
    expect(out.input).toMatch(/<-- {2}\[200\] POST http:\/\/127\.0\.0\.1:\d+\/hooks \[evt_/);
    // The same secret on the next run (like `stripe listen`).
    cli.proc.kill("SIGINT");
    await cli.exited;
    const again = runCli(["listen", "--forward-to", r.url, "--api-url", t.url, "--api-key", m.sk], {});
    children.push(again);
    expect((await again.waitFor(/signing secret is (whsec_\S+)/))[1]).toBe(secret);
    again.proc.kill("SIGINT");
    await again.exited;
  }, 90_000);

  it("the long poll waits while the caller already holds every event of its window (`known`), and answers when a new one commits", async () => {
    // An app of its own: the first test's events, still arriving, would otherwise join the window.
    const own = await createMerchant(t, "poll");
    const since = new Date(Date.now() - 1_000).toISOString();
    await createPayments(t, own, 1);
    const all = async (known: number, wait: number) => {
      const res = await t.call("GET", `/v1/events/listen?since=${encodeURIComponent(since)}&known=${known}&wait=${wait}`, { token: own.sk });
      expect(res.status, res.text).toBe(200);
      return res.body.data.events as Array<{ id: string; type: string }>;
    };
    const held = await eventually(async () => {
      const events = await all(0, 0);
      return events.some((e) => e.type === "payment.completed") ? events : null;
    }, 20_000);
    // Nothing new: the poll holds its whole wait, then answers what the caller holds (the CLI
    // would otherwise poll in a loop).
    const started = Date.now();
    expect((await all(held.length, 1)).map((e) => e.id)).toEqual(held.map((e) => e.id));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    // A new event ends a long wait at once.
    const waiting = all(held.length, 20);
    await createPayments(t, own, 1);
    const next = await waiting;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(next.length).toBeGreaterThan(held.length);
    expect(next.map((e) => e.id)).toEqual(expect.arrayContaining(held.map((e) => e.id)));
  }, 60_000);

  it("refuses a live key", async () => {
    const cli = runCli(["listen", "--forward-to", r.url, "--api-url", t.url, "--api-key", m.skLive], {});
    children.push(cli);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.output()).toMatch(/test secret key/);
  }, 60_000);
});
