import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountWebhookUrl, actionPage, applyControl, deliverClaimed, flushOutbox, newControl, type Outbox } from "./runtime-cards.js";

describe("sandbox runtime helpers", () => {
  it("a sandbox account's webhook URL is ZeroFee's inbound route beside the sandbox", () => {
    expect(accountWebhookUrl("http://127.0.0.1:8000/sandbox/stripe")).toBe("http://127.0.0.1:8000/v1/webhooks/providers/stripe");
    expect(accountWebhookUrl("https://pay.example/zf/sandbox/paypal/")).toBe("https://pay.example/zf/v1/webhooks/providers/paypal");
    expect(() => accountWebhookUrl("http://127.0.0.1:8000/elsewhere")).toThrow();
  });

  it("_control clamps latency and answers the state", () => {
    const c = newControl();
    expect(applyControl(c, { down: true, latency_ms: 1e9, drop_callbacks: true }).body).toEqual({ down: true, latency_ms: 120_000, drop_callbacks: true });
    expect(applyControl(c, { down: "yes" }).body).toMatchObject({ down: true });
  });

  it("the action page is a plain form: three data-action buttons inside it, state in hidden inputs, values escaped", () => {
    const html = String(
      actionPage({
        title: "T",
        lines: ['<b>"x"</b>'],
        action: "http://h/p",
        hidden: { token: 'a"b' },
        inputs: { card_number: { label: "Card", value: "4242 4242 4242 4242" } },
      }).body,
    );
    const form = /<form method="post" action="http:\/\/h\/p">([\s\S]*)<\/form>/.exec(html)?.[1] ?? "";
    for (const a of ["approve", "decline", "cancel"]) expect(form).toContain(`data-action="${a}"`);
    expect(form).toContain('<input type="hidden" name="token" value="a&#34;b">');
    expect(form).toContain('name="card_number" value="4242 4242 4242 4242"');
    expect(html).not.toContain("formaction");
    expect(html).not.toContain('<b>"x"</b>');
  });
});

describe("flushOutbox", () => {
  const received: Array<{ body: string; sig: string | undefined }> = [];
  let failNext = 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end();
        return;
      }
      received.push({ body, sig: req.headers["x-sig"] as string | undefined });
      res.writeHead(200).end();
    });
  });
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("delivers in order, signing each body when sent", async () => {
    const rec: Outbox = { outbox: ["a", "b"] };
    expect(await flushOutbox(rec, url, (b) => ({ "x-sig": `sig-${b}` }), false)).toBeNull();
    expect(received.splice(0)).toEqual([
      { body: "a", sig: "sig-a" },
      { body: "b", sig: "sig-b" },
    ]);
    expect(rec.outbox).toEqual([]);
  });

  it("backs off after a failure and keeps the body; drop discards the queue", async () => {
    failNext = 1;
    const rec: Outbox = { outbox: ["c"] };
    expect(await flushOutbox(rec, url, () => ({}), false)).toBe(2000);
    expect(rec).toEqual({ outbox: ["c"], callback_attempts: 1 });
    expect(await flushOutbox(rec, url, () => ({}), false)).toBeNull();
    expect(received.splice(0).map((r) => r.body)).toEqual(["c"]);
    const dropped: Outbox = { outbox: ["d"] };
    expect(await flushOutbox(dropped, url, () => ({}), true)).toBeNull();
    expect(received).toEqual([]);
  });
});

describe("deliverClaimed", () => {
  it("keeps what changed while a callback was in flight, and owes the bodies queued meanwhile", async () => {
    type Rec = Outbox & { status: string };
    const claimed: Rec = { status: "APPROVED", outbox: ["approved"] };
    // While "approved" is being delivered, a capture completes the order and queues its event.
    const stored: Rec = { status: "COMPLETED", outbox: ["approved", "captured"] };
    const sent: string[] = [];
    const { rec, dueInMs } = await deliverClaimed(
      claimed,
      async () => structuredClone(stored),
      async (progress) => {
        sent.push(...(progress.outbox ?? []));
        progress.outbox = [];
        return null;
      },
    );
    expect(sent).toEqual(["approved"]);
    expect(rec).toEqual({ status: "COMPLETED", outbox: ["captured"], callback_attempts: 0 });
    expect(dueInMs).toBe(0);
  });

  it("a failed delivery keeps the body and its back-off", async () => {
    const { rec, dueInMs } = await deliverClaimed(
      { outbox: ["x"] } as Outbox,
      async () => ({ outbox: ["x"] }),
      async (progress) => {
        progress.callback_attempts = 1;
        return 2000;
      },
    );
    expect(rec).toEqual({ outbox: ["x"], callback_attempts: 1 });
    expect(dueInMs).toBe(2000);
  });
});
